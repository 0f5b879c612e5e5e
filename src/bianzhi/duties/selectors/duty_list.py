"""A township's powers-and-duties list (权责清单), derived from approved
records only, and the township lookup of the public pages.

``duty_list`` is the one unscoped read of the app: the list is published to
everyone (001 §(一)2: 及时向社会公开).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.http import Http404

from bianzhi.core.duties import AccessStatus, TakeUpChoice
from bianzhi.duties.models import DutyAccessRequest, StatutoryItem, TakeUp
from bianzhi.regions.models import Level, Region


def public_township(*, code: str) -> Region:
    """Any township by code (public pages), else Http404."""
    region = Region.objects.filter(code=code, level=Level.TOWNSHIP).first()
    if region is None:
        raise Http404("乡镇不存在")
    return region


@dataclass(frozen=True)
class DutyEntry:
    """One line of a township's powers-and-duties list."""

    source: str  # 法定事项 / 赋权事项 / 准入事项
    code: str
    name: str
    power_type: str
    legal_basis: str
    department: str  # delegating or requesting department, "" for statutory
    basis_document: str  # the 文号 that put it on the list
    note: str = ""


SOURCE_STATUTORY = "法定事项"
SOURCE_DELEGATED = "赋权事项"
SOURCE_ADMITTED = "准入事项"


def duty_list(*, township: Region, today: date) -> list[DutyEntry]:
    """The township's list on ``today``: statutory items of its county, delegated
    items it took up (approved, still in the catalogue) and duties admitted
    through duty access that have not expired by date."""
    entries = [
        DutyEntry(SOURCE_STATUTORY, s.code, s.name, s.power_type, s.legal_basis, "", "")
        for s in StatutoryItem.objects.filter(county__code=township.county_code, active=True)
    ]
    take_ups = (
        TakeUp.objects.filter(township=township, choice=TakeUpChoice.TAKE_UP, item__active=True)
        .select_related("item")
        .order_by("item__list_kind", "item__code")
    )
    entries += [
        DutyEntry(
            SOURCE_DELEGATED,
            t.item.code,
            t.item.name,
            t.item.power_type,
            t.item.legal_basis,
            t.item.delegating_department,
            t.document_number,
            t.item.get_list_kind_display(),
        )
        for t in take_ups
    ]
    admitted = (
        DutyAccessRequest.objects.filter(townships=township, status=AccessStatus.APPROVED)
        .filter(Q(is_temporary=False) | Q(end_date__gte=today))
        .select_related("department")
        .order_by("decided_on", "id")
    )
    entries += [
        DutyEntry(
            SOURCE_ADMITTED,
            f"ZR-{r.pk}",
            r.matter,
            "其他行政权力",
            r.legal_basis,
            r.department.name,
            r.document_number,
            f"临时性事项，至{r.end_date.isoformat()}" if r.is_temporary and r.end_date else "",
        )
        for r in admitted
    ]
    return entries
