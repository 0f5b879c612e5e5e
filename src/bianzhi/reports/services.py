"""Writes and document builds of the reports app.

``snapshot_take`` stores the figures of every township under a region on a
date (re-taking the same date replaces it: the latest measurement wins), and
for each county a row of its own holding the findings about the county as a
whole. Only today can be measured: approved quotas, persons' statuses and
rule findings are kept as they are now, not as they were, so a past (or
future) date is refused rather than stored with today's figures.
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

from bianzhi.accounts.scope import acts_for_township, scope_for
from bianzhi.adapters.docx_official import DOCX_MIME, render_docx
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many
from bianzhi.core.document import Document
from bianzhi.core.sanding import sanding_document
from bianzhi.kernel.errors import ServiceError
from bianzhi.regions.models import Level, Region
from bianzhi.reports.documents import (
    ControlCheck,
    FilingFinding,
    Thresholds,
    TownshipFigures,
    compliance_paragraphs,
    evaluation_document,
    filing_document,
)
from bianzhi.reports.figures import county_findings, county_totals, normalized, township_figures
from bianzhi.reports.loaders import issuer_of, sanding_load, sanding_load_county
from bianzhi.reports.models import MainDuty, Snapshot

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
    """Measure and store the figures of every township under ``region`` on ``on``
    (today only); returns the townships' snapshots."""
    if actor is not None and not scope_for(actor).can_edit(region):
        raise PermissionDenied("无权生成该区划的监测快照")
    from bianzhi.kernel.clock import today

    if on != today():
        raise ServiceError(
            f"监测快照只能记录当天（{today().isoformat()}）的数据：核定编制、人员状态和规则检查结果"
            f"只保存当前状态，无法按 {on.isoformat()} 重新测量。"
        )
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
    county_rows = []
    county_codes = sorted({t.county_code for t in townships})
    for county in Region.objects.filter(code__in=county_codes, level=Level.COUNTY):
        # The county's own row: findings about the county as a whole (两个不减少…).
        row, _ = Snapshot.objects.update_or_create(
            region=county,
            taken_on=on,
            defaults={"figures": {"county_findings": county_findings(county)}, "taken_by": user},
        )
        county_rows.append(row)
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
            for s in (*snapshots, *county_rows)
        ),
        reason=f"监测快照 {on.isoformat()}",
    )
    return snapshots


def thresholds_of(county: Region) -> Thresholds:
    """The evaluation's limits from the rule settings in force for ``county``
    (province, then city, then county; a city gives province then city)."""
    from bianzhi.core.rules.checks import rule_in_force
    from bianzhi.rules.facts import settings_for

    settings = settings_for(county.code)
    usage = rule_in_force("usage-rate", settings)
    share = rule_in_force("secondment-share", settings)
    enforcement = rule_in_force("enforcement-staff", settings)
    return Thresholds(
        usage_target=float(usage.parameters["min_percent"]) / 100 if usage else None,
        secondment_limit=float(share.parameters["max_percent"]) / 100 if share else None,
        min_enforcement=int(enforcement.parameters["min_staff"]) if enforcement else None,
    )


def _counties_under(region: Region) -> list[Region]:
    return list(Region.objects.filter(level=Level.COUNTY, city_code=region.code).order_by("code"))


def evaluation_build(
    *, county: Region, date_from: dt.date, date_to: dt.date, fmt: str, charts: bool = True
) -> Rendered:
    """The 总结评估报告 of ``county`` (or of a city: one row per county) from its
    snapshots of the two dates."""
    if date_from >= date_to:
        raise ServiceError("起始日期须早于截止日期。")
    city = county.level == Level.CITY
    if county.level not in (Level.COUNTY, Level.CITY):
        raise ServiceError(f"{county.name}不是县级或市级区划。")
    under = {f"region__{county.level_field}": county.code}
    snaps: dict[tuple[int, dt.date], dict[str, Any]] = {
        (s.region_id, s.taken_on): s.figures
        for s in Snapshot.objects.filter(**under, taken_on__in=[date_from, date_to])
    }
    townships = _townships_under(county)
    missing = [
        d.isoformat()
        for d in (date_from, date_to)
        if not any((t.pk, d) in snaps for t in townships)
    ]
    if missing:
        raise ServiceError(f"{county.name}没有 {'、'.join(missing)} 的监测快照，请先生成快照。")

    def figures(t: Region, d: dt.date) -> dict[str, Any]:
        return normalized(snaps.get((t.pk, d), {}))

    counties = _counties_under(county) if city else [county]
    region_findings = [
        (f"{c.name}：" if city else "") + f["message"]
        for c in counties
        for f in snaps.get((c.pk, date_to), {}).get("county_findings", [])
    ]
    if city:
        by_county: dict[str, list[Region]] = {}
        for t in townships:
            by_county.setdefault(t.county_code, []).append(t)
        rows = [
            TownshipFigures(
                c.code,
                c.name,
                county_totals([figures(t, date_from) for t in by_county.get(c.code, [])]),
                county_totals([figures(t, date_to) for t in by_county.get(c.code, [])]),
            )
            for c in counties
            if by_county.get(c.code)
        ]
    else:
        rows = [
            TownshipFigures(t.code, t.name, figures(t, date_from), figures(t, date_to))
            for t in townships
        ]
    doc = evaluation_document(
        county_name=county.name,
        issuer=issuer_of(county),
        date_from=date_from,
        date_to=date_to,
        rows=rows,
        charts=charts,
        # A city's report quotes the city's settings (province, then city).
        thresholds=thresholds_of(county),
        region_findings=region_findings,
        city=city,
        townships=len(townships),
    )
    return render(doc, fmt=fmt, stem=f"{county.name}总结评估报告_{date_from}_{date_to}")


