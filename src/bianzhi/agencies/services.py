"""Writes of the agencies app: dispatched agencies, the handover to local
management, head appointments and the annual assessments.

Keyword-only, atomic, audited; each function checks the actor's permission
(None = command line or demo). Quotas and staff live in the institutions
ledger and the roster: this app moves them through *their* services
(``institution_create``, ``institution_abolish``, ``person_update``) and
never keeps a count of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from bianzhi.accounts.models import Department, Role
from bianzhi.accounts.scope import Scope, acts_for_township
from bianzhi.agencies.models import (
    VERTICAL_SOURCE,
    VERTICAL_TYPES,
    AgencyAssessment,
    AgencyHandover,
    AssessmentFloor,
    DepartmentAssessment,
    Direction,
    DispatchedAgency,
    Evaluation,
    HeadChange,
    HeadChangeKind,
    HeadChangeStatus,
    HeadOpinion,
    Mode,
    QuotaChange,
    QuotaChangeStatus,
    QuotaOpinion,
)
from bianzhi.agencies.selectors import effective_floors
from bianzhi.audit.services import audit_record, field_values
from bianzhi.core.duties import (
    AGENCY_FLOOR_SOURCE,
    DEPARTMENT_FLOOR_SOURCE,
    AssessmentError,
    weighted_total,
)
from bianzhi.inbox.kinds import NotificationKind
from bianzhi.inbox.services import notify_role, notify_users
from bianzhi.kernel import clock
from bianzhi.kernel.errors import ServiceError, require_document_number
from bianzhi.kernel.hooks import RuleRefusal, rule_guard
from bianzhi.regions.models import Level, Region

if TYPE_CHECKING:
    from bianzhi.accounts.models import User


class AgencyError(ServiceError):
    """A refused write; the message is Chinese and meant for the user."""


class AgencyRuleViolation(RuleRefusal, AgencyError):
    """A handover that would leave a new block finding (the township's
    直属事业单位 over institution-limits…); `findings` says which. RuleRefusal
    first: its ``__init__`` takes the findings."""


def _scope(actor: User | None) -> Scope | None:
    return None if actor is None else Scope.for_user(actor)


def _require_edit(actor: User | None, region: Region) -> None:
    scope = _scope(actor)
    if scope is not None and not scope.can_edit(region):
        raise PermissionDenied("无权修改该区划的数据")


def _user(actor: User | None) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def agency_create(
    *,
    actor: User | None,
    township: Region,
    name: str,
    agency_type: str,
    managing_department: Department,
    head_name: str = "",
    established_on: date | None = None,
    document_number: str = "",
    quotas: Mapping[str, int] | None = None,
    vertical: bool | None = None,
    served_townships: Sequence[Region] = (),
) -> DispatchedAgency:
    """Register a dispatched agency of a county department in a township.
    `vertical` (kept dispatched, never handed over, 001 §(二)2) defaults to
    True for the types in ``VERTICAL_TYPES`` (法庭、检察室、派出所、司法所).

    With a 文号 it is also set up in the institutions ledger as a 派驻机构
    (with ``quotas``: ledger item -> count); without one it is only listed
    here until the office records its establishment.
    """
    _require_edit(actor, township)
    if township.level != Level.TOWNSHIP:
        raise AgencyError("派驻机构只能设在乡镇（街道）")
    if managing_department.county.code != township.county_code:
        raise AgencyError("主管部门须是本县的部门")
    name, agency_type = name.strip(), agency_type.strip()
    if not name or not agency_type:
        raise AgencyError("请填写机构名称和类型")
    if DispatchedAgency.objects.filter(township=township, name=name).exists():
        raise AgencyError(f"{township.name}已有名为“{name}”的派驻机构")
    if vertical is False and agency_type in VERTICAL_TYPES:
        raise AgencyError(
            f"{agency_type}属党中央、省级明确规定实行派驻的机构，不作调整，"
            f"不能登记为可划转属地管理（{VERTICAL_SOURCE}）"
        )
    institution = None
    if document_number.strip():
        from bianzhi.institutions.models import Kind
        from bianzhi.institutions.services import institution_create

        institution = institution_create(
            actor=actor,
            township=township,
            name=name,
            kind=Kind.DISPATCHED_AGENCY,
            established_on=established_on or clock.today(),
            document_number=document_number,
            reason=f"{managing_department.name}派驻机构",
            quotas=quotas,
        )
    agency = DispatchedAgency.objects.create(
        township=township,
        name=name,
        agency_type=agency_type,
        managing_department=managing_department,
        head_name=head_name.strip(),
        institution=institution,
        vertical=agency_type in VERTICAL_TYPES if vertical is None else vertical,
    )
    served = _served_check(township, served_townships)
    agency.served_townships.set(served)
    audit_record(
        actor=actor, action="create", obj=agency, region_code=township.code,
        after={**field_values(agency), "服务的其他乡镇": _names(served)},
    )
    return agency


def _names(townships: Sequence[Region]) -> str:
    return "、".join(t.name for t in townships)


def _served_check(seat: Region, townships: Sequence[Region]) -> list[Region]:
    """The other townships of a 片区 agency: townships of the same county, its
    seat left out (it serves that one anyway)."""
    served = sorted({t.pk: t for t in townships if t.pk != seat.pk}.values(), key=lambda t: t.code)
    for township in served:
        if township.level != Level.TOWNSHIP or township.county_code != seat.county_code:
            raise AgencyError(f"“{township.name}”不是本县的乡镇（街道），不能列为片区服务的乡镇")
    return served


def agency_townships(agency: DispatchedAgency) -> list[Region]:
    """Every township the agency serves: its seat first, then the others of
    its 片区 in code order. Each gives its opinion on a quota change."""
    return [agency.township, *agency.served_townships.order_by("code")]


@transaction.atomic
def agency_served_set(
    *, actor: User | None, agency: DispatchedAgency, townships: Sequence[Region]
) -> list[Region]:
    """Set the other townships a 片区 agency serves (its seat is always served).
    Refused while a quota change is being consulted on: its opinions are
    asked of the townships served when it started."""
    _require_edit(actor, agency.township)
    if QuotaChange.objects.filter(agency=agency, status=QuotaChangeStatus.PENDING).exists():
        raise AgencyError("该机构有正在征求意见的编制调整，完成后再修改服务的乡镇")
    before = _names(list(agency.served_townships.order_by("code")))
    served = _served_check(agency.township, townships)
    agency.served_townships.set(served)
    audit_record(
        actor=actor, action="update", obj=agency, region_code=agency.township.code,
        before={"服务的其他乡镇": before}, after={"服务的其他乡镇": _names(served)},
    )
    return served


QUOTA_OPINION_SOURCE = "002 §3"


def _ledger_items() -> Mapping[str, str]:
    from bianzhi.institutions.models import LedgerItem

    return dict(LedgerItem.choices)


def targets_text(targets: Mapping[str, int]) -> str:
    labels = _ledger_items()
    return "、".join(f"{labels.get(k, k)}{v}名" for k, v in targets.items())


@transaction.atomic
def quota_change_start(
    *, actor: User | None, agency: DispatchedAgency, targets: Mapping[str, int], reason: str
) -> QuotaChange:
    """Start a change of a dispatched agency's quotas (人员编制调整): the
    counts ``targets`` (ledger item -> count) it should have afterwards. The
    written opinion of every township it serves comes next (002 §3)."""
    from bianzhi.institutions.selectors import ledger_balances

    _require_edit(actor, agency.township)
    agency = DispatchedAgency.objects.select_for_update().get(pk=agency.pk)
    if agency.mode != Mode.DISPATCHED:
        raise AgencyError(f"{agency.name}已实行属地管理，其编制在机构台账中调整")
    if agency.institution is None:
        raise AgencyError(f"{agency.name}尚未在机构台账中登记，不能调整编制")
    if QuotaChange.objects.filter(agency=agency, status=QuotaChangeStatus.PENDING).exists():
        raise AgencyError("该机构已有未完成的编制调整")
    reason = reason.strip()
    if not reason:
        raise AgencyError("请填写调整原因")
    labels = _ledger_items()
    clean: dict[str, int] = {}
    for item, count in targets.items():
        if item not in labels:
            raise AgencyError(f"台账项目“{item}”无效")
        if count < 0:
            raise AgencyError(f"{labels[item]}不能少于0")
        clean[item] = int(count)
    current = ledger_balances(institution_ids=[agency.institution.pk]).get(agency.institution.pk, {})
    changed = {k: v for k, v in clean.items() if current.get(k, 0) != v}
    if not changed:
        raise AgencyError("调整后的编制与现有编制相同，无需调整")
    change = QuotaChange.objects.create(
        agency=agency, targets=changed, reason=reason, created_by=_user(actor)
    )
    townships = agency_townships(agency)
    audit_record(
        actor=actor, action="create", obj=change, region_code=agency.township.code,
        before={labels[k]: current.get(k, 0) for k in changed},
        after={labels[k]: v for k, v in changed.items()} | {"征求意见乡镇": _names(townships)},
        reason=reason,
    )
    for township in townships:
        notify_role(
            region=township,
            role=Role.TOWNSHIP,
            kind=NotificationKind.APPROVAL,
            title=f"待反馈意见：{agency.name}人员编制调整（{targets_text(changed)}）",
            url=reverse("agencies:agency", args=[agency.pk]),
            key=f"quota-change:{change.pk}:opinion:{township.pk}",
        )
    return change


OpinionT = TypeVar("OpinionT", QuotaOpinion, HeadOpinion)


def _served_opinion_save(
    model: type[OpinionT], *, actor: User | None, change: QuotaChange | HeadChange, township: Region,
    agrees: bool, text: str,
) -> tuple[OpinionT, OpinionT | None]:
    """Store a served township's opinion on a pending change (after the
    caller's permission and status checks): the township must be one the
    agency serves and the letter must be given. Returns it and the one it
    replaces, if any."""
    if township.pk not in {t.pk for t in agency_townships(change.agency)}:
        raise AgencyError(f"{change.agency.name}不服务{township.name}，无需其意见")
    if not text.strip():
        raise AgencyError("请填写乡镇党委书面意见")
    previous = model.objects.filter(change_id=change.pk, township=township).first()
    opinion, _ = model.objects.update_or_create(
        change_id=change.pk,
        township=township,
        defaults={"agrees": agrees, "text": text.strip(), "given_by": _user(actor), "given_at": clock.now()},
    )
    return opinion, previous


@transaction.atomic
def quota_opinion_record(
    *, actor: User | None, change: QuotaChange, township: Region, agrees: bool, text: str
) -> QuotaOpinion:
    """One served township's written opinion (its own user, or the office
    entering the letter); given again while pending, it replaces the earlier one."""
    if not acts_for_township(_scope(actor), township):
        raise PermissionDenied("只能由该乡镇或编办登记乡镇意见")
    change = QuotaChange.objects.select_for_update().get(pk=change.pk)
    if change.status != QuotaChangeStatus.PENDING:
        raise AgencyError("该编制调整已完成")
    opinion, previous = _served_opinion_save(
        QuotaOpinion, actor=actor, change=change, township=township, agrees=agrees, text=text
    )
    audit_record(
        actor=actor, action="update" if previous else "create", obj=change, region_code=township.code,
        before=({"乡镇": township.name, "乡镇意见": "同意" if previous.agrees else "不同意", "书面意见": previous.text}
                if previous else None),
        after={"乡镇": township.name, "乡镇意见": "同意" if agrees else "不同意", "书面意见": opinion.text},
    )
    if change.created_by is not None:
        notify_users(
            users=[change.created_by],
            kind=NotificationKind.RESULT,
            title=f"{township.name}已反馈意见（{'同意' if agrees else '不同意'}）：{change.agency.name}人员编制调整",
            body=opinion.text,
            url=reverse("agencies:agency", args=[change.agency_id]),
            key=f"quota-change:{change.pk}:opinion-given:{township.pk}:{opinion.given_at.isoformat()}",
        )
    return opinion


def quota_opinions_missing(change: QuotaChange) -> list[Region]:
    """The served townships whose opinion is not recorded yet."""
    given = set(change.opinions.values_list("township_id", flat=True))
    return [t for t in agency_townships(change.agency) if t.pk not in given]


@transaction.atomic
def quota_change_complete(
    *, actor: User | None, change: QuotaChange, document_number: str, effective_on: date | None = None
) -> QuotaChange:
    """Write the change to the institutions ledger (rule-guarded there).
    Refused until every township the agency serves has given its written
    opinion (002 §3: 必须征求所在乡镇党委意见). 002 §3 asks for the opinion,
    not the consent: an opinion against is recorded beside the change."""
    from bianzhi.institutions.services import ledger_set

    agency = change.agency
    _require_edit(actor, agency.township)
    change = QuotaChange.objects.select_for_update().get(pk=change.pk)
    if change.status != QuotaChangeStatus.PENDING:
        raise AgencyError("该编制调整已完成")
    missing = quota_opinions_missing(change)
    if missing:
        raise AgencyError(
            f"尚未登记{_names(missing)}的书面意见：派驻机构人员编制调整必须征求所在乡镇党委意见"
            f"（{QUOTA_OPINION_SOURCE}），不能完成调整"
        )
    if agency.institution is None:
        raise AgencyError(f"{agency.name}尚未在机构台账中登记，不能调整编制")
    change.document_number = require_document_number(document_number, AgencyError)
    change.completed_on = effective_on or clock.today()
    ledger_set(
        actor=actor,
        institution=agency.institution,
        targets=change.targets,
        effective_on=change.completed_on,
        document_number=change.document_number,
        reason=f"派驻机构人员编制调整（已征求{_names(agency_townships(agency))}党委意见）：{change.reason}",
        consulted=True,
    )
    change.status = QuotaChangeStatus.COMPLETED
    change.save()
    audit_record(
        actor=actor, action="approve", obj=change, region_code=agency.township.code,
        after={"状态": change.get_status_display(), "生效日期": change.completed_on.isoformat()},
        reason=change.document_number,
    )
    return change


@dataclass(frozen=True)
class HandoverResult:
    handover: AgencyHandover
    quota_moved: int
    staff_moved: int


@transaction.atomic
def agency_hand_over(
    *,
    actor: User | None,
    agency: DispatchedAgency,
    handed_over_on: date,
    document_number: str,
    new_kind: str = "public-institution",
) -> HandoverResult:
    """Hand a dispatched agency over to the township (属地管理), moving its
    quotas and staff with it ("编随事走、人随编走", 002 §3).

    1. Staff of the agency's ledger institution are detached from it.
    2. The 派驻机构 institution is abolished: the ledger closes its balances.
    3. A township institution of ``new_kind`` with the same name is set up
       with the same balances, same date and 文号.
    4. The staff are attached to it; the agency's mode becomes 属地管理.
    Without a ledger institution only the handover itself is recorded.
    """
    _require_edit(actor, agency.township)
    document_number = require_document_number(document_number, AgencyError)
    agency = DispatchedAgency.objects.select_for_update().get(pk=agency.pk)
    if agency.mode == Mode.LOCAL:
        raise AgencyError(f"{agency.name}已实行属地管理")
    if agency.vertical:
        raise AgencyError(
            f"{agency.name}（{agency.agency_type}）属党中央、省级明确规定实行派驻的机构，不作调整，"
            f"不能划转属地管理（{VERTICAL_SOURCE}）"
        )
    quota_moved = staff_moved = 0
    note = ""
    if agency.institution is not None:
        from bianzhi.institutions.selectors import ledger_balances
        from bianzhi.institutions.services import institution_abolish, institution_create
        from bianzhi.roster.models import Person
        from bianzhi.roster.services import person_update

        old = agency.institution
        balances = {k: v for k, v in ledger_balances(institution_ids=[old.pk]).get(old.pk, {}).items() if v}
        staff = list(Person.objects.filter(institution=old, exited_on__isnull=True))
        reason = f"属地管理（编随事走、人随编走），{document_number}"
        # One guard over the whole handover: judged on the end state (the new
        # township institution may exceed institution-limits), not on the
        # steps between, and refused as an AgencyError.
        with rule_guard().write(county_codes=[agency.township.county_code], refusal=AgencyRuleViolation):
            for person in staff:
                person_update(actor=actor, person=person, changes={"institution": None}, reason=reason)
            institution_abolish(
                actor=actor, institution=old, effective_on=handed_over_on, document_number=document_number,
                reason=reason, refresh=False,
            )
            new = institution_create(
                actor=actor,
                township=agency.township,
                name=old.name,
                kind=new_kind,
                established_on=handed_over_on,
                document_number=document_number,
                reason=reason,
                quotas=balances,
                refresh=False,
            )
            for person in staff:
                person.refresh_from_db()
                person_update(actor=actor, person=person, changes={"institution": new}, reason=reason)
        agency.institution = new
        quota_moved = sum(v for k, v in balances.items() if k in ("行政编制", "事业编制", "工勤编制"))
        staff_moved = len(staff)
        note = f"台账：{old.name}（派驻机构）撤销，{new.name}（{new.get_kind_display()}）设立"
    handover = AgencyHandover.objects.create(
        agency=agency,
        handed_over_on=handed_over_on,
        document_number=document_number,
        quota_moved=quota_moved,
        staff_moved=staff_moved,
        ledger_note=note,
        recorded_by=_user(actor),
    )
    before = field_values(agency)
    agency.mode = Mode.LOCAL
    agency.save()
    audit_record(
        actor=actor,
        action="update",
        obj=agency,
        region_code=agency.township.code,
        before=before,
        after={**field_values(agency), "划转编制": quota_moved, "随编划转人员": staff_moved},
        reason=document_number,
    )
    return HandoverResult(handover, quota_moved, staff_moved)


@transaction.atomic
def head_change_start(
    *, actor: User | None, agency: DispatchedAgency, kind: str, person_name: str
) -> HeadChange:
    """Start appointing or removing the head; the township's opinion comes next."""
    _require_edit(actor, agency.township)
    kind = HeadChangeKind(kind).value
    if not person_name.strip():
        raise AgencyError("请填写人员姓名")
    if HeadChange.objects.filter(agency=agency, status=HeadChangeStatus.PENDING).exists():
        raise AgencyError("该机构已有未完成的负责人任免")
    change = HeadChange.objects.create(
        agency=agency, kind=kind, person_name=person_name.strip(), created_by=_user(actor)
    )
    audit_record(
        actor=actor,
        action="create",
        obj=change,
        region_code=agency.township.code,
        after={"事项": change.get_kind_display(), "人员": change.person_name},
    )
    # The township's written opinion is the next step.
    notify_role(
        region=agency.township,
        role=Role.TOWNSHIP,
        kind=NotificationKind.APPROVAL,
        title=f"待反馈意见：{agency.name}主要负责人{change.get_kind_display()}（{change.person_name}）",
        url=reverse("agencies:agency", args=[agency.pk]),
        key=f"head-change:{change.pk}:opinion",
    )
    return change


