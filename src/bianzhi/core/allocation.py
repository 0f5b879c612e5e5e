"""The "3+X" quota allocation model (测算模型).

Policy sources: 000 §二.3 ("3+X" indicators), 001 §(三)1–2 (total control,
ordinary townships keep >= 15 admin posts, priority for county-seat/central/
key/featured towns, 基本编制+机动编制), 004 §二(四).

Contract, in the order the model is computed:

1. Scores. For each indicator k, share p_ik = x_ik / Σ_j x_jk. The score of
   township i is s_i = c(class_i) · Σ_k w_k·p_ik / Σ_k w_k, where c is an
   optional per-class coefficient (default 1).
2. Reserve R (机动编制): a count, or a percentage of the total T rounded half
   up. The distributable quota is D = T − R (基本编制).
3. Bounds. lower_i = max(class floor, township minimum, current quota when
   "no decrease", current − max step); upper_i = min(class cap, township
   maximum, current + max step).
4. Apportionment of D under the bounds, by a divisor method with min/max
   restrictions (a_i = clamp(round(s_i/d), lower_i, upper_i) with one divisor
   d, Σ a_i = D) or, for comparison, Hamilton's largest remainder method.
5. Exact ties (two seats with the same priority at the margin) go to the
   township with the higher score, then to the smaller code; the tied
   townships are listed in the result.

Everything here is pure: dataclasses in, dataclasses out, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from bianzhi.core.apportion import apportion, hamilton, round_quotients

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The five township classes of policy 001 §(三)1, in the order they are shown.
CLASSES_001: tuple[str, ...] = ("县政府驻地镇", "中心镇", "重点镇", "特色镇", "一般乡镇")
# The three classes of policy 002 (通渭县).
CLASSES_002: tuple[str, ...] = ("一类", "二类", "三类")
# The three main indicators of the "3+X" model (000 §二.3).
MAIN_INDICATORS: tuple[str, ...] = ("人口", "面积", "经济")
ADMIN_QUOTA = "行政编制"
INSTITUTION_QUOTA = "事业编制"

# Upper bound used when nothing caps a township: larger than any county total.
_NO_CAP = 10**9


class Method(StrEnum):
    """Apportionment methods. Values are the CLI spellings."""

    WEBSTER = "webster"
    HUNTINGTON_HILL = "huntington-hill"
    DHONDT = "dhondt"
    ADAMS = "adams"
    HAMILTON = "hamilton"

    @property
    def label(self) -> str:
        return METHOD_LABELS[self]

    @property
    def is_divisor(self) -> bool:
        return self is not Method.HAMILTON


METHOD_LABELS: dict[Method, str] = {
    Method.WEBSTER: "韦伯斯特法（圣拉古法，四舍五入）",
    Method.HUNTINGTON_HILL: "亨廷顿-希尔法（几何平均）",
    Method.DHONDT: "顿特法（向下取整）",
    Method.ADAMS: "亚当斯法（向上取整）",
    Method.HAMILTON: "汉密尔顿法（最大余数）",
}


class Bound(StrEnum):
    """Which bound fixed a township's allocation ("none" when the model did)."""

    NONE = "none"
    FLOOR = "floor"
    CAP = "cap"
    TOWNSHIP_MIN = "township-min"
    TOWNSHIP_MAX = "township-max"
    NO_DECREASE = "no-decrease"
    STEP = "step"

    @property
    def label(self) -> str:
        return BOUND_LABELS[self]


BOUND_LABELS: dict[Bound, str] = {
    Bound.NONE: "无",
    Bound.FLOOR: "类别下限（保底）",
    Bound.CAP: "类别上限",
    Bound.TOWNSHIP_MIN: "乡镇下限",
    Bound.TOWNSHIP_MAX: "乡镇上限",
    Bound.NO_DECREASE: "不减少",
    Bound.STEP: "调整幅度",
}


