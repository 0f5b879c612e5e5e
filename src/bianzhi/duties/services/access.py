"""Writes of duty access (职责准入): a county department's request, its
submission (blocked on forbidden demands), the townships' opinions, the
county's decision and the expiry of temporary duties."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse

from bianzhi.accounts.models import Department, Role
from bianzhi.accounts.scope import acts_for_township
from bianzhi.audit.services import audit_record
from bianzhi.core.duties import (
    FORBIDDEN_DEMANDS,
    AccessRequestFacts,
    AccessStatus,
    Demand,
    submission_problems,
)
from bianzhi.duties.models import DutyAccessRequest, TownshipOpinion
from bianzhi.duties.services.common import (
    DutyError,
    _require,
    _require_approve,
    _scope,
    _today,
    _user,
    acts_for_department,
)
from bianzhi.inbox.kinds import NotificationKind
from bianzhi.inbox.services import notify_role, notify_users
from bianzhi.kernel import clock
from bianzhi.kernel.errors import require_document_number
from bianzhi.regions.models import Level, Region

if TYPE_CHECKING:
    from bianzhi.accounts.models import User


class DutyAccessBlocked(DutyError):
    """Submission refused: ``reasons`` lists each forbidden demand or gap."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("；".join(reasons))
        self.reasons = list(reasons)


@dataclass(frozen=True)
class RequestFields:
    """What a department fills in (the form, the API and the demo build one)."""

    matter: str
    reason: str
    legal_basis: str = ""
    is_temporary: bool = False
    end_date: date | None = None
    funding_amount: Decimal | None = None
    funding_note: str = ""
    demands: frozenset[Demand] = frozenset()
    township_codes: tuple[str, ...] = ()


def _facts(request: DutyAccessRequest, township_count: int) -> AccessRequestFacts:
    return AccessRequestFacts(
        matter=request.matter,
        reason=request.reason,
        demands=frozenset(Demand(d) for d in request.demands),
        is_temporary=request.is_temporary,
        end_date=request.end_date,
        funding_amount=request.funding_amount,
        funding_note=request.funding_note,
        township_count=township_count,
    )


def _snapshot(request: DutyAccessRequest) -> dict[str, Any]:
    return {
        "事项": request.matter,
        "理由": request.reason,
        "依据": request.legal_basis,
        "临时性": request.is_temporary,
        "截止日期": request.end_date.isoformat() if request.end_date else "",
        "经费（万元）": str(request.funding_amount) if request.funding_amount is not None else "",
        "经费说明": request.funding_note,
        "对乡镇的要求": [FORBIDDEN_DEMANDS[Demand(d)].label for d in request.demands],
        "乡镇": sorted(request.townships.values_list("name", flat=True)),
        "状态": AccessStatus(request.status).label,
    }


def _townships(county: Region, codes: Iterable[str]) -> list[Region]:
    codes = list(dict.fromkeys(codes))
    found = list(Region.objects.filter(code__in=codes, level=Level.TOWNSHIP, county_code=county.code))
    missing = sorted(set(codes) - {r.code for r in found})
    if missing:
        raise DutyError(f"乡镇代码 {'、'.join(missing)} 不是本县的乡镇")
    return found


def _apply_fields(request: DutyAccessRequest, fields: RequestFields) -> None:
    request.matter = fields.matter.strip()
    request.reason = fields.reason.strip()
    request.legal_basis = fields.legal_basis.strip()
    request.is_temporary = fields.is_temporary
    request.end_date = fields.end_date
    request.funding_amount = fields.funding_amount
    request.funding_note = fields.funding_note.strip()
    request.demands = [d.value for d in FORBIDDEN_DEMANDS if d in fields.demands]


@transaction.atomic
def duty_request_create(
    *, actor: User | None, department: Department, fields: RequestFields
) -> DutyAccessRequest:
    """A draft request of a county department (saved even if it would be blocked:
    the gate is at submission)."""
    _require(acts_for_department(_scope(actor), department), "只能以本部门名义填报职责准入申请")
    county = department.county
    townships = _townships(county, fields.township_codes)
    if not fields.matter.strip():
        raise DutyError("请填写拟交由乡镇承担的事项")
    request = DutyAccessRequest(county=county, department=department, created_by=_user(actor))
    _apply_fields(request, fields)
    request.save()
    request.townships.set(townships)
    audit_record(actor=actor, action="create", obj=request, region_code=county.code, after=_snapshot(request))
    return request