@transaction.atomic
def head_opinion_record(
    *, actor: User | None, change: HeadChange, agrees: bool, text: str, township: Region | None = None
) -> HeadChange:
    """The township's written opinion (its own user, or the office entering the
    letter): the seat's by default, or that of another township of a 片区
    agency (``township``), one each."""
    if township is not None and township.pk != change.agency.township_id:
        _other_head_opinion(actor=actor, change=change, township=township, agrees=agrees, text=text)
        return change
    township = change.agency.township
    if not acts_for_township(_scope(actor), township):
        raise PermissionDenied("只能由驻地乡镇或编办登记乡镇意见")
    change = HeadChange.objects.select_for_update().get(pk=change.pk)
    if change.status != HeadChangeStatus.PENDING:
        raise AgencyError("该任免已完成")
    if not text.strip():
        raise AgencyError("请填写乡镇书面意见")
    change.opinion_agrees = agrees
    change.opinion_text = text.strip()
    change.opinion_by = _user(actor)
    change.opinion_at = clock.now()
    change.save()
    audit_record(
        actor=actor,
        action="update",
        obj=change,
        region_code=township.code,
        after={"乡镇意见": "同意" if agrees else "不同意", "书面意见": change.opinion_text},
    )
    # The officer who started the change completes it (or stops, if refused).
    if change.created_by is not None:
        notify_users(
            users=[change.created_by],
            kind=NotificationKind.RESULT,
            title=f"{township.name}已反馈意见（{'同意' if agrees else '不同意'}）：{change.agency.name}主要负责人任免",
            body=change.opinion_text,
            url=reverse("agencies:agency", args=[change.agency_id]),
            # The township may revise its opinion: each version is news.
            key=f"head-change:{change.pk}:opinion-given:{change.opinion_at.isoformat()}",
        )
    return change