class AllocationError(ValueError):
    """Invalid input or infeasible bounds. `problems` holds one Chinese
    message per problem found (all of them, not only the first)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("；".join(self.problems))


@dataclass(frozen=True)
class Reserve:
    """机动编制: either a count or a percentage of the total (not both)."""

    count: int | None = None
    percent: Decimal | None = None

    @classmethod
    def parse(cls, text: str) -> Reserve:
        """Parse "12" or "5%" / "5％". Raises ValueError with a Chinese message."""
        raw = text.strip().replace("％", "%")
        try:
            if raw.endswith("%"):
                percent = Decimal(raw[:-1].strip())
                # Decimal takes "NaN%" and "Infinity%"; NaN then raised on the
                # first comparison (HTTP 500 from the plan form).
                if not percent.is_finite():
                    raise ValueError(raw)
                return cls(percent=percent)
            return cls(count=int(raw))
        except (ArithmeticError, ValueError):
            raise ValueError(f"机动编制“{text}”不是整数或百分比（如 10 或 5%）") from None

    def resolve(self, total: int) -> int:
        """The reserve as a count for total T; percentages round half up."""
        if self.percent is not None:
            exact = Decimal(total) * self.percent / Decimal(100)
            return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return self.count or 0

    def describe(self) -> str:
        if self.percent is not None:
            return f"{self.percent}%"
        return str(self.count or 0)


@dataclass(frozen=True)
class TownshipInput:
    """One township as the model sees it: identity, class and indicators."""

    code: str
    name: str
    township_class: str
    indicators: Mapping[str, float]


@dataclass(frozen=True)
class AllocationParams:
    """Everything that defines one quota type's allocation.

    `current`, `township_min` and `township_max` map township codes to counts;
    a township missing from `current` has no current quota (no "no decrease"
    or step bound applies to it, and its change is unknown).
    """

    total: int
    weights: Mapping[str, float]
    quota_type: str = ADMIN_QUOTA
    reserve: Reserve = field(default_factory=Reserve)
    method: Method = Method.WEBSTER
    floors: Mapping[str, int] = field(default_factory=dict)
    caps: Mapping[str, int] = field(default_factory=dict)
    coefficients: Mapping[str, float] = field(default_factory=dict)
    no_decrease: bool = False
    max_step: int | None = None
    current: Mapping[str, int] = field(default_factory=dict)
    township_min: Mapping[str, int] = field(default_factory=dict)
    township_max: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorContribution:
    """One indicator's part in a township's score."""

    indicator: str
    value: float
    share: float  # p_ik = x_ik / Σ_j x_jk
    weight: float  # w_k as given
    contribution: float  # w_k · p_ik / Σ_k w_k (before the class coefficient)


@dataclass(frozen=True)
class TownshipAllocation:
    """The result for one township, with everything needed to explain it."""

    code: str
    name: str
    township_class: str
    contributions: tuple[IndicatorContribution, ...]
    coefficient: float
    score: float
    quota: float  # exact quota q_i = D · s_i / Σ s
    lower: int
    upper: int | None  # None: uncapped
    lower_source: Bound
    upper_source: Bound
    allocation: int
    bound: Bound
    current: int | None
    change: int | None
    tied: bool


@dataclass(frozen=True)
class AllocationResult:
    """One quota type's allocation, with plan-level figures."""

    params: AllocationParams
    townships: tuple[TownshipAllocation, ...]
    total: int
    reserve: int
    distributable: int
    divisor: float | None  # None for Hamilton
    divisor_interval: tuple[float, float] | None  # valid divisors [low, high)
    ties: tuple[str, ...]  # codes of townships in an exact tie at the margin
    max_deviation: float  # max_i |a_i − q_i|
    disproportionality: float  # Gallagher least-squares index, in percentage points

    @property
    def method(self) -> Method:
        return self.params.method

    @property
    def quota_type(self) -> str:
        return self.params.quota_type

    def by_code(self) -> dict[str, TownshipAllocation]:
        return {t.code: t for t in self.townships}


@dataclass(frozen=True)
class PlanResult:
    """Several quota types (行政编制, 事业编制 ...) allocated over the same townships."""

    results: tuple[AllocationResult, ...]

    def for_type(self, quota_type: str) -> AllocationResult:
        for result in self.results:
            if result.quota_type == quota_type:
                return result
        raise KeyError(quota_type)


# ---------------------------------------------------------------------------
# Validation


