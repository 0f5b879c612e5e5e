"""Writes of the enforcement app: the team (leader in charge, office head),
cases and their full-process records, legal review, decision, transfer and
receipt, disclosure (publish / withdraw), joint meetings.

Every function is keyword-only, atomic and audited. ``actor`` is the acting
user (None for the command line and the demo, which act as "系统" and skip
the permission checks). Writers are the county's 编办管理员 and the
township's own 乡镇用户 (``selectors.may_write``); outside that a write is
``PermissionDenied``. A refused write raises ``EnforcementError`` (Chinese).
Identity numbers are audited masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from bianzhi.accounts.scope import scope_for
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many, field_values
from bianzhi.core.credit_code import CreditCodeError, validate_credit_code
from bianzhi.core.enforcement import (
    SOURCE_OFFICE_HEAD,
    CaseStatus,
    date_order_problems,
    decision_problems,
    transition_problem,
)
from bianzhi.core.idnumber import IdNumberError, validate_id_number
from bianzhi.enforcement import selectors
from bianzhi.enforcement.models import (
    Case,
    CaseFile,
    CaseRecord,
    CaseTransfer,
    EnforcementTeam,
    JointMeeting,
    PartyKind,
)
from bianzhi.kernel import clock
from bianzhi.kernel.errors import ServiceError
from bianzhi.kernel.hooks import rule_guard
from bianzhi.regions.models import Level, Region
from bianzhi.roster.models import Person, PostCategory
from bianzhi.tasks.attachments import Upload, check_uploads
from bianzhi.tasks.models import Task


class EnforcementError(ServiceError):
    """A refused enforcement write."""


def _check(actor: Any, township: Region) -> None:
    if actor is not None and not selectors.may_write(scope_for(actor), township):
        raise PermissionDenied("无权修改该乡镇的执法台账")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _case_snapshot(case: Case, fields: Sequence[str] | None = None) -> dict[str, Any]:
    data = field_values(case, list(fields) if fields is not None else None)
    if "party_id" in data:
        data["party_id"] = selectors.party_id_shown(case, full=False)
    return data


def check_party(kind: str, party_id: str) -> str:
    """The normalised identity number or credit code, or EnforcementError."""
    try:
        if kind == PartyKind.PERSON:
            return validate_id_number(party_id, today=clock.today()).value
        if kind == PartyKind.ORGANISATION:
            return validate_credit_code(party_id)
    except (IdNumberError, CreditCodeError) as error:
        raise EnforcementError(str(error)) from None
    raise EnforcementError("请选择当事人类型（自然人或法人或其他组织）。")


# --- team ---------------------------------------------------------------------------


@transaction.atomic
def team_set(
    *, actor: Any, township: Region, leader_in_charge: Person | None, office_head: Person | None
) -> EnforcementTeam:
    """Name the leader in charge of enforcement and the office head.

    Both must be persons of the township's roster; the office head is a
    leadership member (兼任, 000 §二.4). Whether the leader in charge holds a
    valid certificate is the rule ``enforcement-leader-certified`` (a
    warning on the rules page and here, never a refusal: 004 asks the
    leader to be certified *first*, it does not forbid the appointment).
    """
    _check(actor, township)
    if township.level != Level.TOWNSHIP:
        raise EnforcementError("综合行政执法办公室只设在乡镇。")
    for person in (leader_in_charge, office_head):
        if person is not None and (person.region_id != township.pk or person.exited_on is not None):
            raise EnforcementError(f"{person.name}不在{township.name}的实名制名册中。")
    if office_head is not None and office_head.post_category != PostCategory.LEADER:
        raise EnforcementError(
            f"综合行政执法办公室主任应由乡镇领导班子成员兼任，{office_head.name}不是领导职务"
            f"（依据：{SOURCE_OFFICE_HEAD}）。"
        )
    team, _ = EnforcementTeam.objects.select_for_update().get_or_create(township=township)
    before = field_values(team, ["leader_in_charge", "office_head"])
    team.leader_in_charge = leader_in_charge
    team.office_head = office_head
    team.save()
    audit_record(
        actor=actor,
        action="update",
        obj=team,
        region_code=township.code,
        before=before,
        after=field_values(team, ["leader_in_charge", "office_head"]),
    )
    # The rule enforcement-leader-certified reads the team: store its findings afresh.
    rule_guard().refresh(county_code=township.county_code)
    return team


# --- cases --------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFields:
    number: str
    matter_code: str
    party_kind: str
    party_name: str
    party_id: str
    filed_on: dt.date
    summary: str = ""
    is_major: bool = False


def _new_case(township: Region, fields: CaseFields, matters: dict[str, Any]) -> Case:
    number = fields.number.strip()
    if not number:
        raise EnforcementError("案件编号不能为空。")
    matter = matters.get(fields.matter_code.strip())
    if matter is None:
        raise EnforcementError(f"执法事项“{fields.matter_code}”不在{township.name}的执法事项清单中。")
    if not fields.party_name.strip():
        raise EnforcementError("当事人不能为空。")
    return Case(
        township=township,
        number=number,
        matter_code=matter.code,
        matter_name=matter.name,
        power_type=matter.power_type,
        party_kind=fields.party_kind,
        party_name=fields.party_name.strip(),
        party_id=check_party(fields.party_kind, fields.party_id),
        summary=fields.summary.strip(),
        filed_on=fields.filed_on,
        is_major=fields.is_major,
    )


@transaction.atomic
def case_create(*, actor: Any, township: Region, fields: CaseFields) -> Case:
    _check(actor, township)
    case = _new_case(township, fields, selectors.matter_by_code(township=township, today=clock.today()))
    if Case.objects.filter(township=township, number=case.number).exists():
        raise EnforcementError(f"案件编号“{case.number}”已存在。")
    case.save()
    CaseRecord.objects.create(case=case, stage="立案", text=f"立案：{case.matter_name}", author=_user(actor))
    audit_record(
        actor=actor, action="create", obj=case, region_code=township.code, after=_case_snapshot(case)
    )
    return case


@transaction.atomic
def case_import(
    *, actor: Any, township: Region, rows: Sequence[tuple[int, CaseFields]]
) -> list[Case]:
    """Add the cases of an import file, all or nothing: every row's problem
    is reported (``第 N 行``) and nothing is saved unless all are right."""
    _check(actor, township)
    matters = selectors.matter_by_code(township=township, today=clock.today())
    taken = set(Case.objects.filter(township=township).values_list("number", flat=True))
    problems: list[str] = []
    new: list[Case] = []
    for row, fields in rows:
        try:
            case = _new_case(township, fields, matters)
        except EnforcementError as error:
            problems.extend(f"第 {row} 行：{m}" for m in error.messages)
            continue
        if case.number in taken:
            problems.append(f"第 {row} 行 “案件编号”列：“{case.number}”已存在。")
            continue
        taken.add(case.number)
        new.append(case)
    if problems:
        raise EnforcementError(problems)
    created = Case.objects.bulk_create(new)
    CaseRecord.objects.bulk_create(
        [CaseRecord(case=c, stage="立案", text=f"立案：{c.matter_name}（导入）", author=_user(actor)) for c in created]
    )
    audit_record_many(
        actor=actor,
        action="import",
        entries=(
            AuditEntry(
                object_type="enforcement.case",
                object_id=str(c.pk),
                object_label=str(c),
                region_code=township.code,
                after=_case_snapshot(c),
            )
            for c in created
        ),
        reason="导入执法案件台账",
    )
    return created


EDITABLE = (
    "number", "matter_code", "matter_name", "power_type", "party_kind", "party_name", "party_id", "summary",
    "filed_on", "is_major",
)


@transaction.atomic
def case_update(*, actor: Any, case: Case, fields: CaseFields) -> Case:
    """Correct what was entered at 立案 (number, matter, party, date, summary,
    major), checked as at creation. The status never changes here: it moves
    only through the steps (调查, 决定, 移送, 结案). A case that is closed or
    transferred is no longer edited; a decided case cannot become a major
    decision afterwards (its legal review had to come first, 004 §二(五)),
    nor stop being one once reviewed. Dates stay in order. Audited with the
    fields before and after, and noted in the full-process record."""
    case = _locked(case)
    _check(actor, case.township)
    status = case.case_status
    if status in (CaseStatus.CLOSED, CaseStatus.TRANSFERRED):
        raise EnforcementError(f"案件{status.label}，不能再修改。")
    new = _new_case(case.township, fields, selectors.matter_by_code(township=case.township, today=clock.today()))
    if Case.objects.filter(township=case.township, number=new.number).exclude(pk=case.pk).exists():
        raise EnforcementError(f"案件编号“{new.number}”已存在。")
    if status is CaseStatus.DECIDED and new.is_major != case.is_major:
        raise EnforcementError(
            "案件已作出决定，不能更改是否重大执法决定（重大执法决定须在决定前经法制审核）。"
        )
    if case.legal_reviewed_on is not None and not new.is_major:
        raise EnforcementError("案件已进行重大执法决定法制审核，不能改为非重大案件。")
    if case.legal_reviewed_on is not None and new.filed_on > case.legal_reviewed_on:
        raise EnforcementError("立案日期晚于法制审核日期。")
    before = _case_snapshot(case, list(EDITABLE))
    for name in EDITABLE:
        setattr(case, name, getattr(new, name))
    after = _case_snapshot(case, list(EDITABLE))
    if after == before:
        return case
    _save(actor=actor, case=case, before=before, fields=list(EDITABLE), reason="修改案件信息")
    changed = "、".join(str(getattr(Case._meta.get_field(n), "verbose_name", n)) for n in EDITABLE if before.get(n) != after.get(n))
    _record(actor=actor, case=case, stage="修改", text=f"修改案件信息：{changed}")
    return case


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("township").get(pk=case.pk)


def _save(*, actor: Any, case: Case, before: dict[str, Any], fields: list[str], reason: str) -> None:
    dates = {k: getattr(case, k) for k in ("filed_on", "investigated_on", "decided_on", "closed_on")}
    problems = date_order_problems(dates)
    if problems:
        raise EnforcementError(problems)
    case.save()
    audit_record(
        actor=actor,
        action="update",
        obj=case,
        region_code=case.township.code,
        before=before,
        after=_case_snapshot(case, fields),
        reason=reason,
    )


def _record(*, actor: Any, case: Case, stage: str, text: str) -> CaseRecord:
    return CaseRecord.objects.create(case=case, stage=stage, text=text, author=_user(actor))


@transaction.atomic
def case_investigate(*, actor: Any, case: Case, on: dt.date, text: str = "") -> Case:
    case = _locked(case)
    _check(actor, case.township)
    problem = transition_problem(case.case_status, CaseStatus.INVESTIGATING)
    if problem:
        raise EnforcementError(problem)
    fields = ["status", "investigated_on"]
    before = _case_snapshot(case, fields)
    case.status, case.investigated_on = CaseStatus.INVESTIGATING.value, on
    _save(actor=actor, case=case, before=before, fields=fields, reason="调查取证")
    _record(actor=actor, case=case, stage="调查", text=text.strip() or "开始调查取证。")
    return case


@transaction.atomic
def case_legal_review(
    *, actor: Any, case: Case, on: dt.date, reviewer: str, opinion: str
) -> Case:
    """The legal review (法制审核) of a major decision, before the decision."""
    case = _locked(case)
    _check(actor, case.township)
    if case.case_status not in (CaseStatus.FILED, CaseStatus.INVESTIGATING):
        raise EnforcementError(f"案件{case.case_status.label}，不能再进行法制审核。")
    if not reviewer.strip() or not opinion.strip():
        raise EnforcementError("请填写法制审核人员和审核意见。")
    fields = ["legal_reviewed_on", "legal_reviewer", "legal_review_opinion", "is_major"]
    before = _case_snapshot(case, fields)
    case.legal_reviewed_on, case.legal_reviewer = on, reviewer.strip()
    case.legal_review_opinion, case.is_major = opinion.strip(), True
    if on < case.filed_on:
        raise EnforcementError("法制审核日期早于立案日期。")
    _save(actor=actor, case=case, before=before, fields=fields, reason="重大执法决定法制审核")
    _record(actor=actor, case=case, stage="法制审核", text=f"{reviewer.strip()}：{opinion.strip()}")
    return case


@transaction.atomic
def case_decide(
    *, actor: Any, case: Case, on: dt.date, decision: str, penalty_amount: Decimal | None = None
) -> Case:
    case = _locked(case)
    _check(actor, case.township)
    problems = decision_problems(
        status=case.case_status,
        is_major=case.is_major,
        legal_reviewed=case.legal_reviewed_on is not None,
        decision=decision,
    )
    if case.legal_reviewed_on is not None and on < case.legal_reviewed_on:
        problems.append("决定日期早于法制审核日期。")
    if problems:
        raise EnforcementError(problems)
    fields = ["status", "decided_on", "decision", "penalty_amount"]
    before = _case_snapshot(case, fields)
    case.status, case.decided_on = CaseStatus.DECIDED.value, on
    case.decision, case.penalty_amount = decision.strip(), penalty_amount
    _save(actor=actor, case=case, before=before, fields=fields, reason="作出处理决定")
    _record(actor=actor, case=case, stage="决定", text=case.decision)
    return case


@transaction.atomic
def case_close(*, actor: Any, case: Case, on: dt.date, text: str = "") -> Case:
    case = _locked(case)
    _check(actor, case.township)
    problem = transition_problem(case.case_status, CaseStatus.CLOSED)
    if problem:
        raise EnforcementError(problem)
    fields = ["status", "closed_on"]
    before = _case_snapshot(case, fields)
    case.status, case.closed_on = CaseStatus.CLOSED.value, on
    _save(actor=actor, case=case, before=before, fields=fields, reason="结案")
    _record(actor=actor, case=case, stage="结案", text=text.strip() or "执行完毕，结案。")
    return case


@transaction.atomic
def case_record_add(
    *, actor: Any, case: Case, stage: str, text: str, files: Sequence[Upload] = ()
) -> CaseRecord:
    """One full-process record (执法全过程记录) with checked attachments."""
    case = _locked(case)
    _check(actor, case.township)
    if not stage.strip() or not text.strip():
        raise EnforcementError("请填写环节和记录内容。")
    try:
        checked = check_uploads(list(files))
    except ValueError as error:
        raise EnforcementError(str(error).splitlines()) from None
    record = _record(actor=actor, case=case, stage=stage.strip()[:20], text=text.strip())
    for item in checked:
        item.upload.seek(0)
        stored = CaseFile(
            record=record,
            original_name=item.original_name,
            size=item.size,
            content_type=item.content_type,
        )
        # The generated name, never the user's (upload_to: enforcement/<case id>/).
        stored.file.save(item.stored_name, ContentFile(item.upload.read()), save=False)
        stored.save()
    audit_record(
        actor=actor,
        action="create",
        obj=record,
        region_code=case.township.code,
        after={"case": case.number, "stage": record.stage, "text": record.text, "files": len(checked)},
    )
    return record


@transaction.atomic
def case_transfer(
    *,
    actor: Any,
    case: Case,
    department: str,
    on: dt.date,
    document_number: str,
    reason: str,
) -> CaseTransfer:
    """Transfer the case to a county department (案件移送, 002 §5)."""
    case = _locked(case)
    _check(actor, case.township)
    problem = transition_problem(case.case_status, CaseStatus.TRANSFERRED)
    if problem:
        raise EnforcementError(problem)
    if not department.strip() or not document_number.strip() or not reason.strip():
        raise EnforcementError("请填写接收部门、移送文书编号和移送理由。")
    if on < case.filed_on:
        raise EnforcementError("移送日期早于立案日期。")
    before = _case_snapshot(case, ["status"])
    case.status = CaseStatus.TRANSFERRED.value
    _save(actor=actor, case=case, before=before, fields=["status"], reason=f"移送{department.strip()}")
    transfer = CaseTransfer.objects.create(
        case=case,
        department=department.strip(),
        transferred_on=on,
        document_number=document_number.strip(),
        reason=reason.strip(),
    )
    audit_record(
        actor=actor, action="create", obj=transfer, region_code=case.township.code,
        after=field_values(transfer),
    )
    _record(actor=actor, case=case, stage="移送", text=f"移送{transfer.department}（{transfer.document_number}）：{transfer.reason}")
    return transfer


@transaction.atomic
def transfer_receipt(
    *, actor: Any, transfer: CaseTransfer, on: dt.date, received_by: str, note: str = ""
) -> CaseTransfer:
    """The receiving department's receipt (回执) of a transferred case."""
    transfer = CaseTransfer.objects.select_for_update().select_related("case__township").get(pk=transfer.pk)
    _check(actor, transfer.case.township)
    if transfer.receipt_on is not None:
        raise EnforcementError("该移送已登记回执。")
    if not received_by.strip():
        raise EnforcementError("请填写接收人。")
    if on < transfer.transferred_on:
        raise EnforcementError("回执日期早于移送日期。")
    before = field_values(transfer, ["receipt_on", "receipt_by", "receipt_note"])
    transfer.receipt_on, transfer.receipt_by, transfer.receipt_note = on, received_by.strip(), note.strip()
    transfer.save()
    audit_record(
        actor=actor, action="update", obj=transfer, region_code=transfer.case.township.code,
        before=before, after=field_values(transfer, ["receipt_on", "receipt_by", "receipt_note"]),
        reason="登记移送回执",
    )
    _record(actor=actor, case=transfer.case, stage="移送回执", text=f"{transfer.department} {received_by.strip()} 于 {on:%Y-%m-%d} 签收。")
    return transfer