def _other_head_opinion(
    *, actor: User | None, change: HeadChange, township: Region, agrees: bool, text: str
) -> None:
    if not acts_for_township(_scope(actor), township):
        raise PermissionDenied("只能由该乡镇或编办登记乡镇意见")
    change = HeadChange.objects.select_for_update().get(pk=change.pk)
    if change.status != HeadChangeStatus.PENDING:
        raise AgencyError("该任免已完成")
    _served_opinion_save(HeadOpinion, actor=actor, change=change, township=township, agrees=agrees, text=text)
    audit_record(
        actor=actor, action="update", obj=change, region_code=township.code,
        after={"乡镇": township.name, "乡镇意见": "同意" if agrees else "不同意", "书面意见": text.strip()},
    )


def head_opinions_missing(change: HeadChange) -> list[Region]:
    """The townships of a 片区 agency besides its seat without an opinion yet."""
    given = set(change.other_opinions.values_list("township_id", flat=True))
    return [t for t in agency_townships(change.agency)[1:] if t.pk not in given]


@transaction.atomic
def head_change_complete(
    *, actor: User | None, change: HeadChange, document_number: str, completed_on: date | None = None
) -> HeadChange:
    """Complete the appointment or removal. Refused without the township's
    written opinion (000 §二.2; 002 §3) or when the township did not agree
    (001 §(二)2: 应征得驻地乡镇同意)."""
    agency = change.agency
    _require_edit(actor, agency.township)
    change = HeadChange.objects.select_for_update().get(pk=change.pk)
    if change.status != HeadChangeStatus.PENDING:
        raise AgencyError("该任免已完成")
    if change.opinion_agrees is None or not change.opinion_text:
        raise AgencyError(
            f"尚未登记{agency.township.name}的书面意见：派驻机构主要负责人任免应当书面征求所在乡镇意见"
            "（000 §二.2；002 §3），不能完成任免"
        )
    if not change.opinion_agrees:
        raise AgencyError(
            f"{agency.township.name}不同意该任免：主要负责人的任免应征得驻地乡镇同意（001 §(二)2）"
        )
    missing = head_opinions_missing(change)
    if missing:
        raise AgencyError(
            f"尚未登记{_names(missing)}的书面意见：派驻机构主要负责同志任免必须征求所在乡镇党委意见"
            f"（{QUOTA_OPINION_SOURCE}），不能完成任免"
        )
    change.document_number = require_document_number(document_number, AgencyError)
    change.status = HeadChangeStatus.COMPLETED
    change.completed_on = completed_on or clock.today()
    change.save()
    before = field_values(agency)
    agency.head_name = change.person_name if change.kind == HeadChangeKind.APPOINT else ""
    agency.save(update_fields=["head_name"])
    audit_record(
        actor=actor,
        action="approve",
        obj=agency,
        region_code=agency.township.code,
        before=before,
        after=field_values(agency),
        reason=change.document_number,
    )
    return change