def validate(townships: Sequence[TownshipInput], params: AllocationParams) -> list[str]:
    """Every problem with the input, as Chinese messages; empty when valid."""
    problems: list[str] = []
    label = params.quota_type
    codes = [t.code for t in townships]
    if not townships:
        problems.append(f"{label}：没有乡镇，无法测算")
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            problems.append(f"{label}：乡镇代码 {code} 重复")
        seen.add(code)
    classes = {t.township_class for t in townships}
    if params.total < 0:
        problems.append(f"{label}：编制总量 {params.total} 不能为负数")
    if params.max_step is not None and params.max_step < 0:
        problems.append(f"{label}：最大调整幅度 {params.max_step} 不能为负数")
    if params.reserve.count is not None and params.reserve.count < 0:
        problems.append(f"{label}：机动编制 {params.reserve.count} 不能为负数")
    if params.reserve.percent is not None and not 0 <= params.reserve.percent <= 100:
        problems.append(f"{label}：机动编制比例 {params.reserve.percent}% 应在 0% 到 100% 之间")
    elif params.total >= 0 and params.reserve.resolve(params.total) > params.total:
        problems.append(
            f"{label}：机动编制 {params.reserve.resolve(params.total)} 超过编制总量 {params.total}"
        )

    indicator_names = {name for t in townships for name in t.indicators}
    if not params.weights:
        problems.append(f"{label}：没有设置任何指标权重")
    for name, weight in params.weights.items():
        if name not in indicator_names:
            known = "、".join(sorted(indicator_names)) or "（无）"
            problems.append(f"{label}：权重中的指标“{name}”不存在（现有指标：{known}）")
        if not math.isfinite(weight) or weight < 0:
            problems.append(f"{label}：指标“{name}”的权重 {weight} 不能为负数")
    if params.weights and all(w == 0 for w in params.weights.values()):
        problems.append(f"{label}：至少一个指标的权重必须大于 0")

    for name in params.weights:
        if name not in indicator_names:
            continue
        column_sum = 0.0
        for t in townships:
            value = t.indicators.get(name)
            if value is None:
                problems.append(f"{label}：{t.name}（{t.code}）缺少指标“{name}”")
                continue
            if not math.isfinite(value) or value < 0:
                problems.append(f"{label}：{t.name}（{t.code}）的指标“{name}”为 {value:g}，不能为负数")
                continue
            column_sum += value
        if townships and column_sum == 0 and params.weights[name] > 0:
            problems.append(f"{label}：指标“{name}”所有乡镇之和为 0，无法计算占比")

    for option, mapping in (("下限", params.floors), ("上限", params.caps), ("系数", params.coefficients)):
        for cls, value in mapping.items():
            # A standard class absent from this county is harmless (one config
            # file can serve every county); any other unknown name is a typo.
            if cls not in classes and cls not in CLASSES_001 + CLASSES_002:
                known = "、".join(sorted(classes)) or "（无）"
                problems.append(f"{label}：{option}中的乡镇类别“{cls}”不存在（现有类别：{known}）")
            if value < 0 or not math.isfinite(value):
                problems.append(f"{label}：类别“{cls}”的{option} {value} 不能为负数")
    for option, per_township in (
        ("现有编制", params.current),
        ("乡镇下限", params.township_min),
        ("乡镇上限", params.township_max),
    ):
        for code, value in per_township.items():
            if code not in seen:
                problems.append(f"{label}：{option}中的乡镇代码 {code} 不在乡镇列表中")
            if value < 0:
                problems.append(f"{label}：乡镇 {code} 的{option} {value} 不能为负数")
    return problems


# ---------------------------------------------------------------------------
# Scores and bounds


@dataclass(frozen=True)
class Scores:
    """Scores s_i and their parts, in input order."""

    indicators: tuple[str, ...]
    weights: FloatArray  # (K,)
    values: FloatArray  # (n, K)
    shares: FloatArray  # (n, K)
    coefficients: FloatArray  # (n,)
    scores: FloatArray  # (n,)


def compute_scores(townships: Sequence[TownshipInput], params: AllocationParams) -> Scores:
    """Step 1 of the model. Assumes `validate` found no problem."""
    names = tuple(params.weights)
    weights = np.array([float(params.weights[k]) for k in names], dtype=np.float64)
    values = np.array(
        [[float(t.indicators[k]) for k in names] for t in townships], dtype=np.float64
    ).reshape(len(townships), len(names))
    sums = values.sum(axis=0)
    # A zero-weight indicator may sum to 0; its share is then 0, not NaN.
    safe = np.where(sums > 0, sums, 1.0)
    shares = values / safe
    coefficients = np.array(
        [float(params.coefficients.get(t.township_class, 1.0)) for t in townships],
        dtype=np.float64,
    )
    scores = coefficients * (shares @ weights) / weights.sum()
    return Scores(names, weights, values, shares, coefficients, scores)


