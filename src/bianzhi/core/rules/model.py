"""What the rule engine reads and writes: a snapshot of one county's roster and
institutions in, findings out. Plain frozen dataclasses; the Django layer
builds them from the database.

Counting conventions used by every rule (see docs/rules.md):

* A person's `township_code` is the township whose quota the person holds,
  except for status BORROWED_IN (借入), where it is the township the person
  works in while holding a quota elsewhere.
* Headcount (实有人员/在编人员) of a township = its persons with any status
  other than BORROWED_IN: seconded-out persons and persons away for other
  reasons still hold the township's quota.
* Persons working in a township = status ON_POST or BORROWED_IN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

# Quota types (编制类型). Same spellings as bianzhi.core.allocation.
ADMIN_QUOTA = "行政编制"
INSTITUTION_QUOTA = "事业编制"

# Township classes. Same spellings as bianzhi.core.allocation.
# The five classes of policy 001 §(三)1 …
COUNTY_SEAT = "县政府驻地镇"
CENTRAL = "中心镇"
KEY = "重点镇"
FEATURED = "特色镇"
ORDINARY = "一般乡镇"
CLASSES_001: tuple[str, ...] = (COUNTY_SEAT, CENTRAL, KEY, FEATURED, ORDINARY)
# … and the three classes of policy 002 (通渭县) §1.
CLASS_1 = "一类"
CLASS_2 = "二类"
CLASS_3 = "三类"
CLASSES_002: tuple[str, ...] = (CLASS_1, CLASS_2, CLASS_3)

# The assessment grade counted by the excellent-share rule (年度考核优秀等次).
EXCELLENT = "优秀"


class InstitutionKind(StrEnum):
    """Kinds of institution in a township (glossary: 机构)."""

    OFFICE = "office"  # 党政综合办事机构
    PUBLIC_INSTITUTION = "public-institution"  # 直属事业单位
    DISPATCHED_AGENCY = "dispatched-agency"  # 派驻机构

    @property
    def label(self) -> str:
        return _INSTITUTION_KIND_LABELS[self]


_INSTITUTION_KIND_LABELS = {
    InstitutionKind.OFFICE: "党政综合办事机构",
    InstitutionKind.PUBLIC_INSTITUTION: "直属事业单位",
    InstitutionKind.DISPATCHED_AGENCY: "派驻机构",
}


class PersonStatus(StrEnum):
    """Where a person on the roster is now."""

    ON_POST = "on-post"  # 在岗
    SECONDED_OUT = "seconded-out"  # 借调出: works elsewhere, holds this quota
    BORROWED_IN = "borrowed-in"  # 借入: works here, holds a quota elsewhere
    OTHER_ABSENCE = "other-absence"  # 其他离岗 (leave, study, …)

    @property
    def label(self) -> str:
        return _PERSON_STATUS_LABELS[self]


_PERSON_STATUS_LABELS = {
    PersonStatus.ON_POST: "在岗",
    PersonStatus.SECONDED_OUT: "借调出",
    PersonStatus.BORROWED_IN: "借入",
    PersonStatus.OTHER_ABSENCE: "其他离岗",
}


class Severity(StrEnum):
    """How a finding is treated. A service refuses a write that would create
    a BLOCK finding; a WARNING is shown and recorded but does not stop it."""

    WARNING = "warning"
    BLOCK = "block"

    @property
    def label(self) -> str:
        return "预警" if self is Severity.WARNING else "阻止"


class ObjectKind(StrEnum):
    """Kinds of object a finding can name."""

    COUNTY = "county"
    TOWNSHIP = "township"
    INSTITUTION = "institution"
    PERSON = "person"

    @property
    def label(self) -> str:
        return _OBJECT_KIND_LABELS[self]


_OBJECT_KIND_LABELS = {
    ObjectKind.COUNTY: "县（市、区）",
    ObjectKind.TOWNSHIP: "乡镇（街道）",
    ObjectKind.INSTITUTION: "机构",
    ObjectKind.PERSON: "人员",
}


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    # Read-only view over a private copy: a snapshot cannot change under the
    # engine, even when the caller later mutates the dict it passed in. Empty
    # ones share one view (a province has thousands: fewer objects to collect).
    return MappingProxyType(dict(value)) if value else _EMPTY


@dataclass(frozen=True, slots=True)
class TownshipState:
    """One township as it stands now.

    `approved_quotas` maps a quota type (ADMIN_QUOTA, INSTITUTION_QUOTA, or any
    other type a region uses) to the approved count (核定编制); a missing type
    counts as 0. `previous_quotas` holds the counts of the previous approval,
    for the "两个不减少" rule; a missing type is not compared.
    """

    code: str
    name: str
    township_class: str
    approved_quotas: Mapping[str, int] = field(default_factory=dict)
    leadership_posts_approved: int = 0
    leadership_posts_used: int = 0
    # 中层职数 (003 §一(四)三是): the township's approved total, which the
    # township distributes among its institutions itself, and the middle
    # managers holding its quota.
    middle_posts_approved: int = 0
    middle_posts_used: int = 0
    previous_quotas: Mapping[str, int] = field(default_factory=dict)
    # The `PersonState.id` of the leader in charge of enforcement (分管执法的
    # 领导), None when none is named.
    enforcement_leader_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "approved_quotas", _frozen_mapping(self.approved_quotas))
        object.__setattr__(self, "previous_quotas", _frozen_mapping(self.previous_quotas))

    def approved(self, quota_type: str) -> int:
        return self.approved_quotas.get(quota_type, 0)


@dataclass(frozen=True, slots=True)
class InstitutionState:
    """An institution of a township, with its approved quotas."""

    id: str
    name: str
    township_code: str
    kind: InstitutionKind
    admin_quota: int = 0
    institution_quota: int = 0


@dataclass(frozen=True, slots=True)
class PersonState:
    """One person on the roster (实名制). `id` is the roster record's key, never
    the identity number, which the rules do not need.

    `service_period_end` is the first day on which the person may be seconded
    (see `service_period_end()` in bianzhi.core.rules.checks); None means no
    service period applies.
    """

    id: str
    name: str
    township_code: str
    quota_type: str
    institution_id: str | None = None
    post_category: str = ""
    is_enforcement_staff: bool = False
    enforcement_certificate_expiry: date | None = None
    status: PersonStatus = PersonStatus.ON_POST
    service_period_end: date | None = None
    secondment_start: date | None = None
    assessment_grade: str | None = None

    def holds_quota_of(self, township_code: str) -> bool:
        """True when the person counts in that township's headcount."""
        return self.township_code == township_code and self.status is not PersonStatus.BORROWED_IN

    def has_valid_certificate(self, on: date) -> bool:
        """An enforcement certificate valid on `on` (the expiry day included)."""
        expiry = self.enforcement_certificate_expiry
        return expiry is not None and on <= expiry