@transaction.atomic
def floor_set(
    *,
    actor: User | None,
    region: Region,
    agency_floor: Decimal | None,
    department_floor: Decimal | None,
) -> AssessmentFloor:
    """A region's floors; they may only raise the policy floors of 000 §二.2
    ("一般不低于"), so a value below 50% / 30% is refused."""
    from bianzhi.core.duties import AGENCY_TOWNSHIP_WEIGHT_FLOOR, DEPARTMENT_TOWNSHIP_WEIGHT_FLOOR

    _require_edit(actor, region)
    for value, minimum, label in (
        (agency_floor, AGENCY_TOWNSHIP_WEIGHT_FLOOR, "派驻机构考核"),
        (department_floor, DEPARTMENT_TOWNSHIP_WEIGHT_FLOOR, "县直部门考核"),
    ):
        if value is not None and not (minimum <= _score(value) <= 100):
            raise AgencyError(f"{label}的乡镇权重下限须在{minimum}%～100%之间（000 §二.2）")
    floor, _ = AssessmentFloor.objects.get_or_create(region=region)
    before = field_values(floor)
    floor.agency_floor, floor.department_floor = agency_floor, department_floor
    floor.save()
    audit_record(actor=actor, action="update", obj=floor, region_code=region.code, before=before, after=field_values(floor))
    return floor