@dataclass(frozen=True)
class Bounds:
    lower: IntArray
    upper: IntArray
    lower_source: tuple[Bound, ...]
    upper_source: tuple[Bound, ...]


def compute_bounds(townships: Sequence[TownshipInput], params: AllocationParams) -> Bounds:
    """Step 3 of the model: per-township lower and upper bounds and their sources.

    When several lower bounds are equal, the source reported is the first of
    floor, no-decrease, step, township minimum (and likewise cap, step,
    township maximum for the upper bound).
    """
    lower: list[int] = []
    upper: list[int] = []
    lower_src: list[Bound] = []
    upper_src: list[Bound] = []
    for t in townships:
        current = params.current.get(t.code)
        lows: list[tuple[int, Bound]] = [(0, Bound.NONE)]
        highs: list[tuple[int, Bound]] = [(_NO_CAP, Bound.NONE)]
        if t.township_class in params.floors:
            lows.append((int(params.floors[t.township_class]), Bound.FLOOR))
        if t.township_class in params.caps:
            highs.append((int(params.caps[t.township_class]), Bound.CAP))
        if current is not None and params.no_decrease:
            lows.append((current, Bound.NO_DECREASE))
        if current is not None and params.max_step is not None:
            lows.append((current - params.max_step, Bound.STEP))
            highs.append((current + params.max_step, Bound.STEP))
        if t.code in params.township_min:
            lows.append((params.township_min[t.code], Bound.TOWNSHIP_MIN))
        if t.code in params.township_max:
            highs.append((params.township_max[t.code], Bound.TOWNSHIP_MAX))
        low = max(v for v, _ in lows)
        high = min(v for v, _ in highs)
        lower.append(low)
        upper.append(high)
        lower_src.append(next(src for v, src in lows if v == low))
        upper_src.append(next(src for v, src in highs if v == high))
    return Bounds(
        np.array(lower, dtype=np.int64),
        np.array(upper, dtype=np.int64),
        tuple(lower_src),
        tuple(upper_src),
    )


def _describe_bound(t: TownshipInput, value: int, source: Bound) -> str:
    return f"{t.name} {value}（{source.label}）"


def check_feasible(
    townships: Sequence[TownshipInput], bounds: Bounds, distributable: int, label: str
) -> list[str]:
    """Problems that make the bounds impossible to meet, naming the bounds at fault."""
    problems: list[str] = []
    for i, t in enumerate(townships):
        if bounds.lower[i] > bounds.upper[i]:
            problems.append(
                f"{label}：{t.name}（{t.code}）的下限 {bounds.lower[i]}（{bounds.lower_source[i].label}）"
                f"大于上限 {bounds.upper[i]}（{bounds.upper_source[i].label}）"
            )
    if problems:
        return problems
    low_sum = int(bounds.lower.sum())
    if low_sum > distributable:
        parts = [
            _describe_bound(t, int(bounds.lower[i]), bounds.lower_source[i])
            for i, t in enumerate(townships)
            if bounds.lower[i] > 0
        ]
        problems.append(
            f"{label}：各乡镇下限之和 {low_sum} 超过可分配编制 {distributable}，无法满足。"
            f"下限来自：{'，'.join(parts)}"
        )
    high_sum = int(np.minimum(bounds.upper, _NO_CAP).sum())
    if bool((bounds.upper < _NO_CAP).all()) and high_sum < distributable:
        parts = [
            _describe_bound(t, int(bounds.upper[i]), bounds.upper_source[i])
            for i, t in enumerate(townships)
        ]
        problems.append(
            f"{label}：各乡镇上限之和 {high_sum} 小于可分配编制 {distributable}，无法分完。"
            f"上限来自：{'，'.join(parts)}"
        )
    return problems


# ---------------------------------------------------------------------------
# The model


