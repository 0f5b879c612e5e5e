"""Powers and duties of townships: the "1+4" delegation lists, take-up, duty
access (职责准入) and the assessment of dispatched agencies and county
departments. Pure Python: no Django, no I/O.

Policy sources (shared/policy):

* 000 §二.1: delegation catalogue, take-up by choice, dynamic adjustment;
  000 §二.2: dispatched agencies, township weight >= 50% / >= 30%.
* 001 §(一)2: "1+4" lists, base list taken up by every township, featured
  lists chosen by class; 001 §(一)3: duty access, forbidden demands,
  费随事转; 001 §(二)2: heads of dispatched agencies need the township's consent.
* 002 §12: two-way evaluation between townships and county departments;
  002 §13, §14: responsibility pledges, indicators, one-vote veto forbidden.
* 004《优化机构编制资源配置工作方案》§二(二): the town's evaluation weighs 50%.

Every Chinese message names its source in the short form "001 §(一)3".
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from bianzhi.core.rules.model import (
    CENTRAL,
    CLASS_1,
    CLASS_2,
    CLASS_3,
    COUNTY_SEAT,
    FEATURED,
    KEY,
)

# --- power types and lists ---------------------------------------------------

# The ten power types of the delegation catalogue, in the order of the issue
# (and of the provincial catalogues).
POWER_TYPES: tuple[str, ...] = (
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "其他行政权力",
)


class ListKind(StrEnum):
    """Which of the "1+4" lists (001 §(一)2) a catalogue item belongs to."""

    BASE = "base"
    FEATURED_1 = "featured-1"
    FEATURED_2 = "featured-2"
    FEATURED_3 = "featured-3"
    FEATURED_4 = "featured-4"

    @property
    def label(self) -> str:
        return _LIST_LABELS[self]

    @property
    def is_featured(self) -> bool:
        return self is not ListKind.BASE


_LIST_LABELS = {
    ListKind.BASE: "基础清单",
    ListKind.FEATURED_1: "特色清单一",
    ListKind.FEATURED_2: "特色清单二",
    ListKind.FEATURED_3: "特色清单三",
    ListKind.FEATURED_4: "特色清单四",
}
FEATURED_LISTS: tuple[ListKind, ...] = tuple(k for k in ListKind if k.is_featured)

# Spellings accepted in spreadsheets for the list column, besides the labels.
_LIST_ALIASES = {
    "基础": ListKind.BASE,
    "特色清单1": ListKind.FEATURED_1,
    "特色清单2": ListKind.FEATURED_2,
    "特色清单3": ListKind.FEATURED_3,
    "特色清单4": ListKind.FEATURED_4,
}


def list_kind_parse(text: str) -> ListKind | None:
    """The list named by ``text`` ("基础清单", "特色清单二", "特色清单2"), else None."""
    cleaned = "".join(text.split())
    for kind in ListKind:
        if cleaned in (kind.label, kind.value):
            return kind
    return _LIST_ALIASES.get(cleaned)


# Default classes of each featured list. 001 §(一)1 names four classes besides
# 一般乡镇 and §(一)2 four featured lists "按乡镇类别划分", so each list serves
# one class; 一般乡镇 takes the base list only. For 002's three classes the
# county decides; the default gives class 1 two lists (its wider institution
# limits in 002 §1 suggest wider powers) and the others one each.
DEFAULT_FEATURED_CLASSES_001: Mapping[ListKind, tuple[str, ...]] = {
    ListKind.FEATURED_1: (COUNTY_SEAT,),
    ListKind.FEATURED_2: (CENTRAL,),
    ListKind.FEATURED_3: (KEY,),
    ListKind.FEATURED_4: (FEATURED,),
}
DEFAULT_FEATURED_CLASSES_002: Mapping[ListKind, tuple[str, ...]] = {
    ListKind.FEATURED_1: (CLASS_1,),
    ListKind.FEATURED_2: (CLASS_1, CLASS_2),
    ListKind.FEATURED_3: (CLASS_2, CLASS_3),
    ListKind.FEATURED_4: (CLASS_3,),
}


@dataclass(frozen=True)
class CatalogueEntry:
    """One delegable power as the take-up rules see it."""

    code: str
    name: str
    list_kind: ListKind

    @property
    def title(self) -> str:
        return f"“{self.code} {self.name}”"


@dataclass(frozen=True)
class ListModel:
    """The "1+4" model of one catalogue: which township classes each featured
    list serves (a class may be served by several lists)."""

    featured_classes: Mapping[ListKind, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_FEATURED_CLASSES_001)
    )

    def lists_for(self, township_class: str) -> tuple[ListKind, ...]:
        """The lists a township of this class may take items from, base first."""
        featured = tuple(
            kind
            for kind in FEATURED_LISTS
            if township_class in self.featured_classes.get(kind, ())
        )
        return (ListKind.BASE, *featured)

    def classes_label(self, kind: ListKind) -> str:
        if kind is ListKind.BASE:
            return "全部乡镇"
        return "、".join(self.featured_classes.get(kind, ())) or "（未指定乡镇类别）"


class TakeUpChoice(StrEnum):
    TAKE_UP = "take-up"
    DEFER = "defer"

    @property
    def label(self) -> str:
        return "承接" if self is TakeUpChoice.TAKE_UP else "暂不承接"


class TakeUpError(ValueError):
    """The choices break the take-up rules; ``problems`` lists each in Chinese."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = list(problems)


