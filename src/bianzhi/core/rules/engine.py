"""Evaluate the rule catalogue against a snapshot.

Cost: one pass over the persons and one over the institutions builds
per-township counts (np.bincount over township positions); each rule is then
a vectorised comparison over the townships plus a loop over the offenders
only. A province-sized snapshot (3,111 townships, 150,000 persons) is
evaluated in a fraction of a second.

Thresholds given as percentages are compared exactly: p% is read as the
decimal it is written as (Fraction(str(p)) = num/den), and count·100·den is compared
with num·total in integers, so "exactly 95%" passes a 95% floor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from bianzhi.core.rules.catalogue import (
    CLASS_MAPPING_PARAMETERS,
    RULES,
    RuleDefinition,
    RuleSettings,
    effective_rules,
)
from bianzhi.core.rules.catalogue import format_number as num
from bianzhi.core.rules.model import (
    ADMIN_QUOTA,
    CLASSES_002,
    EXCELLENT,
    INSTITUTION_QUOTA,
    CountyFacts,
    CountyFactsError,
    Finding,
    InstitutionKind,
    InstitutionState,
    ObjectKind,
    ObjectRef,
    PersonState,
    PersonStatus,
    TownshipState,
)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# The quota types a township-level message names first; others follow sorted.
_QUOTA_ORDER = (ADMIN_QUOTA, INSTITUTION_QUOTA)


# --- the per-township counts every rule reads --------------------------------


@dataclass(frozen=True)
class CountyIndex:
    """Counts per township position (the order of snapshot.townships), built
    once by `build_index` and read by every rule."""

    snapshot: CountyFacts
    today: date
    position: Mapping[str, int]
    classes: Sequence[str]
    approved: Mapping[str, IntArray]  # quota type -> approved counts
    approved_total: IntArray  # all quota types (编制总数)
    headcount: Mapping[str, IntArray]  # quota type -> persons holding it
    staff: IntArray  # headcount, all quota types
    seconded: IntArray  # status SECONDED_OUT
    excellent: IntArray  # grade 优秀 among the headcount
    enforcement: IntArray  # enforcement staff working in the township
    enforcement_certified: IntArray  # … with a certificate valid today
    offices: IntArray
    public_institutions: IntArray
    seconded_persons: Sequence[tuple[int, PersonState]]
    # One reference per township, shared by its findings (fewer objects).
    refs: dict[int, ObjectRef] = field(default_factory=dict)
    scopes: dict[tuple[str, ...], BoolArray] = field(default_factory=dict)

    @property
    def townships(self) -> Sequence[TownshipState]:
        return self.snapshot.townships

    def approved_of(self, quota_type: str) -> IntArray:
        return self.approved.get(quota_type, self._zeros())

    def headcount_of(self, quota_type: str) -> IntArray:
        return self.headcount.get(quota_type, self._zeros())

    def in_scope(self, rule: RuleDefinition) -> BoolArray:
        """The townships a rule applies to (rules read it, never write it:
        rules with the same scope share one array)."""
        key = tuple(rule.scope) if rule.scope else ()
        mask = self.scopes.get(key)
        if mask is None:
            if not key:
                mask = np.ones(len(self.classes), dtype=np.bool_)
            else:
                scope = set(key)
                mask = np.fromiter(
                    (c in scope for c in self.classes), dtype=np.bool_, count=len(self.classes)
                )
            mask.flags.writeable = False
            self.scopes[key] = mask
        return mask

    def township_ref(self, i: int) -> ObjectRef:
        ref = self.refs.get(i)
        if ref is None:
            ref = self.refs[i] = township_ref(self.townships[i])
        return ref

    def county_ref(self) -> ObjectRef:
        return ObjectRef(ObjectKind.COUNTY, self.snapshot.region_code, self.snapshot.region_name)

    def _zeros(self) -> IntArray:
        return np.zeros(len(self.classes), dtype=np.int64)


def build_index(snapshot: CountyFacts, today: date) -> CountyIndex:
    """Count everything once. Raises CountyFactsError for duplicate township
    codes and for persons or institutions in a township not in the snapshot."""
    townships = snapshot.townships
    n = len(townships)
    position: dict[str, int] = {}
    for i, township in enumerate(townships):
        if township.code in position:
            raise CountyFactsError(f"乡镇代码{township.code}重复")
        position[township.code] = i

    # Tallies add `count` persons at a position: their positions and counts
    # go to a second pair of lists per category, added in at the end.
    def counts(positions: Sequence[int], tallied: tuple[list[int], list[int]] | None = None) -> IntArray:
        result = np.bincount(np.asarray(positions, dtype=np.int64), minlength=n).astype(np.int64)
        if tallied and tallied[0]:
            # Weighted bincount sums in float64: exact for any headcount.
            weights = np.asarray(tallied[1], dtype=np.float64)
            result += np.bincount(np.asarray(tallied[0], dtype=np.int64), weights, minlength=n).astype(np.int64)
        return result

    def tally() -> tuple[list[int], list[int]]:
        return ([], [])

    # 1. Persons: collect township positions per category, count at the end.
    by_type: dict[str, list[int]] = {}
    staff: list[int] = []
    seconded: list[int] = []
    excellent: list[int] = []
    enforcement: list[int] = []
    certified: list[int] = []
    seconded_persons: list[tuple[int, PersonState]] = []
    for person in snapshot.persons:
        i = position.get(person.township_code, -1)
        if i < 0:
            raise CountyFactsError(
                f"人员“{person.name}”所在乡镇代码{person.township_code}不在本次数据中"
            )
        status = person.status
        if person.is_enforcement_staff and (
            status == PersonStatus.ON_POST or status == PersonStatus.BORROWED_IN
        ):
            enforcement.append(i)
            if person.has_valid_certificate(today):
                certified.append(i)
        if status == PersonStatus.BORROWED_IN:
            continue  # holds a quota elsewhere
        staff.append(i)
        by_type.setdefault(person.quota_type, []).append(i)
        if status == PersonStatus.SECONDED_OUT:
            seconded.append(i)
            seconded_persons.append((i, person))
        if person.assessment_grade == EXCELLENT:
            excellent.append(i)

    # 1b. Tallies: the same counts, many persons at a time (the seconded-out
    # are never tallied: the service-period rule lists them one by one).
    t_by_type: dict[str, tuple[list[int], list[int]]] = {}
    t_staff, t_seconded, t_excellent, t_enforcement, t_certified = (tally() for _ in range(5))
    for group in snapshot.person_tallies:
        i = position.get(group.township_code, -1)
        if i < 0:
            raise CountyFactsError(f"人员所在乡镇代码{group.township_code}不在本次数据中")
        if group.enforcement:
            if group.certified_on != today:
                raise CountyFactsError("执法证有效人数的统计日期与检查日期不同")
            t_enforcement[0].append(i)
            t_enforcement[1].append(group.enforcement)
            t_certified[0].append(i)
            t_certified[1].append(group.certified)
        k = group.count - group.borrowed_in
        if k <= 0:
            continue  # only borrowed-in persons: they hold a quota elsewhere
        for target, m in ((t_staff, k), (t_by_type.setdefault(group.quota_type, tally()), k),
                          (t_excellent, group.excellent)):  # fmt: skip
            target[0].append(i)
            target[1].append(m)

    # 2. Institutions: offices and public institutions per township.
    offices: list[int] = []
    public_institutions: list[int] = []
    for institution in snapshot.institutions:
        i = position.get(institution.township_code, -1)
        if i < 0:
            raise CountyFactsError(
                f"机构“{institution.name}”所在乡镇代码{institution.township_code}不在本次数据中"
            )
        if institution.kind == InstitutionKind.OFFICE:
            offices.append(i)
        elif institution.kind == InstitutionKind.PUBLIC_INSTITUTION:
            public_institutions.append(i)

    # 3. Approved quotas per type, from the townships.
    types = {t for township in townships for t in township.approved_quotas}
    approved = {
        t: np.fromiter((tw.approved(t) for tw in townships), dtype=np.int64, count=n) for t in types
    }
    approved_total = np.fromiter(
        (sum(tw.approved_quotas.values()) for tw in townships), dtype=np.int64, count=n
    )

    return CountyIndex(
        snapshot=snapshot,
        today=today,
        position=position,
        classes=[tw.township_class for tw in townships],
        approved=approved,
        approved_total=approved_total,
        headcount={t: counts(by_type.get(t, []), t_by_type.get(t)) for t in dict.fromkeys([*by_type, *t_by_type])},
        staff=counts(staff, t_staff),
        seconded=counts(seconded, t_seconded),
        excellent=counts(excellent, t_excellent),
        enforcement=counts(enforcement, t_enforcement),
        enforcement_certified=counts(certified, t_certified),
        offices=counts(offices),
        public_institutions=counts(public_institutions),
        seconded_persons=seconded_persons,
    )


# --- number formatting and exact percentage comparisons ----------------------


@functools.lru_cache(maxsize=4096)  # pure; rules of one township share counts
def percent_text(count: int, total: int, threshold: float | int) -> str:
    """count/total as a percentage, rounded half up to one decimal ("94.7%"),
    with more decimals (up to four) when the rounded value would land on or
    across `threshold` (94.96% is not shown as "95%" next to a 95% floor).
    The caller knows the value is not equal to the threshold. Integer
    arithmetic only: this runs once per finding."""
    num_t, den_t = _ratio(threshold)
    below = count * 100 * den_t < num_t * total
    for decimals in range(1, 6):
        scale = 10**decimals
        # round half up of count·100·scale/total
        shown = (2 * count * 100 * scale + total) // (2 * total)
        if decimals == 5:
            # Still on the threshold: truncate away from it instead.
            shown = count * 100 * scale // total if below else -(-count * 100 * scale // total)
        # shown/scale against num_t/den_t
        side = shown * den_t - num_t * scale
        if (side < 0) == below and side != 0:
            break
    text = f"{shown // scale}.{shown % scale:0{decimals}d}".rstrip("0").rstrip(".")
    return f"{text}%"


@functools.cache
def _ratio(percent: float | int) -> tuple[int, int]:
    """p as numerator and denominator of the decimal the user typed (str() of
    12.5 is "12.5", not the binary float)."""
    exact = Fraction(str(percent))
    return exact.numerator, exact.denominator


def max_count(total: int, percent: float | int) -> int:
    """The largest count within `percent` of `total`: floor(p·total/100)."""
    num_p, den_p = _ratio(percent)
    return num_p * total // (100 * den_p)


def min_count(total: int, percent: float | int) -> int:
    """The smallest count reaching `percent` of `total`: ceil(p·total/100)."""
    num_p, den_p = _ratio(percent)
    return -(-num_p * total // (100 * den_p))


def exceeds_percent(count: int, total: int, percent: float | int) -> bool:
    """count/total > p% exactly (any count > 0 exceeds a total of 0)."""
    num_p, den_p = _ratio(percent)
    return count * 100 * den_p > total * num_p


def _above_percent(count: IntArray, total: IntArray, percent: float | int) -> BoolArray:
    """count/total > p% exactly (any count > 0 exceeds a total of 0)."""
    num_p, den_p = _ratio(percent)
    result: BoolArray = count * 100 * den_p > total * num_p
    return result


def _below_percent(count: IntArray, total: IntArray, percent: float | int) -> BoolArray:
    """count/total < p% exactly."""
    num_p, den_p = _ratio(percent)
    result: BoolArray = count * 100 * den_p < total * num_p
    return result


def _finding(rule: RuleDefinition, obj: ObjectRef, message: str) -> Finding:
    return Finding(rule.id, rule.severity, obj, message, rule.source)


def _offenders(mask: BoolArray) -> Iterator[int]:
    positions: list[int] = np.flatnonzero(mask).tolist()
    yield from positions


# --- messages shared with the write-time checks (bianzhi.core.rules.checks) --


def over_quota_message(quota_type: str, headcount: int, approved: int, *, prefix: str = "") -> str:
    return (
        f"{prefix}{quota_type}在编{headcount}人，超过核定{approved}名，超编{headcount - approved}名"
    )


def secondment_share_message(seconded: int, total: int, percent: float | int) -> str:
    share = percent_text(seconded, total, percent) if total else "—"
    return (
        f"借出人员{seconded}人，占编制总数{total}名的{share}，"
        f"超过{num(percent)}%（最多{max_count(total, percent)}人）"
    )


def service_period_message(person: PersonState, start: date | None, years: int) -> str:
    end = person.service_period_end
    assert end is not None
    when = f"{start.isoformat()}起借调出" if start else "已借调出"
    return (
        f"{person.name}的服务期至{end.isoformat()}届满，{when}，处于服务期内"
        f"（新进人员须在乡镇服务满{years}年）"
    )


def in_service_period(person: PersonState, start: date | None, today: date) -> bool:
    """Whether a secondment starting on `start` falls in the person's service
    period. The period ends on `service_period_end`: a secondment starting
    that day is allowed. An unknown start is judged by `today` (the person
    is seconded now), so it is reported only when today is inside."""
    end = person.service_period_end
    if end is None:
        return False
    return (start or today) < end


# --- the rules -----------------------------------------------------------------

Check = Callable[[CountyIndex, RuleDefinition], Iterable[Finding]]


def _ordinary_admin_floor(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    minimum = rule.int_param("min_admin_quota")
    admin = ix.approved_of(ADMIN_QUOTA)
    for i in _offenders(ix.in_scope(rule) & (admin < minimum)):
        cls = ix.classes[i]
        yield _finding(
            rule,
            ix.township_ref(i),
            f"{cls}核定行政编制{admin[i]}名，少于{minimum}名，差{minimum - admin[i]}名",
        )


def _no_total_decrease(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    """Per quota type, the county total (townships + reserve pool) against the
    county total as last approved (001 §(三)1 "两个不减少"): moving quota
    between townships or into the reserve leaves it unchanged. With
    per_township=1, each township against its own previous approval."""
    per_township = rule.int_param("per_township") == 1
    in_scope = ix.in_scope(rule)
    n = len(ix.townships)
    for quota_type in _QUOTA_ORDER:
        now = ix.approved_of(quota_type)
        known = np.array([quota_type in tw.previous_quotas for tw in ix.townships], dtype=np.bool_)
        previous = np.fromiter(
            (tw.previous_quotas.get(quota_type, 0) for tw in ix.townships), dtype=np.int64, count=n
        )
        decreased = known & (now < previous)
        if per_township:
            for i in _offenders(decreased & in_scope):
                yield _finding(
                    rule,
                    ix.township_ref(i),
                    f"{quota_type}核定{now[i]}名，少于上次核定的{previous[i]}名，"
                    f"减少{previous[i] - now[i]}名",
                )
            continue
        last = ix.snapshot.previous_totals.get(quota_type)
        if last is None:
            continue  # never approved: nothing to compare with
        total_now = ix.snapshot.county_total(quota_type)
        if total_now >= last.count:
            continue
        reserve = ix.snapshot.reserve.get(quota_type, 0)
        parts = f"（乡镇核定{total_now - reserve}名、机动编制{reserve}名）" if reserve else ""
        # Name the townships that lost most, so the officer knows where to look.
        losers = sorted(_offenders(decreased), key=lambda i: (now[i] - previous[i], i))
        named = "、".join(f"{ix.townships[i].name}减{previous[i] - now[i]}名" for i in losers[:5])
        more = f"等{len(losers)}个乡镇" if len(losers) > 5 else ""
        yield _finding(
            rule,
            ix.county_ref(),
            f"全县乡镇{quota_type}总量{total_now}名{parts}，少于上次核定的{last.count}名"
            f"{last.cited()}，减少{last.count - total_now}名" + (f"（{named}{more}）" if named else ""),
        )


def _control_number(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    """The county total (townships + reserve pool) of each quota type with a
    control number stays within it."""
    controls = ix.snapshot.control_numbers
    for quota_type in sorted(controls, key=_quota_order):
        control = controls[quota_type]
        total = ix.snapshot.county_total(quota_type)
        if total <= control.count:
            continue
        reserve = ix.snapshot.reserve.get(quota_type, 0)
        parts = f"（乡镇核定{total - reserve}名、机动编制{reserve}名）" if reserve else ""
        yield _finding(
            rule,
            ix.county_ref(),
            f"全县乡镇{quota_type}核定总量{total}名{parts}，超过上级下达的控制数{control.count}名"
            f"{control.cited()}，超出{total - control.count}名",
        )


def _quota_order(quota_type: str) -> tuple[int, str]:
    return (_QUOTA_ORDER.index(quota_type) if quota_type in _QUOTA_ORDER else len(_QUOTA_ORDER), quota_type)


def _over_quota(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    in_scope = ix.in_scope(rule)
    types = sorted(
        set(ix.approved) | set(ix.headcount),
        key=lambda t: (_QUOTA_ORDER.index(t) if t in _QUOTA_ORDER else len(_QUOTA_ORDER), t),
    )
    offenders: list[tuple[int, int, str, int, int]] = []
    for order, quota_type in enumerate(types):
        headcount = ix.headcount_of(quota_type)
        approved = ix.approved_of(quota_type)
        for i in _offenders(in_scope & (headcount > approved)):
            offenders.append((i, order, quota_type, int(headcount[i]), int(approved[i])))
    for i, _, quota_type, headcount_i, approved_i in sorted(offenders):
        yield _finding(
            rule, ix.township_ref(i), over_quota_message(quota_type, headcount_i, approved_i)
        )


def _usage_rate(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    percent = rule.param("min_percent")
    headcount = ix.headcount_of(ADMIN_QUOTA) + ix.headcount_of(INSTITUTION_QUOTA)
    approved = ix.approved_of(ADMIN_QUOTA) + ix.approved_of(INSTITUTION_QUOTA)
    bad = ix.in_scope(rule) & (approved > 0) & _below_percent(headcount, approved, percent)
    for i in _offenders(bad):
        h, a = int(headcount[i]), int(approved[i])
        yield _finding(
            rule,
            ix.township_ref(i),
            f"行政、事业编制使用率{percent_text(h, a, percent)}（在编{h}人/核定{a}名），"
            f"低于{num(percent)}%，还需补充{min_count(a, percent) - h}人",
        )


def _secondment_share(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    percent = rule.param("max_percent")
    bad = ix.in_scope(rule) & _above_percent(ix.seconded, ix.approved_total, percent)
    for i in _offenders(bad):
        message = secondment_share_message(int(ix.seconded[i]), int(ix.approved_total[i]), percent)
        yield _finding(rule, ix.township_ref(i), message)


def understaffed_message(headcount: int, approved: int, percent: float | int, seconded: int) -> str:
    return (
        f"行政、事业编制使用率{percent_text(headcount, approved, percent)}（在编{headcount}人/核定{approved}名），"
        f"低于{num(percent)}%，属人员紧张的乡镇，不得借调出人员（现借调出{seconded}人）"
    )


def _secondment_understaffed(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    percent = rule.param("min_percent")
    headcount = ix.headcount_of(ADMIN_QUOTA) + ix.headcount_of(INSTITUTION_QUOTA)
    approved = ix.approved_of(ADMIN_QUOTA) + ix.approved_of(INSTITUTION_QUOTA)
    bad = ix.in_scope(rule) & (ix.seconded > 0) & (approved > 0) & _below_percent(headcount, approved, percent)
    for i in _offenders(bad):
        message = understaffed_message(int(headcount[i]), int(approved[i]), percent, int(ix.seconded[i]))
        yield _finding(rule, ix.township_ref(i), message)


def _service_period(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    in_scope = ix.in_scope(rule)
    years = rule.int_param("years")
    for i, person in ix.seconded_persons:
        if in_scope[i] and in_service_period(person, person.secondment_start, ix.today):
            yield _finding(
                rule,
                person_ref(person),
                service_period_message(person, person.secondment_start, years),
            )


def _enforcement_staff(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    minimum = rule.int_param("min_staff")
    certified_only = rule.int_param("certified_only") == 1
    staff = ix.enforcement_certified if certified_only else ix.enforcement
    who = "持有效执法证的综合行政执法人员" if certified_only else "从事综合行政执法工作的人员"
    for i in _offenders(ix.in_scope(rule) & (staff < minimum)):
        yield _finding(
            rule,
            ix.township_ref(i),
            f"{who}{staff[i]}人，少于{minimum}人，差{minimum - staff[i]}人",
        )


def _enforcement_leader_certified(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    named = [(i, t) for i, t in enumerate(ix.townships) if t.enforcement_leader_id is not None]
    if not named:
        return
    persons = {p.id: p for p in ix.snapshot.persons}
    in_scope = ix.in_scope(rule)
    for i, township in named:
        person = persons.get(township.enforcement_leader_id or "")
        if not in_scope[i]:
            continue
        if person is None or person.township_code != township.code:
            yield _finding(rule, ix.township_ref(i), "分管执法的领导已不在本乡镇名册中，请重新指定")
        elif not person.has_valid_certificate(ix.today):
            yield _finding(rule, person_ref(person), f"分管执法的领导{person.name}未持有效执法证")


def _office_admin_min(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    minimum = rule.int_param("min_admin_quota")
    in_scope = ix.in_scope(rule)
    for institution in ix.snapshot.institutions:
        if institution.kind != InstitutionKind.OFFICE or institution.admin_quota >= minimum:
            continue
        if in_scope[ix.position[institution.township_code]]:
            yield _finding(
                rule,
                institution_ref(institution),
                f"党政综合办事机构核定行政编制{institution.admin_quota}名，少于{minimum}名",
            )


def class_002_of(township_class: str, rule: RuleDefinition) -> str | None:
    """The 002 class (一类/二类/三类) a township counts as under the
    institution limits, or None for a class neither scheme knows."""
    if township_class in CLASSES_002:
        return township_class
    parameter = CLASS_MAPPING_PARAMETERS.get(township_class)
    if parameter is None:
        return None
    return CLASSES_002[rule.int_param(parameter) - 1]


def _institution_limits(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    in_scope = ix.in_scope(rule)
    for i, township_class in enumerate(ix.classes):
        as_class = class_002_of(township_class, rule) if in_scope[i] else None
        if as_class is None:
            continue
        n = CLASSES_002.index(as_class) + 1
        counted = as_class if as_class == township_class else f"{township_class}按{as_class}乡镇计"
        for label, count, parameter in (
            ("党政综合办事机构", ix.offices[i], f"class{n}_max_offices"),
            ("直属事业单位", ix.public_institutions[i], f"class{n}_max_public_institutions"),
        ):
            limit = rule.int_param(parameter)
            if count > limit:
                yield _finding(
                    rule,
                    ix.township_ref(i),
                    f"{label}{count}个，超过限额{limit}个（{counted}），多{count - limit}个",
                )


def _posts_within_approved(
    ix: CountyIndex, rule: RuleDefinition, used: IntArray, approved: IntArray, *,
    posts: str, pool: str, each: str,
) -> Iterator[Finding]:
    """Posts used within those approved, per township, or (pooled=1) only
    the county's totals over the townships in scope. `posts` names what is
    counted, `pool` the county total and `each` a township's approval in the
    messages."""
    in_scope = ix.in_scope(rule)
    if rule.int_param("pooled") == 1:
        total_used, total_approved = int(used[in_scope].sum()), int(approved[in_scope].sum())
        if total_used > total_approved:
            yield _finding(
                rule,
                ix.county_ref(),
                f"乡镇{posts}已配备{total_used}名，超过全县核定{pool}{total_approved}名，"
                f"超出{total_used - total_approved}名",
            )
        return
    for i in _offenders(in_scope & (used > approved)):
        yield _finding(
            rule,
            ix.township_ref(i),
            f"{posts}已配备{used[i]}名，超过核定{each}{approved[i]}名，超出{used[i] - approved[i]}名",
        )


def _leadership_posts(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    used = np.fromiter((tw.leadership_posts_used for tw in ix.townships), dtype=np.int64)
    approved = np.fromiter((tw.leadership_posts_approved for tw in ix.townships), dtype=np.int64)
    return _posts_within_approved(ix, rule, used, approved, posts="领导职数", pool="总数", each="")


def _middle_posts(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    """003 §一(四)三是: the county approves each township's total of middle
    posts and the township distributes them; pooled=1 compares only the
    county's totals (the county total as a pool)."""
    used = np.fromiter((tw.middle_posts_used for tw in ix.townships), dtype=np.int64)
    approved = np.fromiter((tw.middle_posts_approved for tw in ix.townships), dtype=np.int64)
    return _posts_within_approved(
        ix, rule, used, approved, posts="中层干部", pool="中层职数总量", each="中层职数"
    )


