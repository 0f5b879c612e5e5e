"""Writes and document builds of the reports app.

``snapshot_take`` stores the figures of every township under a region on a
date (re-taking the same date replaces it: the latest measurement wins).
The ``*_build`` functions load data through the other apps and return file
bytes; they write nothing, so they need no transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from bianzhi.accounts.scope import scope_for
from bianzhi.adapters.docx_official import DOCX_MIME, render_docx
from bianzhi.audit.services import AuditEntry, audit_record_many
from bianzhi.core.document import Document
from bianzhi.core.sanding import sanding_document
from bianzhi.kernel.errors import ServiceError
from bianzhi.regions.models import Level, Region
from bianzhi.reports.documents import TownshipFigures, evaluation_document, filing_document
from bianzhi.reports.figures import township_figures
from bianzhi.reports.loaders import issuer_of, sanding_load, sanding_load_county
from bianzhi.reports.models import Snapshot

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str
    mime: str


def render(doc: Document, *, fmt: str, stem: str) -> Rendered:
    """``doc`` as .docx or .pdf bytes, with a file name."""
    if fmt == "docx":
        return Rendered(render_docx(doc), f"{stem}.docx", DOCX_MIME)
    if fmt == "pdf":
        from bianzhi.adapters.pdf_official import PDF_MIME, render_pdf

        return Rendered(render_pdf(doc), f"{stem}.pdf", PDF_MIME)
    raise ServiceError(f"不支持的格式：{fmt}（可选 docx、pdf）")


def _townships_under(region: Region) -> list[Region]:
    if region.level == Level.TOWNSHIP:
        return [region]
    return list(
        Region.objects.filter(level=Level.TOWNSHIP, **{region.level_field: region.code}).order_by(
            "code"
        )
    )


@transaction.atomic
def snapshot_take(*, actor: User | None, region: Region, on: dt.date) -> list[Snapshot]:
    """Measure and store the figures of every township under ``region`` on ``on``."""
    if actor is not None and not scope_for(actor).can_edit(region):
        raise PermissionDenied("无权生成该区划的监测快照")
    townships = _townships_under(region)
    if not townships:
        raise ServiceError(f"{region.name}下没有乡镇（街道）。")
    user = actor if getattr(actor, "is_authenticated", False) else None
    snapshots = []
    for township in townships:
        snapshot, _ = Snapshot.objects.update_or_create(
            region=township,
            taken_on=on,
            defaults={"figures": township_figures(township=township, on=on), "taken_by": user},
        )
        snapshots.append(snapshot)
    audit_record_many(
        actor=actor,
        action="create",
        entries=(
            AuditEntry(
                object_type="reports.snapshot",
                object_id=str(s.pk),
                object_label=str(s),
                region_code=s.region.code,
                after={"taken_on": on.isoformat(), "figures": s.figures},
            )
            for s in snapshots
        ),
        reason=f"监测快照 {on.isoformat()}",
    )
    return snapshots


def evaluation_build(
    *, county: Region, date_from: dt.date, date_to: dt.date, fmt: str, charts: bool = True
) -> Rendered:
    """The 总结评估报告 of ``county`` from its snapshots of the two dates."""
    if date_from >= date_to:
        raise ServiceError("起始日期须早于截止日期。")
    snaps: dict[tuple[int, dt.date], dict[str, Any]] = {
        (s.region_id, s.taken_on): s.figures
        for s in Snapshot.objects.filter(
            region__county_code=county.code, taken_on__in=[date_from, date_to]
        )
    }
    townships = _townships_under(county)
    missing = [
        d.isoformat()
        for d in (date_from, date_to)
        if not any((t.pk, d) in snaps for t in townships)
    ]
    if missing:
        raise ServiceError(f"{county.name}没有 {'、'.join(missing)} 的监测快照，请先生成快照。")
    rows = [
        TownshipFigures(
            t.code, t.name, snaps.get((t.pk, date_from), {}), snaps.get((t.pk, date_to), {})
        )
        for t in townships
    ]
    doc = evaluation_document(
        county_name=county.name,
        issuer=issuer_of(county),
        date_from=date_from,
        date_to=date_to,
        rows=rows,
        charts=charts,
    )
    return render(doc, fmt=fmt, stem=f"{county.name}总结评估报告_{date_from}_{date_to}")


def sanding_build(*, township: Region, on: dt.date, fmt: str) -> Rendered:
    data = sanding_load(township=township, on=on)
    return render(sanding_document(data), fmt=fmt, stem=f"{township.name}三定方案")


def filing_build(*, county: Region, on: dt.date, fmt: str) -> Rendered:
    city = Region.objects.filter(code=county.city_code).first()
    doc = filing_document(
        county_name=county.name,
        city_name=city.name if city else "",
        issuer=issuer_of(county),
        on=on,
        townships=sanding_load_county(county=county, on=on),
    )
    return render(doc, fmt=fmt, stem=f"{county.name}机构编制核定情况备案报告")


def sanding_batch_build(
    *,
    county: Region,
    on: dt.date,
    fmt: str = "docx",
    progress: Callable[[int, int, str], None] | None = None,
) -> Rendered:
    """A zip of the 三定方案 of every township of ``county`` (plus the 备案报告)."""
    data = sanding_load_county(county=county, on=on)
    buffer = io.BytesIO()
    total = len(data) + 1
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        # .docx and .pdf are already compressed: store them.
        for i, item in enumerate(data, start=1):
            rendered = render(
                sanding_document(item),
                fmt=fmt,
                stem=f"{item.township_code}_{item.township_name}三定方案",
            )
            zf.writestr(rendered.filename, rendered.content)
            if progress:
                progress(i, total, f"已生成 {item.township_name}")
        filing = filing_build(county=county, on=on, fmt=fmt)
        zf.writestr(f"000_{filing.filename}", filing.content)
        if progress:
            progress(total, total, "已生成备案报告")
    return Rendered(
        buffer.getvalue(), f"{county.name}三定方案_{on.isoformat()}.zip", "application/zip"
    )