@transaction.atomic
def duty_request_update(
    *, actor: User | None, request: DutyAccessRequest, fields: RequestFields
) -> DutyAccessRequest:
    """Edit a draft (a blocked request stays a draft and is fixed here)."""
    _require(acts_for_department(_scope(actor), request.department), "只能修改本部门的申请")
    request = DutyAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AccessStatus.DRAFT:
        raise DutyError("已提交的申请不能修改")
    townships = _townships(request.county, fields.township_codes)
    before = _snapshot(request)
    _apply_fields(request, fields)
    request.save()
    request.townships.set(townships)
    audit_record(
        actor=actor,
        action="update",
        obj=request,
        region_code=request.county.code,
        before=before,
        after=_snapshot(request),
    )
    return request


def duty_request_submit(
    *, actor: User | None, request: DutyAccessRequest, today: date | None = None
) -> DutyAccessRequest:
    """Submit a draft for the townships' opinions.

    Refused with ``DutyAccessBlocked`` (every reason, each citing its policy)
    when the request makes a forbidden demand or misses a required field.
    The refused attempt itself is committed (reasons on the request and in
    the audit trail) so the office sees blocked attempts, not only successes.
    """
    _require(acts_for_department(_scope(actor), request.department), "只能提交本部门的申请")
    on = _today(today)
    reasons = _submit_or_reasons(actor, request, on)
    if reasons:
        _record_block(actor, request, reasons)
        raise DutyAccessBlocked(reasons)
    request.refresh_from_db()
    return request


@transaction.atomic
def _submit_or_reasons(actor: User | None, request: DutyAccessRequest, on: date) -> list[str]:
    request = DutyAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AccessStatus.DRAFT:
        raise DutyError("该申请已提交")
    reasons = submission_problems(_facts(request, request.townships.count()), today=on)
    if reasons:
        return reasons
    request.status = AccessStatus.CONSULTING.value
    request.submitted_on = on
    request.blocked_reasons = []
    request.save()
    audit_record(
        actor=actor,
        action="update",
        obj=request,
        region_code=request.county.code,
        before={"状态": AccessStatus.DRAFT.label},
        after={"状态": AccessStatus.CONSULTING.label, "提交日期": on.isoformat()},
    )
    # Each affected township must give its written opinion.
    for township in request.townships.all():
        notify_role(
            region=township,
            role=Role.TOWNSHIP,
            kind=NotificationKind.APPROVAL,
            title=f"待反馈意见：{request.department.name}拟交由乡镇承担“{request.matter}”",
            body=request.reason,
            url=reverse("duties:request-detail", args=[request.pk]),
            key=f"duty-request:{request.pk}:opinion",
        )
    return []


@transaction.atomic
def _record_block(actor: User | None, request: DutyAccessRequest, reasons: list[str]) -> None:
    DutyAccessRequest.objects.filter(pk=request.pk).update(
        blocked_reasons=reasons, blocked_at=clock.now()
    )
    audit_record(
        actor=actor,
        action="update",
        obj=request,
        region_code=request.county.code,
        after={"提交被阻止": reasons},
        reason="提交被阻止",
    )


