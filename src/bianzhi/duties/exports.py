"""Files the duties app hands out: the catalogue, statutory-items and
territorial-matters workbooks and a township's powers-and-duties list as xlsx
and PDF.

Here only what comes from the database: the rows of each workbook, and the
HTML of the PDF rendered from ``duties/duty_list_pdf.html``. The files
themselves are written by ``bianzhi.adapters.xlsx_duties`` and
``bianzhi.adapters.pdf_html`` (WeasyPrint).
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.cache import cache
from django.template.loader import render_to_string

from bianzhi.adapters.pdf_html import html_to_pdf
from bianzhi.adapters.xlsx_duties import (
    catalogue_workbook,
    duty_list_workbook,
    matters_workbook,
    statutory_workbook,
)
from bianzhi.duties.models import Responsibility
from bianzhi.duties.selectors.catalogue import catalogue_items, catalogue_of
from bianzhi.duties.selectors.duty_list import duty_list
from bianzhi.duties.selectors.matters import matters
from bianzhi.duties.selectors.statutory import statutory_items
from bianzhi.kernel import clock
from bianzhi.regions.models import Region

_ROLE = dict(Responsibility.choices)


def catalogue_xlsx(*, county: Region) -> bytes:
    """The county's catalogue in the import layout (the template when empty)."""
    from bianzhi.duties.services.catalogue import _county_classes, _default_featured

    catalogue = catalogue_of(county=county)
    if catalogue is None:
        return catalogue_workbook([], _default_featured(_county_classes(county)))
    rows = (
        [i.code, i.name, i.power_type, i.legal_basis, i.delegating_department, i.get_list_kind_display()]
        for i in catalogue_items(catalogue=catalogue)
    )
    return catalogue_workbook(rows, catalogue.featured_classes)


def matters_xlsx(*, county: Region) -> bytes:
    """The county's territorial matters in the import layout."""
    rows = (
        [m.code, m.domain, m.name, _ROLE[m.township_role], m.department, _ROLE[m.department_role], m.basis]
        for m in matters(county=county).order_by("id")
    )
    return matters_workbook(rows)


def statutory_xlsx(*, county: Region) -> bytes:
    """The county's statutory items in force, in the import layout (re-importing
    it changes nothing)."""
    rows = ([s.code, s.name, s.power_type, s.legal_basis] for s in statutory_items(county=county))
    return statutory_workbook(rows)


def statutory_template_xlsx() -> bytes:
    """The empty import template: the export's columns and notes, no rows."""
    return statutory_workbook([])


def duty_list_xlsx(*, township: Region, today: date | None = None) -> bytes:
    today = today or clock.today()
    entries = duty_list(township=township, today=today)
    return duty_list_workbook(
        [n, e.source, e.code, e.name, e.power_type, e.legal_basis, e.department, e.basis_document, e.note]
        for n, e in enumerate(entries, start=1)
    )


# A cached PDF is good for the day: the list changes with the date too
# (temporary duties expire, the date is printed on it).
PDF_CACHE_SECONDS = 24 * 60 * 60


def duty_list_pdf(*, township: Region, today: date | None = None) -> bytes:
    """The township's list as PDF, rendered once per version of the list.

    WeasyPrint takes 0.7-2.6 s per file and the list is published to anyone,
    so the PDF is kept in the shared (database) cache, under the SHA-256 of
    the HTML it is rendered from: any change to the list, the names or the
    date gives other HTML and so a new PDF, whatever service made the change,
    and all app servers share one copy.
    """
    today = today or clock.today()
    html = render_to_string(
        "duties/duty_list_pdf.html",
        {
            "township": township,
            "county": Region.objects.filter(code=township.county_code).first(),
            "entries": duty_list(township=township, today=today),
            "today": today,
        },
    )
    key = "duties:duty-list-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    pdf: bytes | None = cache.get(key)
    if pdf is None:
        pdf = html_to_pdf(html)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf
