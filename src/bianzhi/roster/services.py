"""Use cases of the roster (实名制): 入编, 出编, 调动, 借调 (and its end), edits.

Every use case is atomic and audited, checks the policy rules and refreshes
the county's findings in the same transaction, through the rule guard that
`bianzhi.rules` registers (`bianzhi.kernel.hooks.rule_guard()`: roster sits
below rules and does not import it):

1. before the write, the write-time checks of bianzhi.core.rules
   (`check_entry` for 入编/调动, `check_secondment` for 借调) say what the
   write would break; a finding of severity "block" refuses the write
   (RuleViolation, Chinese message), warnings go back to the caller and into
   the audit record;
2. the write runs inside `rule_guard().write(...)`: after it, the county is
   re-evaluated; a block finding that was not there before the write (an
   edit pushing the excellent share over 20%, say) also refuses it
   (RuleViolation) — the transaction rolls back.

Identity numbers are validated with bianzhi.core.idnumber; audit records
carry them masked, because the audit trail is readable by roles that may
not see full numbers.

A record outside the actor's scope is never changed by 入编: an exited
person's record is reused only inside one county (`may_reuse_exited`);
otherwise 入编 creates a new record linked through `previous`, and refusals
name a person or township only to actors who may see them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from bianzhi.accounts.scope import Scope
from bianzhi.audit.services import audit_record
from bianzhi.core.idnumber import IdNumberError, mask_id_number, validate_id_number
from bianzhi.core.rules import (
    Finding,
    PersonState,
    PersonStatus,
    RuleSettings,
    Severity,
    rule_in_force,
    service_period_end,
)
from bianzhi.institutions.models import Institution, QuotaType
from bianzhi.kernel import clock
from bianzhi.kernel.errors import ServiceError, require_document_number
from bianzhi.kernel.hooks import GuardedWrite, RuleRefusal, rule_guard
from bianzhi.regions.models import Level, Region
from bianzhi.roster.models import EntryAttempt, EntryWay, Grade, Person, PostCategory, Status

if TYPE_CHECKING:
    from bianzhi.accounts.models import User


class RosterError(ServiceError):
    """A refused roster write; the message is Chinese and meant for the user."""


class RuleViolation(RuleRefusal, RosterError):
    """The write would break a rule of severity "block"; `findings` says which.
    A RosterError too, so the pages show it like any other refusal.

    RuleRefusal comes first: its ``__init__`` takes the findings and passes
    the message on to RosterError's (a ServiceError's); the other way round,
    ServiceError's would get the findings."""


@dataclass
class PersonWriteResult:
    person: Person
    warnings: list[Finding] = field(default_factory=list)


# Fields an edit may change directly; the rest change through the use cases.
EDITABLE_FIELDS: tuple[str, ...] = (
    "name",
    "education",
    "institution",
    "post_category",
    "is_enforcement_staff",
    "entry_way",
    "service_period_end",
    "certificate_number",
    "certificate_expiry",
    "assessment_grade",
    "status",
)