@dataclass(frozen=True, slots=True)
class PersonTally:
    """The persons of one township holding one quota type that no rule looks
    at one by one, as counts: `count` persons, `borrowed_in` of them 借入
    (so not in the township's headcount), `excellent` of the others graded
    优秀; `enforcement` enforcement staff working in the township (status
    ON_POST or BORROWED_IN), `certified` of them with a certificate valid on
    `certified_on` (the evaluation day: the engine refuses another).

    A province's findings are evaluated with the roster as tallies (one
    GROUP BY) plus the persons rules do name: the seconded-out (service
    period), never tallied, and the enforcement leaders. Every count the
    rules read is the same as with one PersonState per person (tests check
    this)."""

    township_code: str
    quota_type: str
    count: int
    borrowed_in: int = 0
    excellent: int = 0
    enforcement: int = 0
    certified: int = 0
    certified_on: date | None = None


@dataclass(frozen=True, slots=True)
class ApprovedTotal:
    """A county-wide count fixed by a document: the county total of one quota
    type as last approved (for "两个不减少"), or the control number issued
    from above (上级下达的控制数). `document_number` and `date` may be empty
    when the count predates the ledger."""

    count: int
    document_number: str = ""
    date: date | None = None

    def cited(self) -> str:
        """"（大委编发〔2026〕3号，2026-03-16）", or "" without a document."""
        parts = [p for p in (self.document_number, self.date.isoformat() if self.date else "") if p]
        return f"（{'，'.join(parts)}）" if parts else ""


@dataclass(frozen=True, slots=True)
class CountyFacts:
    """A county's current state: its townships, their institutions and the
    persons on their quotas. Rules that add townships up (no-total-decrease,
    pooled leadership posts) add up the whole snapshot, so give it one county.

    County-wide figures per quota type: `reserve` is the county's reserve
    pool (机动编制, 001 §(三)2), counted in the county total with the
    townships' approved quotas; `previous_totals` the county total as it stood
    before the latest approval, with the document that had approved it;
    `control_numbers` the control number in force (上级下达的控制数).
    """

    region_code: str
    region_name: str
    townships: Sequence[TownshipState]
    institutions: Sequence[InstitutionState] = ()
    persons: Sequence[PersonState] = ()
    reserve: Mapping[str, int] = field(default_factory=dict)
    previous_totals: Mapping[str, ApprovedTotal] = field(default_factory=dict)
    control_numbers: Mapping[str, ApprovedTotal] = field(default_factory=dict)
    # Persons counted, not listed (see PersonTally): the rule engine counts
    # them with `persons`; checks that list persons one by one
    # (bianzhi.core.rules.checks) need a snapshot without tallies.
    person_tallies: Sequence[PersonTally] = ()

    def __post_init__(self) -> None:
        for name in ("reserve", "previous_totals", "control_numbers"):
            object.__setattr__(self, name, _frozen_mapping(getattr(self, name)))

    def county_total(self, quota_type: str) -> int:
        """Townships' approved quotas of `quota_type` plus the reserve pool."""
        return sum(t.approved(quota_type) for t in self.townships) + self.reserve.get(quota_type, 0)


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """A typed reference to the object at fault: a county (region code), a
    township (township code), an institution or a person (record id)."""

    kind: ObjectKind
    id: str
    label: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": str(self.kind), "id": self.id, "label": self.label}


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule broken by one object. `rule` is the rule id, `message` says
    what is wrong in Chinese with the numbers, `source` cites the policy."""

    rule: str
    severity: Severity
    object: ObjectRef
    message: str
    source: str


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """The JSON shape: {"rule", "severity", "object": {"kind", "id", "label"},
    "message", "source"}; all values are strings."""
    return {
        "rule": finding.rule,
        "severity": str(finding.severity),
        "object": finding.object.to_dict(),
        "message": finding.message,
        "source": finding.source,
    }


class CountyFactsError(ValueError):
    """A snapshot that does not hold together (duplicate township code, a
    person or institution in an unknown township). Chinese message."""