@transaction.atomic
def duty_opinion_give(
    *,
    actor: User | None,
    request: DutyAccessRequest,
    township: Region,
    agrees: bool,
    text: str,
    today: date | None = None,
) -> TownshipOpinion:
    """An affected township's written opinion; the last one moves the request
    on to the county's decision."""
    _require(acts_for_township(_scope(actor), township), "只能以本乡镇名义反馈意见")
    request = DutyAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AccessStatus.CONSULTING:
        raise DutyError("该申请不在征求意见阶段")
    if not request.townships.filter(pk=township.pk).exists():
        raise DutyError(f"{township.name}不是该事项的承接乡镇")
    if not text.strip():
        raise DutyError("请填写书面意见")
    if request.opinions.filter(township=township).exists():
        raise DutyError(f"{township.name}已反馈意见")
    opinion = TownshipOpinion.objects.create(
        request=request, township=township, agrees=agrees, text=text.strip(), given_by=_user(actor)
    )
    audit_record(
        actor=actor,
        action="create",
        obj=opinion,
        object_label=f"{township.name}对“{request.matter}”的意见",
        region_code=township.code,
        after={"是否同意": "同意" if agrees else "不同意", "意见": opinion.text},
    )
    if request.opinions.count() >= request.townships.count():
        request.status = AccessStatus.DECIDING.value
        request.opinions_complete_on = _today(today)
        request.save(update_fields=["status", "opinions_complete_on"])
        audit_record(
            actor=actor,
            action="update",
            obj=request,
            region_code=request.county.code,
            before={"状态": AccessStatus.CONSULTING.label},
            after={"状态": AccessStatus.DECIDING.label},
        )
        # Every opinion is in: the county's 审核人 decides now.
        notify_role(
            region=request.county,
            role=Role.APPROVER,
            kind=NotificationKind.APPROVAL,
            title=f"待审定职责准入申请：{request.department.name}“{request.matter}”",
            body="受影响乡镇的书面意见已全部反馈。",
            url=reverse("duties:request-detail", args=[request.pk]),
            key=f"duty-request:{request.pk}:decide",
        )
    return opinion


@transaction.atomic
def duty_request_decide(
    *,
    actor: User | None,
    request: DutyAccessRequest,
    approve: bool,
    document_number: str = "",
    note: str = "",
    today: date | None = None,
) -> DutyAccessRequest:
    """The county's decision after every affected township has given its opinion.

    Approval needs a 文号 and puts the duty on the townships' lists; a
    refusal needs a reason. A temporary duty whose end date has already
    passed cannot be approved.
    """
    _require_approve(actor, request.county)
    request = DutyAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AccessStatus.DECIDING:
        raise DutyError("乡镇意见尚未全部反馈，或该申请已审定")
    on = _today(today)
    if approve:
        request.document_number = require_document_number(document_number, DutyError)
        if request.is_temporary and request.end_date is not None and request.end_date < on:
            raise DutyError("该临时性事项的截止日期已过，不能准入")
        request.status = AccessStatus.APPROVED.value
    else:
        if not note.strip():
            raise DutyError("不予准入请写明理由")
        request.status = AccessStatus.REJECTED.value
    request.decision_note = note.strip()
    request.decided_by = _user(actor)
    request.decided_on = on
    request.save()
    audit_record(
        actor=actor,
        action="approve",
        obj=request,
        region_code=request.county.code,
        before={"状态": AccessStatus.DECIDING.label},
        after={"状态": AccessStatus(request.status).label, "审定意见": request.decision_note},
        reason=request.document_number,
    )
    # The department that submitted learns the outcome (None: entered by the system).
    if request.created_by is not None:
        notify_users(
            users=[request.created_by],
            kind=NotificationKind.RESULT,
            title=f"职责准入申请{AccessStatus(request.status).label}：“{request.matter}”",
            body=request.decision_note or request.document_number,
            url=reverse("duties:request-detail", args=[request.pk]),
            key=f"duty-request:{request.pk}:decided",
        )
    return request


@transaction.atomic
def duty_requests_expire(*, today: date | None = None, actor: User | None = None) -> list[DutyAccessRequest]:
    """Record the expiry of approved temporary duties past their end date.

    Lists already drop them by date (``DutyAccessRequest.status_on``); this
    writes the status and an audit record so the ledger shows when they
    ended. Safe to run repeatedly and concurrently: the status update is a
    compare-and-set on APPROVED.
    """
    on = _today(today)
    due = list(
        DutyAccessRequest.objects.filter(
            status=AccessStatus.APPROVED, is_temporary=True, end_date__lt=on
        ).select_related("county")
    )
    expired = []
    for request in due:
        won = DutyAccessRequest.objects.filter(pk=request.pk, status=AccessStatus.APPROVED).update(
            status=AccessStatus.EXPIRED.value
        )
        if not won:
            continue
        request.status = AccessStatus.EXPIRED.value
        audit_record(
            actor=actor,
            action="update",
            obj=request,
            region_code=request.county.code,
            before={"状态": AccessStatus.APPROVED.label},
            after={"状态": AccessStatus.EXPIRED.label, "截止日期": request.end_date.isoformat() if request.end_date else ""},
            reason="临时性事项到期",
        )
        expired.append(request)
    return expired