def person_audit_data(person: Person) -> dict[str, Any]:
    """The person's fields for the audit trail, identity number masked."""
    return {
        "身份证号": mask_id_number(person.id_number),
        "姓名": person.name,
        "乡镇": person.region_id,
        "编制类型": person.quota_type,
        "机构": person.institution_id,
        "岗位类别": person.get_post_category_display(),
        "执法人员": person.is_enforcement_staff,
        "状态": person.get_status_display(),
        "借调单位": person.secondment_unit,
        "借调开始日期": _iso(person.secondment_start),
        "入编日期": _iso(person.entry_date),
        "服务期满日期": _iso(person.service_period_end),
        "执法证号": person.certificate_number,
        "执法证有效期至": _iso(person.certificate_expiry),
        "年度考核": person.assessment_grade,
        "出编日期": _iso(person.exited_on),
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _blocks(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.BLOCK]


def _require_township(region: Region) -> None:
    if region.level != Level.TOWNSHIP:
        raise RosterError(f"“{region.name}”不是乡镇（街道）")


def _require_institution(institution: Institution | None, township: Region) -> None:
    if institution is None:
        return
    if institution.region_id != township.pk:
        raise RosterError(f"机构“{institution.name}”不属于{township.name}")
    if institution.abolished_on is not None:
        raise RosterError(f"机构“{institution.name}”已撤销")


def _choice(value: str, choices: type[Any], label: str) -> str:
    if value not in choices.values:
        raise RosterError(f"{label}“{value}”无效，应为：{'、'.join(choices.labels)}")
    return value


def person_state(person: Person) -> PersonState:
    return PersonState(
        id=str(person.pk),
        name=person.name,
        township_code=person.region.code,
        quota_type=person.quota_type,
        institution_id=str(person.institution_id) if person.institution_id else None,
        post_category=person.post_category,
        is_enforcement_staff=person.is_enforcement_staff,
        enforcement_certificate_expiry=person.certificate_expiry,
        status=PersonStatus(person.status),
        service_period_end=person.service_period_end,
        secondment_start=person.secondment_start,
        assessment_grade=person.assessment_grade or None,
    )


@contextmanager
def _guarded(county_codes: Iterable[str]) -> Iterator[GuardedWrite]:
    """The rule guard around a roster write: no new block finding in these
    counties afterwards (RuleViolation), findings refreshed."""
    with rule_guard().write(county_codes=county_codes, refusal=RuleViolation) as guarded:
        yield guarded


def _refuse_blocks(found: list[Finding]) -> None:
    """A write-time check (check_entry, check_secondment) found blocks."""
    if _blocks(found):
        raise RuleViolation(_blocks(found))


def _settings_for(county_code: str) -> dict[str, RuleSettings]:
    settings: dict[str, RuleSettings] = rule_guard().settings([county_code])[county_code]
    return settings


def _default_service_end(entry_date: date | None, county_code: str) -> date | None:
    if entry_date is None:
        return None
    rule = rule_in_force("service-period", _settings_for(county_code))
    if rule is None:
        return None
    return service_period_end(entry_date, rule.int_param("years"))


# One message, for the 入编 page and the import alike, when the number is on
# a roster the user may not see: it must not name the person or the region.
REGISTERED_ELSEWHERE = "该身份证号已在其他地区在册，同一人不能占用两个编制"


def _actor_scope(actor: User | None) -> Scope | None:
    """The actor's scope; None for the system (command line, demo), which may
    see and reuse every record."""
    return None if actor is None else Scope.for_user(actor)


def may_reuse_exited(*, record_region: Region, township: Region, scope: Scope | None) -> bool:
    """Whether entering a person in `township` may reuse their exited record
    in `record_region`: only inside one county, and only when the actor may
    edit the old record. Elsewhere the old record is that region's history and
    stays as it is; the entry creates a new record (docs/model.md, 附)."""
    if record_region.county_code != township.county_code:
        return False
    return scope is None or scope.can_edit(record_region)


def _entry_records(*, actor: User | None, number: str, township: Region) -> tuple[Person | None, Person | None]:
    """(record to reuse, record to link as `previous`) for 入编 of `number`.

    Raises RosterError when the person is on a roster now. The message names
    the township and person only when the actor may see that record; anyone
    else learns no more than that the number is registered elsewhere."""
    scope = _actor_scope(actor)
    records = list(Person.objects.select_related("region").filter(id_number=number))
    on_post = next((p for p in records if p.exited_on is None), None)
    if on_post is not None:
        if scope is None or scope.can_view(on_post.region):
            raise RosterError(
                f"身份证号{mask_id_number(number)}已在{on_post.region.name}在册（{on_post.name}），"
                "同一人不能占用两个编制"
            )
        raise RosterError(REGISTERED_ELSEWHERE)
    exited = sorted(records, key=lambda p: (p.exited_on or date.min, p.pk), reverse=True)
    reusable = next(
        (p for p in exited if may_reuse_exited(record_region=p.region, township=township, scope=scope)),
        None,
    )
    if reusable is not None:
        return reusable, None
    return None, (exited[0] if exited else None)


@transaction.atomic
def person_enter(
    *,
    actor: User | None,
    id_number: str,
    name: str,
    township: Region,
    quota_type: str,
    entry_date: date,
    document_number: str,
    entry_way: str = EntryWay.OTHER,
    institution: Institution | None = None,
    post_category: str = PostCategory.GENERAL,
    is_enforcement_staff: bool = False,
    education: str = "",
    certificate_number: str = "",
    certificate_expiry: date | None = None,
    assessment_grade: str = "",
    service_period_end_on: date | None = None,
) -> PersonWriteResult:
    """入编: a person takes a vacancy of `quota_type` in `township`.

    Refused (RosterError) for an invalid identity number, a person already
    on a roster anywhere (named only when the actor may see that record), or
    (RuleViolation) when the township has no vacancy and the region's
    over-quota rule is a block; with a warning-severity rule the entry is
    saved and the warning returned. The service-period end defaults to the
    entry date plus the region's service-period years.

    A person who left (出编) earlier: see `_entry_records` for when the old
    record is reused and when a new one is created.
    """
    _require_township(township)
    _require_institution(institution, township)
    try:
        number = validate_id_number(id_number, today=clock.today()).value
    except IdNumberError as error:
        raise RosterError(f"身份证号{error}") from None
    name = (name or "").strip()
    if not name:
        raise RosterError("姓名不能为空")
    _choice(quota_type, QuotaType, "编制类型")
    _choice(entry_way, EntryWay, "入编方式")
    _choice(post_category, PostCategory, "岗位类别")
    if assessment_grade:
        _choice(assessment_grade, Grade, "年度考核")
    document_number = require_document_number(document_number, RosterError)
    existing, previous = _entry_records(actor=actor, number=number, township=township)
    county_code = township.county_code
    with _guarded([county_code]):
        found: list[Finding] = rule_guard().check_entry(township=township, quota_type=quota_type)
        _refuse_blocks(found)
        parsed = validate_id_number(number, today=clock.today())
        person = existing or Person(id_number=number, previous=previous)
        # A new record's audit holds only what this township typed: `previous`
        # (another county's record) is deliberately not part of the audit data.
        before_audit = person_audit_data(existing) if existing else None
        person.name = name
        person.gender = parsed.gender
        person.birth_date = parsed.birth_date
        person.region = township
        person.quota_type = quota_type
        person.institution = institution
        person.post_category = post_category
        person.is_enforcement_staff = is_enforcement_staff
        person.entry_date = entry_date
        person.entry_way = entry_way
        person.education = education
        person.status = Status.ON_POST
        person.secondment_unit = ""
        person.secondment_start = None
        person.secondment_end = None
        person.service_period_end = service_period_end_on or _default_service_end(entry_date, county_code)
        person.certificate_number = certificate_number
        person.certificate_expiry = certificate_expiry
        person.assessment_grade = assessment_grade
        person.exited_on = None
        person.exit_reason = ""
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:
            # The partial unique constraint: another request entered the same
            # number meanwhile. Say no more than the message for outsiders.
            raise RosterError(REGISTERED_ELSEWHERE) from None
        audit_record(
            actor=actor,
            action="create" if existing is None else "update",
            obj=person,
            region_code=township.code,
            before=before_audit,
            after={**person_audit_data(person), "事项": "入编", "预警": [f.message for f in found]},
            reason=document_number,
        )
    return PersonWriteResult(person, found)


ENTRY_WINDOW = timedelta(minutes=1)
DEFAULT_ENTRIES_PER_MINUTE = 10


def entries_per_minute() -> int:
    return int(getattr(settings, "BIANZHI_ROSTER_ENTRIES_PER_MINUTE", DEFAULT_ENTRIES_PER_MINUTE))


def entry_attempt_allow(*, user: Any, now: datetime | None = None) -> bool:
    """Count one 入编 submission of `user`; False, counting nothing, when the
    user already made `entries_per_minute()` in the last minute.

    Not audited: this is bookkeeping of the form, not a change of the roster
    (the entry it lets through is audited by person_enter). Rows older than
    the window are deleted on the way. The user's row is locked first, so two
    app servers cannot both let the last submission through (PostgreSQL);
    on SQLite the DELETE already takes the database's write lock."""
    now = now or clock.now()
    cutoff = now - ENTRY_WINDOW
    with transaction.atomic():
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        EntryAttempt.objects.filter(at__lt=cutoff).delete()
        if EntryAttempt.objects.filter(user=user, at__gte=cutoff).count() >= entries_per_minute():
            return False
        EntryAttempt.objects.create(user=user, at=now)
    return True


@transaction.atomic
def person_exit(
    *, actor: User | None, person: Person, exited_on: date, reason: str, document_number: str = ""
) -> PersonWriteResult:
    """出编: the person leaves the quota; the record stays (exited_on set)."""
    if person.exited_on is not None:
        raise RosterError(f"{person.name}已于{person.exited_on.isoformat()}出编")
    if not (reason or "").strip():
        raise RosterError("请填写出编原因")
    county_code = person.region.county_code
    with _guarded([county_code]):
        before = person_audit_data(person)
        person.exited_on = exited_on
        person.exit_reason = reason.strip()
        person.save(update_fields=["exited_on", "exit_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="update",
            obj=person,
            region_code=person.region.code,
            before=before,
            after={**person_audit_data(person), "事项": "出编", "出编原因": person.exit_reason},
            reason=document_number or reason,
        )
    return PersonWriteResult(person)


@transaction.atomic
def person_transfer(
    *,
    actor: User | None,
    person: Person,
    to_township: Region,
    effective_on: date,
    document_number: str,
    to_institution: Institution | None = None,
    quota_type: str | None = None,
) -> PersonWriteResult:
    """调动: the person moves to a vacancy in another township (any county)
    and is on post there; the same entry check as 入编 applies at the target."""
    _require_township(to_township)
    _require_institution(to_institution, to_township)
    if person.exited_on is not None:
        raise RosterError(f"{person.name}已出编，不能调动")
    if to_township.pk == person.region_id:
        raise RosterError("调入乡镇与现所在乡镇相同")
    quota_type = quota_type or person.quota_type
    _choice(quota_type, QuotaType, "编制类型")
    document_number = require_document_number(document_number, RosterError)
    counties = {person.region.county_code, to_township.county_code}
    with _guarded(counties):
        found: list[Finding] = rule_guard().check_entry(township=to_township, quota_type=quota_type)
        _refuse_blocks(found)
        before = person_audit_data(person)
        from_name = person.region.name
        person.region = to_township
        person.institution = to_institution
        person.quota_type = quota_type
        person.status = Status.ON_POST
        person.secondment_unit = ""
        person.secondment_start = None
        person.secondment_end = None
        person.save()
        after = {**person_audit_data(person), "事项": f"调动（{from_name}→{to_township.name}，{effective_on.isoformat()}）"}
        audit_record(
            actor=actor,
            action="update",
            obj=person,
            region_code=to_township.code,
            before=before,
            after={**after, "预警": [f.message for f in found]},
            reason=document_number,
        )
    return PersonWriteResult(person, found)


@transaction.atomic
def person_second(
    *,
    actor: User | None,
    person: Person,
    unit: str,
    start: date,
    document_number: str,
    township_consent: str,
    end: date | None = None,
) -> PersonWriteResult:
    """借调: the person works at `unit` from `start` while keeping the
    township quota. 002 §9: "未征得乡镇党委同意，并经组织、人社部门批准，不得从乡镇借调
    工作人员": `township_consent` is the township Party committee's consent
    (its minutes or document), `document_number` the approval of the
    organisation / HR department; both required. Checked at the start date:
    service period (003), the township not understaffed (000 §二.3) and the
    seconded-out share (001). A secondment starting after today is recorded
    but not in force: the status stays 在岗 until `secondments_begin` runs
    on or after its start date."""
    if person.exited_on is not None:
        raise RosterError(f"{person.name}已出编，不能借调")
    if person.status == Status.BORROWED_IN:
        raise RosterError("借入人员的编制不在本乡镇，不能由本乡镇借调出")
    unit = (unit or "").strip()
    if not unit:
        raise RosterError("请填写借调单位")
    if end is not None and end < start:
        raise RosterError("借调结束日期不能早于开始日期")
    document_number = require_document_number(document_number, RosterError)
    township_consent = (township_consent or "").strip()
    if not township_consent:
        raise RosterError("借调须征得乡镇党委同意（002 §9）：请填写乡镇党委同意的会议纪要或文件文号")
    pending = person.secondment_start is not None and person.secondment_start > clock.today()
    if person.status == Status.ON_POST and person.secondment_unit and pending:
        assert person.secondment_start is not None
        raise RosterError(f"{person.name}已登记自{person.secondment_start.isoformat()}起的借调，尚未开始")
    county_code = person.region.county_code
    with _guarded([county_code]):
        found: list[Finding] = rule_guard().check_secondment(
            person=person_state(person), start=start, township=person.region
        )
        _refuse_blocks(found)
        before = person_audit_data(person)
        # Not in force before its start date (the person is still on post).
        person.status = Status.SECONDED_OUT if start <= clock.today() else Status.ON_POST
        person.secondment_unit = unit
        person.secondment_start = start
        person.secondment_end = end
        person.save()
        audit_record(
            actor=actor,
            action="update",
            obj=person,
            region_code=person.region.code,
            before=before,
            after={
                **person_audit_data(person),
                "事项": "借调" if person.status == Status.SECONDED_OUT else f"借调（{start.isoformat()}起）",
                "乡镇党委同意": township_consent,
                "组织人社部门批准文号": document_number,
                "预警": [f.message for f in found],
            },
            reason=document_number,
        )
    return PersonWriteResult(person, found)


@transaction.atomic
def secondments_begin(*, today: date | None = None, actor: User | None = None) -> list[Person]:
    """Put in force the secondments whose start date has come (registered
    earlier with a future start): status 在岗 → 借调出, audited, each county
    through the rule guard. Run daily (``bianzhi rules secondments``);
    idempotent."""
    on = today or clock.today()
    due = list(
        Person.objects.select_related("region")
        .filter(status=Status.ON_POST, exited_on__isnull=True, secondment_start__lte=on)
        .exclude(secondment_unit="")
        .filter(Q(secondment_end__isnull=True) | Q(secondment_end__gt=on))
        .order_by("region__code", "id")
    )
    with _guarded({p.region.county_code for p in due}):
        for person in due:
            before = person_audit_data(person)
            person.status = Status.SECONDED_OUT
            person.save()
            audit_record(
                actor=actor,
                action="update",
                obj=person,
                region_code=person.region.code,
                before=before,
                after={**person_audit_data(person), "事项": f"借调开始（{on.isoformat()}）"},
            )
    return due


@transaction.atomic
def person_secondment_end(*, actor: User | None, person: Person, returned_on: date, document_number: str = "") -> PersonWriteResult:
    """借调结束: the person is back on post in the township."""
    if person.status != Status.SECONDED_OUT:
        raise RosterError(f"{person.name}不是借调出状态")
    county_code = person.region.county_code
    with _guarded([county_code]):
        before = person_audit_data(person)
        person.status = Status.ON_POST
        person.secondment_end = returned_on
        person.save()
        audit_record(
            actor=actor,
            action="update",
            obj=person,
            region_code=person.region.code,
            before=before,
            after={**person_audit_data(person), "事项": f"借调结束（{returned_on.isoformat()}回岗）"},
            reason=document_number,
        )
    return PersonWriteResult(person)


@transaction.atomic
def person_update(
    *, actor: User | None, person: Person, changes: Mapping[str, Any], reason: str = ""
) -> PersonWriteResult:
    """Edit fields that no use case owns (EDITABLE_FIELDS). Status changes
    between 在岗 and 其他离岗 only; 借调 has its own use case. Refused when
    the edit introduces a block finding (e.g. the excellent share)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise RosterError(f"不能直接修改：{'、'.join(sorted(unknown))}")
    if person.exited_on is not None:
        raise RosterError(f"{person.name}已出编，不能修改")
    if "status" in changes:
        _choice(changes["status"], Status, "状态")
        allowed = {Status.ON_POST, Status.OTHER_ABSENCE}
        if changes["status"] != person.status and (
            changes["status"] not in allowed or person.status not in allowed
        ):
            raise RosterError("借调和借调结束请使用“借调”“结束借调”功能")
    if "institution" in changes:
        _require_institution(changes["institution"], person.region)
    if changes.get("assessment_grade"):
        _choice(changes["assessment_grade"], Grade, "年度考核")
    if "post_category" in changes:
        _choice(changes["post_category"], PostCategory, "岗位类别")
    if "name" in changes and not str(changes["name"]).strip():
        raise RosterError("姓名不能为空")
    county_code = person.region.county_code
    with _guarded([county_code]):
        before = person_audit_data(person)
        for name, value in changes.items():
            setattr(person, name, value)
        person.updated_at = clock.now()
        person.save()
        after = person_audit_data(person)
        audit_record(
            actor=actor,
            action="update",
            obj=person,
            region_code=person.region.code,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            reason=reason,
        )
    return PersonWriteResult(person)