def _excellent_share(ix: CountyIndex, rule: RuleDefinition) -> Iterator[Finding]:
    percent = rule.param("max_percent")
    bad = ix.in_scope(rule) & _above_percent(ix.excellent, ix.staff, percent)
    for i in _offenders(bad):
        e, n = int(ix.excellent[i]), int(ix.staff[i])
        yield _finding(
            rule,
            ix.township_ref(i),
            f"年度考核优秀{e}人，占在编人员{n}人的{percent_text(e, n, percent)}，"
            f"超过{num(percent)}%（最多{max_count(n, percent)}人）",
        )


CHECKS: Mapping[str, Check] = {
    "ordinary-admin-floor": _ordinary_admin_floor,
    "no-total-decrease": _no_total_decrease,
    "control-number": _control_number,
    "over-quota": _over_quota,
    "usage-rate": _usage_rate,
    "secondment-share": _secondment_share,
    "secondment-understaffed": _secondment_understaffed,
    "service-period": _service_period,
    "enforcement-staff": _enforcement_staff,
    "enforcement-leader-certified": _enforcement_leader_certified,
    "office-admin-min": _office_admin_min,
    "institution-limits": _institution_limits,
    "leadership-posts": _leadership_posts,
    "middle-posts": _middle_posts,
    "excellent-share": _excellent_share,
}
# Every catalogued rule has a check and no check is uncatalogued.
assert set(CHECKS) == {r.id for r in RULES}, "rules catalogue and checks differ"


def township_ref(township: TownshipState) -> ObjectRef:
    return ObjectRef(ObjectKind.TOWNSHIP, township.code, township.name)


def person_ref(person: PersonState) -> ObjectRef:
    return ObjectRef(ObjectKind.PERSON, person.id, person.name)


def institution_ref(institution: InstitutionState) -> ObjectRef:
    return ObjectRef(ObjectKind.INSTITUTION, institution.id, institution.name)


def evaluate(
    snapshot: CountyFacts,
    settings: Mapping[str, RuleSettings] | None = None,
    *,
    today: date,
) -> list[Finding]:
    """Every finding of every enabled rule, in catalogue order, then in the
    order of the snapshot's townships, institutions or persons.

    `settings` maps rule ids to a region's overrides (see `effective_rules`,
    which raises RuleSettingsError for bad ones); `today` (the caller's
    date: the core never reads the clock) decides certificate validity and ongoing secondments.
    Raises CountyFactsError for an inconsistent snapshot.
    """
    rules = effective_rules(settings)
    index = build_index(snapshot, today)
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(CHECKS[rule.id](index, rule))
    return findings