def sanding_build(*, township: Region, on: dt.date, fmt: str) -> Rendered:
    data = sanding_load(township=township, on=on)
    return render(sanding_document(data), fmt=fmt, stem=f"{township.name}三定方案")


def _filing_checks(
    counties: list[Region],
) -> tuple[list[FilingFinding], list[ControlCheck]]:
    """The rule findings of ``counties`` evaluated now, and the control-number
    check of each quota type (within only when a control number is recorded
    and its rule is in force)."""
    from bianzhi.core.rules.catalogue import RULES_BY_ID
    from bianzhi.core.rules.checks import rule_in_force
    from bianzhi.rules.facts import county_facts, settings_for
    from bianzhi.rules.services import findings_evaluate

    findings: list[FilingFinding] = []
    controls: dict[str, list[ControlCheck]] = {"行政编制": [], "事业编制": []}
    from bianzhi.core.rules import ObjectKind
    from bianzhi.institutions.models import Institution
    from bianzhi.roster.models import Person

    prefix_names = len(counties) > 1
    for county in counties:
        start = len(findings)
        results = [f for r in findings_evaluate(county) for f in r.findings]
        # A person or an institution is named by its township: a report to the
        # level above lists places, not people.
        ids = {k: [f.object.id for f in results if f.object.kind == k] for k in ObjectKind}
        township_of = {
            (ObjectKind.PERSON, str(pk)): name
            for pk, name in Person.objects.filter(
                pk__in=[i for i in ids[ObjectKind.PERSON] if i.isdigit()]
            ).values_list("pk", "region__name")
        } | {
            (ObjectKind.INSTITUTION, str(pk)): name
            for pk, name in Institution.objects.filter(
                pk__in=[i for i in ids[ObjectKind.INSTITUTION] if i.isdigit()]
            ).values_list("pk", "region__name")
        }
        for f in results:
            rule = RULES_BY_ID.get(f.rule)
            place = township_of.get((f.object.kind, f.object.id), f.object.label)
            if prefix_names and not place.startswith(county.name):
                place = f"{county.name}{place}"
            findings.append(
                FilingFinding(rule.title if rule else f.rule, str(f.severity), place, f.message)
            )
        # The control numbers in force (rule "control-number"): nothing is
        # claimed about a quota type without one, or with the rule switched off.
        numbers = county_facts(county).control_numbers
        in_force = rule_in_force("control-number", settings_for(county.code)) is not None
        for quota_type, checks in controls.items():
            control = numbers.get(quota_type) if in_force else None
            if control is None:
                checks.append(ControlCheck(quota_type, None))
                continue
            broken = [
                f
                for f in findings[start:]
                if f.rule_title == RULES_BY_ID["control-number"].title and quota_type in f.message
            ]
            checks.append(
                ControlCheck(
                    quota_type,
                    not broken,
                    control.count,
                    control.document_number,
                    broken[0].message if broken else "",
                )
            )
    merged = []
    for quota_type, checks in controls.items():
        if any(c.within is None for c in checks):
            merged.append(ControlCheck(quota_type, None))
        elif len(checks) == 1:
            merged.append(checks[0])
        else:
            broken_checks = [c for c in checks if not c.within]
            merged.append(
                ControlCheck(
                    quota_type,
                    not broken_checks,
                    sum(c.control or 0 for c in checks),
                    "",
                    "；".join(c.message for c in broken_checks),
                )
            )
    return findings, merged