def take_up_problems(
    *,
    items: Sequence[CatalogueEntry],
    model: ListModel,
    township_class: str,
    choices: Mapping[str, TakeUpChoice],
) -> list[str]:
    """Everything wrong with a township's ``choices`` (item code -> choice).

    1. A base-list item may not be deferred: every township takes the whole
       base list (001 §(一)2). Base items need no choice.
    2. An item of a featured list that does not serve the township's class
       may not be chosen.
    3. Every item of the featured lists serving the class needs a choice
       (承接 or 暂不承接: 001 §(一)2 lets a township defer, but it must say so).
    4. Codes not in the catalogue are refused.
    """
    problems: list[str] = []
    by_code = {item.code: item for item in items}
    allowed = set(model.lists_for(township_class))
    for code in choices:
        if code not in by_code:
            problems.append(f"事项编码 {code} 不在赋权指导目录中")
    for item in items:
        choice = choices.get(item.code)
        if item.list_kind is ListKind.BASE:
            if choice is TakeUpChoice.DEFER:
                problems.append(
                    f"{item.title}属于基础清单，各乡镇必须全面承接，不能暂不承接（001 §(一)2）"
                )
        elif item.list_kind not in allowed:
            if choice is TakeUpChoice.TAKE_UP:
                problems.append(
                    f"{item.title}属于{item.list_kind.label}（适用于"
                    f"{model.classes_label(item.list_kind)}），{township_class}不能承接"
                )
        elif choice is None:
            problems.append(f"{item.title}（{item.list_kind.label}）尚未选择承接或暂不承接")
    return problems


def take_up_resolve(
    *,
    items: Sequence[CatalogueEntry],
    model: ListModel,
    township_class: str,
    choices: Mapping[str, TakeUpChoice],
) -> dict[str, TakeUpChoice]:
    """The complete take-up of a township: base items taken up, featured items of
    its class as chosen; items of other classes are absent. Raises
    ``TakeUpError`` with every problem of ``take_up_problems``."""
    problems = take_up_problems(
        items=items, model=model, township_class=township_class, choices=choices
    )
    if problems:
        raise TakeUpError(problems)
    allowed = set(model.lists_for(township_class))
    result: dict[str, TakeUpChoice] = {}
    for item in items:
        if item.list_kind is ListKind.BASE:
            result[item.code] = TakeUpChoice.TAKE_UP
        elif item.list_kind in allowed:
            result[item.code] = choices[item.code]
    return result


# --- duty access (职责准入) ----------------------------------------------------


class Demand(StrEnum):
    """Demands on townships that a duty-access request may not make."""

    INSTITUTION = "institution"
    VENUE = "venue"
    STAFF = "staff"
    PLEDGE = "pledge"
    INDICATORS = "indicators"
    ACCEPTANCE = "acceptance"
    VETO = "veto"


@dataclass(frozen=True)
class ForbiddenDemand:
    demand: Demand
    label: str  # the question a form asks ("要求乡镇成立相应机构")
    reason: str  # why it blocks, in Chinese
    source: str  # short citation


FORBIDDEN_DEMANDS: Mapping[Demand, ForbiddenDemand] = {
    d.demand: d
    for d in (
        ForbiddenDemand(
            Demand.INSTITUTION,
            "要求乡镇成立相应机构或加挂牌子",
            "县级职能部门不得要求乡镇成立相应机构、对口设立机构或加挂牌子",
            "001 §(一)3；002 §1",
        ),
        ForbiddenDemand(
            Demand.VENUE,
            "要求乡镇设置专门场所",
            "县级职能部门不得要求乡镇设置专门场所",
            "001 §(一)3",
        ),
        ForbiddenDemand(
            Demand.STAFF,
            "要求乡镇配备专职人员",
            "县级职能部门不得要求乡镇配备专职人员",
            "001 §(一)3",
        ),
        ForbiddenDemand(
            Demand.PLEDGE,
            "要求乡镇签订“责任状”",
            "不得以签订“责任状”的形式将工作责任转移给乡镇",
            "001 §(一)3；002 §13、§14",
        ),
        ForbiddenDemand(
            Demand.INDICATORS,
            "向乡镇分解下达指标",
            "不得以分解下达指标的形式将工作责任转移给乡镇",
            "001 §(一)3；002 §13",
        ),
        ForbiddenDemand(
            Demand.ACCEPTANCE,
            "对乡镇考核验收",
            "不得以考核验收的形式将工作责任转移给乡镇",
            "001 §(一)3；002 §13",
        ),
        ForbiddenDemand(
            Demand.VETO,
            "对乡镇设置“一票否决”",
            "除党中央、国务院和省委、省政府明确规定的外，不得对乡镇设置“一票否决”事项",
            "002 §14",
        ),
    )
}