def _score(value: Decimal | int | float | str) -> Decimal:
    score = Decimal(str(value))
    # NaN raises on the first comparison and Infinity cannot be stored: refuse
    # both here, whoever the caller (the pages' forms refuse them already).
    if not score.is_finite():
        raise AgencyError(f"“{value}”不是有效的数字")
    return score


@transaction.atomic
def agency_assessment_record(
    *,
    actor: User | None,
    agency: DispatchedAgency,
    year: int,
    township_weight: Decimal,
    township_score: Decimal,
    department_score: Decimal,
) -> AgencyAssessment:
    """Record (or replace) an agency's annual assessment. Refused when the
    township's weight is below the region's floor (default 50%)."""
    _require_edit(actor, agency.township)
    floors = effective_floors(region=agency.township)
    return _assessment_save(
        actor=actor,
        model=AgencyAssessment,
        subject={"agency": agency},
        region=agency.township,
        year=year,
        township_weight=township_weight,
        township_score=township_score,
        other=("department_score", department_score),
        floor=floors.agency,
        floor_source=AGENCY_FLOOR_SOURCE if floors.agency_is_default else f"{floors.agency_region}设定",
        label="派驻机构",
    )


_Assessment = TypeVar("_Assessment", AgencyAssessment, DepartmentAssessment)