# --- disclosure ---------------------------------------------------------------------


@transaction.atomic
def case_publish(*, actor: Any, case: Case) -> Case:
    """Publish the decision (谁执法谁公示): decided or closed cases only."""
    case = _locked(case)
    _check(actor, case.township)
    if case.case_status not in (CaseStatus.DECIDED, CaseStatus.CLOSED):
        raise EnforcementError("只有已作出决定的案件可以公示。")
    if case.published_at is not None:
        raise EnforcementError("该案件已公示。")
    case.published_at = clock.now()
    case.save(update_fields=["published_at"])
    audit_record(
        actor=actor, action="update", obj=case, region_code=case.township.code,
        before={"published": False}, after={"published": True}, reason="公示处理决定",
    )
    return case


@transaction.atomic
def case_withdraw(*, actor: Any, case: Case, reason: str) -> Case:
    case = _locked(case)
    _check(actor, case.township)
    if case.published_at is None:
        raise EnforcementError("该案件未公示。")
    if not reason.strip():
        raise EnforcementError("请填写撤回理由。")
    case.published_at = None
    case.save(update_fields=["published_at"])
    audit_record(
        actor=actor, action="update", obj=case, region_code=case.township.code,
        before={"published": True}, after={"published": False}, reason=f"撤回公示：{reason.strip()}",
    )
    return case


# --- joint meetings -----------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    region: Region,
    held_on: dt.date,
    title: str,
    participants: str,
    decisions: str,
    tasks: Sequence[Task] = (),
) -> JointMeeting:
    """A joint meeting (联席会议) with its decisions, linked to tasks of the
    region (a task of another region is refused)."""
    _check(actor, region)
    if region.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise EnforcementError("联席会议只能登记在县或乡镇。")
    if not title.strip() or not participants.strip() or not decisions.strip():
        raise EnforcementError("请填写会议名称、参会单位和人员、议定事项。")
    for task in tasks:
        plan_region = task.plan.region
        if not (plan_region == region or region.contains(plan_region)):
            raise EnforcementError(f"任务“{task}”不属于{region.name}。")
    meeting = JointMeeting.objects.create(
        region=region,
        held_on=held_on,
        title=title.strip(),
        participants=participants.strip(),
        decisions=decisions.strip(),
    )
    meeting.tasks.set(tasks)
    audit_record(
        actor=actor,
        action="create",
        obj=meeting,
        region_code=region.code,
        after={**field_values(meeting, ["held_on", "title", "participants", "decisions"]),
               "tasks": [t.pk for t in tasks]},
    )
    return meeting