@dataclass(frozen=True)
class AccessRequestFacts:
    """The structured fields of a duty-access request that the gate reads."""

    matter: str
    reason: str
    demands: frozenset[Demand] = frozenset()
    is_temporary: bool = False
    end_date: date | None = None
    funding_amount: Decimal | None = None  # 万元 that follow the duty (费随事转)
    funding_note: str = ""  # how the money follows, or why none is needed
    township_count: int = 1


def forbidden_demand_reasons(demands: Iterable[Demand]) -> list[str]:
    """One Chinese reason per forbidden demand, in catalogue order."""
    wanted = set(demands)
    return [
        f"{d.reason}（{d.source}）" for key, d in FORBIDDEN_DEMANDS.items() if key in wanted
    ]


def submission_problems(facts: AccessRequestFacts, *, today: date) -> list[str]:
    """Why a request may not be submitted: forbidden demands first, then gaps.

    A request must name the matter and the reason, have at least one township,
    give an end date after ``today`` when temporary, and state the funding
    that follows the duty: an amount, or a note saying how the money follows
    or why none is needed (费随事转, 001 §(一)3). Empty list: may be submitted.
    """
    problems = forbidden_demand_reasons(facts.demands)
    if not facts.matter.strip():
        problems.append("请填写拟交由乡镇承担的事项")
    if not facts.reason.strip():
        problems.append("请填写交由乡镇承担的理由")
    if facts.township_count < 1:
        problems.append("请选择承接该事项的乡镇")
    if facts.is_temporary:
        if facts.end_date is None:
            # 001 §(一)4 names 临时性、阶段性 duties but sets no end date:
            # the date is this system's, so the duty lapses when it passes.
            problems.append(
                "临时性、阶段性事项必须填写截止日期（本系统据此到期失效；"
                "001 §(一)4 规定此类事项须征求乡镇意见、报县委县政府批准并报市委编办、市司法局备案）"
            )
        elif facts.end_date <= today:
            problems.append(f"截止日期 {facts.end_date.isoformat()} 已过，请重新填写")
    elif facts.end_date is not None:
        problems.append("长期事项不填写截止日期；有截止日期的请选择“临时性”")
    if facts.funding_amount is not None and facts.funding_amount < 0:
        problems.append("随事转移的经费不能为负数")
    if not facts.funding_amount and not facts.funding_note.strip():
        problems.append(
            "请写明随职责转移的经费（费随事转，001 §(一)3）；确实不需要经费的，请说明理由"
        )
    return problems


def is_expired(*, is_temporary: bool, end_date: date | None, today: date) -> bool:
    """A temporary duty is in force up to and including its end date."""
    return is_temporary and end_date is not None and end_date < today


class AccessStatus(StrEnum):
    DRAFT = "draft"
    CONSULTING = "consulting"  # 征求乡镇意见
    DECIDING = "deciding"  # all opinions in, 待县审定
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    AccessStatus.DRAFT: "草稿",
    AccessStatus.CONSULTING: "征求乡镇意见",
    AccessStatus.DECIDING: "待县审定",
    AccessStatus.APPROVED: "已准入",
    AccessStatus.REJECTED: "未准入",
    AccessStatus.EXPIRED: "已到期",
}


@dataclass(frozen=True)
class StepLimits:
    """Days each step may take (calendar days; a county sets its own)."""

    opinion_days: int = 10
    decision_days: int = 15


@dataclass(frozen=True)
class OverdueStep:
    step: str  # "opinion" or "decision"
    party: str  # who is late (a township's name or "县委编办")
    due: date
    days_over: int

    @property
    def message(self) -> str:
        what = "反馈意见" if self.step == "opinion" else "审定"
        return f"{self.party}逾期{self.days_over}天未{what}（应于{self.due.isoformat()}前）"