def _assessment_save(
    *,
    actor: User | None,
    model: type[_Assessment],
    subject: Mapping[str, Any],
    region: Region,
    year: int,
    township_weight: Decimal,
    township_score: Decimal,
    other: tuple[str, Decimal],
    floor: Decimal,
    floor_source: str,
    label: str,
) -> _Assessment:
    """What an agency's and a department's annual assessment share: the
    weighted total (refused below `floor`, citing `floor_source`), one row per
    `subject` and year (replaced when recorded again) and its audit record.
    `other` is the non-township score: its field and value."""
    other_field, other_score = other
    try:
        total = weighted_total(
            township_score=_score(township_score),
            other_score=_score(other_score),
            township_weight=_score(township_weight),
            floor=floor,
            subject=label,
            source=floor_source,
        )
    except AssessmentError as exc:
        raise AgencyError(str(exc)) from exc
    assessment, created = model.objects.update_or_create(
        **subject,
        year=year,
        defaults={
            "township_weight": township_weight,
            "township_score": township_score,
            other_field: other_score,
            "total": total,
            "recorded_by": _user(actor),
        },
    )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=assessment,
        region_code=region.code,
        after=field_values(assessment, ["year", "township_weight", "township_score", other_field, "total"]),
    )
    return assessment


@transaction.atomic
def evaluation_record(
    *,
    actor: User | None,
    year: int,
    direction: str,
    township: Region,
    department: Department,
    score: Decimal,
    comment: str = "",
) -> Evaluation:
    """One score of the two-way evaluation (002 §12): a township scores a
    department or a department a township; each pair once a year per direction."""
    direction = Direction(direction).value
    if department.county.code != township.county_code:
        raise AgencyError("乡镇与部门须属于同一个县")
    scope = _scope(actor)
    if scope is not None and not scope.can_edit(township):
        if direction == Direction.TOWNSHIP_TO_DEPARTMENT:
            own = acts_for_township(scope, township)
        else:
            own = Role.DEPARTMENT in scope.roles and scope.department_id == department.pk
        if not own:
            raise PermissionDenied("只能以本单位名义评议")
    score = _score(score)
    if not Decimal(0) <= score <= Decimal(100):
        raise AgencyError("评议得分必须在0～100分之间")
    if Evaluation.objects.filter(year=year, direction=direction, township=township, department=department).exists():
        raise AgencyError(f"{year}年已评议过，不能重复评议")
    evaluation = Evaluation.objects.create(
        year=year,
        direction=direction,
        township=township,
        department=department,
        score=score,
        comment=comment.strip(),
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="create",
        obj=evaluation,
        region_code=township.code,
        after={"年度": year, "方向": evaluation.get_direction_display(), "得分": str(score)},
    )
    return evaluation


@transaction.atomic
def department_assessment_record(
    *,
    actor: User | None,
    department: Department,
    year: int,
    township_weight: Decimal,
    other_score: Decimal,
    township_score: Decimal | None = None,
) -> DepartmentAssessment:
    """Record a county department's annual assessment. The township score is
    the mean of the townships' evaluations of it that year unless given;
    refused when the township weight is below the floor (default 30%)."""
    from bianzhi.agencies.selectors import township_scores_of_departments

    county = department.county
    _require_edit(actor, county)
    if township_score is None:
        summary = township_scores_of_departments(county=county, year=year).get(department.pk)
        if summary is None:
            raise AgencyError(f"{year}年尚无乡镇对{department.name}的评议，请先录入双向评议或直接填写乡镇评价得分")
        township_score = summary.mean
    floors = effective_floors(region=county)
    return _assessment_save(
        actor=actor,
        model=DepartmentAssessment,
        subject={"department": department},
        region=county,
        year=year,
        township_weight=township_weight,
        township_score=township_score,
        other=("other_score", other_score),
        floor=floors.department,
        floor_source=DEPARTMENT_FLOOR_SOURCE if floors.department_is_default else f"{floors.department_region}设定",
        label="县直部门年度绩效",
    )