def _code_order(codes: Sequence[str]) -> IntArray:
    """Rank of each code in sorted order: the second tie-break key."""
    order = np.empty(len(codes), dtype=np.int64)
    order[np.argsort(np.array(codes, dtype=object), kind="stable")] = np.arange(len(codes))
    return order


@dataclass(frozen=True)
class _Prepared:
    """One group checked and scored, ready for apportionment (steps 1–3)."""

    townships: Sequence[TownshipInput]
    params: AllocationParams
    reserve: int
    distributable: int
    bounds: Bounds
    scores: Scores
    order: IntArray
    exact: FloatArray
    score_sum: float


def _prepare(townships: Sequence[TownshipInput], params: AllocationParams) -> _Prepared:
    """Validate, resolve the reserve, compute bounds and scores; raises AllocationError."""
    problems = validate(townships, params)
    if problems:
        raise AllocationError(problems)
    reserve = params.reserve.resolve(params.total)
    distributable = params.total - reserve
    bounds = compute_bounds(townships, params)
    problems = check_feasible(townships, bounds, distributable, params.quota_type)
    if problems:
        raise AllocationError(problems)
    sc = compute_scores(townships, params)
    score_sum = float(sc.scores.sum())
    exact = distributable * sc.scores / score_sum if score_sum > 0 else np.zeros_like(sc.scores)
    return _Prepared(
        townships=townships,
        params=params,
        reserve=reserve,
        distributable=distributable,
        bounds=bounds,
        scores=sc,
        order=_code_order([t.code for t in townships]),
        exact=exact,
        score_sum=score_sum,
    )


def _hamilton_result(p: _Prepared) -> AllocationResult:
    ham = hamilton(p.scores.scores, p.bounds.lower, p.bounds.upper, p.distributable, order=p.order)
    return _build(p, ham.allocation, ham.tied, ham.unbounded, None, None)


def _divisor_result(
    p: _Prepared, alloc: IntArray, tied: npt.NDArray[np.bool_], divisor: float, interval: tuple[float, float]
) -> AllocationResult:
    s = p.scores.scores
    unbounded: FloatArray = (
        round_quotients(s / divisor, p.params.method.value).astype(np.float64)
        if divisor > 0
        else alloc.astype(np.float64)
    )
    return _build(p, alloc, tied, unbounded, divisor, interval)


def _build(
    p: _Prepared,
    alloc: IntArray,
    tied: npt.NDArray[np.bool_],
    unbounded: FloatArray,
    divisor: float | None,
    interval: tuple[float, float] | None,
) -> AllocationResult:
    """Step 5 and the explanation: the result of one group from its seats."""
    townships, params, bounds, sc = p.townships, p.params, p.bounds, p.scores
    s, exact = sc.scores, p.exact
    items: list[TownshipAllocation] = []
    for i, t in enumerate(townships):
        a = int(alloc[i])
        if a == bounds.lower[i] and unbounded[i] < bounds.lower[i] and bounds.lower_source[i] is not Bound.NONE:
            bound = bounds.lower_source[i]
        elif a == bounds.upper[i] and unbounded[i] > bounds.upper[i]:
            bound = bounds.upper_source[i]
        else:
            bound = Bound.NONE
        current = params.current.get(t.code)
        contributions = tuple(
            IndicatorContribution(
                indicator=name,
                value=float(sc.values[i, k]),
                share=float(sc.shares[i, k]),
                weight=float(sc.weights[k]),
                contribution=float(sc.weights[k] * sc.shares[i, k] / sc.weights.sum()),
            )
            for k, name in enumerate(sc.indicators)
        )
        items.append(
            TownshipAllocation(
                code=t.code,
                name=t.name,
                township_class=t.township_class,
                contributions=contributions,
                coefficient=float(sc.coefficients[i]),
                score=float(s[i]),
                quota=float(exact[i]),
                lower=int(bounds.lower[i]),
                upper=None if bounds.upper[i] >= _NO_CAP else int(bounds.upper[i]),
                lower_source=bounds.lower_source[i],
                upper_source=bounds.upper_source[i],
                allocation=a,
                bound=bound,
                current=current,
                change=None if current is None else a - current,
                tied=bool(tied[i]),
            )
        )
    deviation = float(np.abs(alloc - exact).max()) if len(alloc) else 0.0
    if p.distributable > 0 and p.score_sum > 0:
        gap = 100.0 * alloc / p.distributable - 100.0 * s / p.score_sum
        gallagher = float(math.sqrt(0.5 * float((gap**2).sum())))
    else:
        gallagher = 0.0
    return AllocationResult(
        params=params,
        townships=tuple(items),
        total=params.total,
        reserve=p.reserve,
        distributable=p.distributable,
        divisor=divisor,
        divisor_interval=interval,
        ties=tuple(t.code for t in items if t.tied),
        max_deviation=deviation,
        disproportionality=gallagher,
    )