def overdue_steps(
    *,
    status: AccessStatus,
    submitted_on: date | None,
    opinions_complete_on: date | None,
    pending_townships: Sequence[str],
    today: date,
    limits: StepLimits = StepLimits(),
    decider: str = "县委、县政府",
) -> list[OverdueStep]:
    """The late steps of a request on ``today``.

    While consulting, each township that has not answered within
    ``opinion_days`` of submission is late; while deciding, the county is
    late ``decision_days`` after the last opinion. The due day itself is not late.
    """
    late: list[OverdueStep] = []
    if status is AccessStatus.CONSULTING and submitted_on is not None:
        due = submitted_on + timedelta(days=limits.opinion_days)
        if today > due:
            late.extend(
                OverdueStep("opinion", name, due, (today - due).days) for name in pending_townships
            )
    elif status is AccessStatus.DECIDING and opinions_complete_on is not None:
        due = opinions_complete_on + timedelta(days=limits.decision_days)
        if today > due:
            late.append(OverdueStep("decision", decider, due, (today - due).days))
    return late


# --- assessments ---------------------------------------------------------------

# Floors of the township's weight, in percent (rule parameters a region may raise).
AGENCY_TOWNSHIP_WEIGHT_FLOOR = Decimal(50)
AGENCY_FLOOR_SOURCE = "000 §二.2；004《优化机构编制资源配置工作方案》§二(二)"
DEPARTMENT_TOWNSHIP_WEIGHT_FLOOR = Decimal(30)
DEPARTMENT_FLOOR_SOURCE = "000 §二.2"

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


class AssessmentError(ValueError):
    """An assessment the rules refuse; the message is Chinese."""


def _percent_text(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def weight_problem(
    *, township_weight: Decimal, floor: Decimal, subject: str, source: str
) -> str | None:
    """The Chinese refusal if ``township_weight`` (percent) is below ``floor``."""
    if township_weight < 0 or township_weight > _HUNDRED:
        return f"乡镇评价权重必须在0%～100%之间，实为{_percent_text(township_weight)}"
    if township_weight < floor:
        return (
            f"{subject}考核中乡镇评价结果的权重为{_percent_text(township_weight)}，"
            f"低于规定的{_percent_text(floor)}（{source}），请提高乡镇评价权重"
        )
    return None


def weighted_total(
    *,
    township_score: Decimal,
    other_score: Decimal,
    township_weight: Decimal,
    floor: Decimal,
    subject: str,
    source: str,
) -> Decimal:
    """Total score = township score x weight + other score x (100 - weight),
    rounded half-up to 0.01. Scores are 0-100. Raises ``AssessmentError``
    when the weight is outside 0-100 or below ``floor`` or a score is out of range."""
    problem = weight_problem(
        township_weight=township_weight, floor=floor, subject=subject, source=source
    )
    if problem:
        raise AssessmentError(problem)
    for label, score in (("乡镇评价得分", township_score), ("其他考核得分", other_score)):
        if score < 0 or score > _HUNDRED:
            raise AssessmentError(f"{label}必须在0～100分之间，实为{score.normalize():f}分")
    total = (township_score * township_weight + other_score * (_HUNDRED - township_weight)) / (
        _HUNDRED
    )
    return total.quantize(_CENT, rounding=ROUND_HALF_UP)


K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Ranked(Generic[K]):
    key: K
    score: Decimal
    rank: int


def rank_scores(scores: Sequence[tuple[K, Decimal]]) -> list[Ranked[K]]:
    """Competition ranking ("1224"): highest first; equal scores share a rank
    and keep their input order."""
    ordered = sorted(enumerate(scores), key=lambda pair: (-pair[1][1], pair[0]))
    ranked: list[Ranked[K]] = []
    for position, (_, (key, score)) in enumerate(ordered, start=1):
        rank = ranked[-1].rank if ranked and ranked[-1].score == score else position
        ranked.append(Ranked(key, score, rank))
    return ranked


@dataclass(frozen=True)
class EvaluationScore(Generic[K]):
    """One party's score (0-100) of another in the two-way evaluation."""

    evaluator: K
    target: K
    score: Decimal


@dataclass(frozen=True)
class EvaluationSummary:
    count: int
    mean: Decimal


def evaluation_summaries(scores: Iterable[EvaluationScore[K]]) -> dict[K, EvaluationSummary]:
    """Mean score received by each target (rounded half-up to 0.01).

    Each evaluator scores a target at most once (002 §12: 双向考核评议);
    a second score or a score outside 0-100 raises ``AssessmentError``.
    """
    seen: set[tuple[K, K]] = set()
    totals: dict[K, list[Decimal]] = {}
    for s in scores:
        if (s.evaluator, s.target) in seen:
            raise AssessmentError(f"{s.evaluator}对{s.target}重复评议")
        if s.score < 0 or s.score > _HUNDRED:
            raise AssessmentError(f"评议得分必须在0～100分之间，实为{s.score.normalize():f}分")
        seen.add((s.evaluator, s.target))
        totals.setdefault(s.target, []).append(s.score)
    return {
        target: EvaluationSummary(
            len(values), (sum(values, Decimal(0)) / len(values)).quantize(_CENT, ROUND_HALF_UP)
        )
        for target, values in totals.items()
    }