def filing_build(*, county: Region, on: dt.date, fmt: str) -> Rendered:
    """The 备案报告 of a county (or of a city, one row per county)."""
    from bianzhi.kernel.clock import today

    if county.level not in (Level.COUNTY, Level.CITY):
        raise ServiceError(f"{county.name}不是县级或市级区划。")
    city = county.level == Level.CITY
    counties = _counties_under(county) if city else [county]
    townships = [t for c in counties for t in sanding_load_county(county=c, on=on)]
    names = {c.code: c.name for c in counties}
    county_of = {t.township_code: names.get(t.township_code[:6], "") for t in townships}
    findings, controls = _filing_checks(counties)
    above = Region.objects.filter(code=county.province_code if city else county.city_code).first()
    above_name = above.name if above else ""
    compliance = compliance_paragraphs(
        area="全市" if city else "全县",
        townships=townships,
        findings=findings,
        checked_on=today(),
        controls=controls,
    )
    doc = filing_document(
        county_name=county.name,
        city_name=above_name,
        issuer=issuer_of(county),
        on=on,
        townships=townships,
        compliance=compliance,
        county_of=county_of if city else None,
        addressee=f"中共{above_name}委机构编制委员会办公室：",
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


def _duty_list(rows: Any) -> list[dict[str, Any]]:
    return [
        {"机构": r.institution.name if r.institution else "", "领域": r.area, "职责": r.text}
        for r in rows
    ]


@transaction.atomic
def main_duties_replace(
    *, actor: User | None, township: Region, entries: list[tuple[int | None, str, str]]
) -> int:
    """Replace the 主要职责 of ``township`` by ``entries`` ((institution id or
    None, area, text), in order); audited with the old and new lists."""
    if township.level != Level.TOWNSHIP:
        raise ServiceError(f"{township.name}不是乡镇（街道）。")
    if actor is not None and not scope_for(actor).can_edit(township):
        raise PermissionDenied("无权修改该乡镇的主要职责")
    return _main_duties_write(actor=actor, township=township, entries=entries)


def _main_duties_write(
    *, actor: User | None, township: Region, entries: list[tuple[int | None, str, str]]
) -> int:
    from bianzhi.institutions.models import Institution

    own = set(Institution.objects.filter(region=township).values_list("pk", flat=True))
    for institution_id, area, text in entries:
        if institution_id is not None and institution_id not in own:
            raise ServiceError("机构不属于该乡镇。")
        if not area.strip() or not text.strip():
            raise ServiceError("领域和职责不能为空。")
    old = list(MainDuty.objects.filter(township=township).select_related("institution"))
    before = _duty_list(old)
    MainDuty.objects.filter(township=township).delete()
    created = MainDuty.objects.bulk_create(
        MainDuty(
            township=township,
            institution_id=institution_id,
            area=area.strip(),
            text=text.strip(),
            position=i,
        )
        for i, (institution_id, area, text) in enumerate(entries)
    )
    after = _duty_list(MainDuty.objects.filter(township=township).select_related("institution"))
    if before != after:
        audit_record(
            actor=actor,
            action="update",
            object_type="reports.mainduty",
            object_id=str(township.pk),
            object_label=f"{township.name}主要职责",
            region_code=township.code,
            before={"主要职责": before},
            after={"主要职责": after},
        )
    return len(created)


MAIN_DUTY_AREA_MAX = 50


@transaction.atomic
def main_duties_set(
    *,
    actor: User | None,
    township: Region,
    institution: Any = None,
    entries: list[tuple[str, str]],
) -> int:
    """Replace the 主要职责 of one part of a township's 三定方案: the township's
    own (``institution`` None) or one institution's, by ``entries`` ((area,
    text), in order); the other parts keep theirs and their order. The
    township's own user or an officer over it may; audited like the import
    (the township's whole list before and after)."""
    if township.level != Level.TOWNSHIP:
        raise ServiceError(f"{township.name}不是乡镇（街道）。")
    if actor is not None and not acts_for_township(scope_for(actor), township):
        raise PermissionDenied("无权修改该乡镇的主要职责")
    if institution is not None and institution.region_id != township.pk:
        raise ServiceError("机构不属于该乡镇。")
    part = institution.pk if institution is not None else None
    problems = [
        f"第{n}行：领域不能超过{MAIN_DUTY_AREA_MAX}个字。"
        for n, (area, _) in enumerate(entries, start=1)
        if len(area.strip()) > MAIN_DUTY_AREA_MAX
    ]
    if problems:
        raise ServiceError(problems)
    new = [(part, area, text) for area, text in entries]
    current = [
        (d.institution_id, d.area, d.text)
        for d in MainDuty.objects.filter(township=township).order_by("position", "id")
    ]
    # The part's new entries go where its first old one stood (else at the end).
    at = next((i for i, row in enumerate(current) if row[0] == part), None)
    others = [row for row in current if row[0] != part]
    if at is None:
        merged = others + new
    else:
        before = sum(1 for row in current[:at] if row[0] != part)
        merged = others[:before] + new + others[before:]
    return _main_duties_write(actor=actor, township=township, entries=merged)


@transaction.atomic
def main_duties_import_commit(*, actor: User | None, plan: Any) -> int:
    """Save a parsed import (``reports.importing.main_duties_parse``) without errors."""
    if plan.errors:
        raise ServiceError("文件有错误，未导入。")
    return sum(
        main_duties_replace(
            actor=actor,
            township=plan.townships[township_id],
            entries=[(r.institution_id, r.area, r.text) for r in rows],
        )
        for township_id, rows in plan.rows.items()
    )