def allocate(townships: Sequence[TownshipInput], params: AllocationParams) -> AllocationResult:
    """Allocate one quota type. Raises AllocationError listing every problem."""
    return allocate_groups([(townships, params)])[0]


def allocate_groups(
    groups: Sequence[tuple[Sequence[TownshipInput], AllocationParams]],
    *,
    labels: Sequence[str] | None = None,
) -> tuple[AllocationResult, ...]:
    """Allocate independent groups (e.g. the counties of a city, each with its
    own total, reserve and bounds) in one batched call of the apportionment
    kernel per divisor method (Hamilton, not batched, runs per group).

    Each result equals ``allocate`` on that group alone; scores and shares are
    computed within the group. Problems of every group are collected before
    raising AllocationError, each prefixed with the group's label (when
    ``labels`` is given, one per group) so the user knows which group is at fault.
    """
    if labels is not None and len(labels) != len(groups):
        raise ValueError("one label per group")
    problems: list[str] = []
    prepared: list[_Prepared] = []
    for index, (townships, params) in enumerate(groups):
        try:
            prepared.append(_prepare(townships, params))
        except AllocationError as exc:
            prefix = f"{labels[index]}·" if labels is not None else ""
            problems.extend(prefix + problem for problem in exc.problems)
    if problems:
        raise AllocationError(problems)

    results: dict[int, AllocationResult] = {}
    by_method: dict[Method, list[int]] = {}
    for index, p in enumerate(prepared):
        if p.params.method.is_divisor:
            by_method.setdefault(p.params.method, []).append(index)
        else:
            results[index] = _hamilton_result(p)
    for method, members in by_method.items():
        parts = [prepared[i] for i in members]
        sizes = [len(p.townships) for p in parts]
        batch = apportion(
            np.concatenate([p.scores.scores for p in parts]),
            np.concatenate([p.bounds.lower for p in parts]),
            np.concatenate([p.bounds.upper for p in parts]),
            np.array([p.distributable for p in parts], dtype=np.int64),
            method.value,
            groups=np.repeat(np.arange(len(parts), dtype=np.int64), sizes),
            # Ranks only break ties inside a group, so per-group ranks suffice.
            order=np.concatenate([p.order for p in parts]),
        )
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        for g, (index, p) in enumerate(zip(members, parts, strict=True)):
            window = slice(int(starts[g]), int(starts[g + 1]))
            results[index] = _divisor_result(
                p,
                batch.allocation[window],
                batch.tied[window],
                batch.divisor[g].item(),
                (float(batch.divisor_low[g]), float(batch.divisor_high[g])),
            )
    return tuple(results[i] for i in range(len(prepared)))


def allocate_plan(
    townships: Sequence[TownshipInput], params: Sequence[AllocationParams]
) -> PlanResult:
    """Allocate several quota types over the same townships.

    Problems of every quota type are collected before raising, so the user
    sees all of them at once.
    """
    names = [p.quota_type for p in params]
    problems = [f"编制类型“{n}”重复" for n in sorted(set(names)) if names.count(n) > 1]
    results: list[AllocationResult] = []
    for p in params:
        try:
            results.append(allocate(townships, p))
        except AllocationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AllocationError(problems)
    return PlanResult(tuple(results))


def compare_methods(
    townships: Sequence[TownshipInput], params: AllocationParams
) -> dict[Method, AllocationResult]:
    """The same allocation under every method, for side-by-side comparison."""
    return {m: allocate(townships, _replace_method(params, m)) for m in Method}


def _replace_method(params: AllocationParams, method: Method) -> AllocationParams:
    from dataclasses import replace

    return replace(params, method=method)
