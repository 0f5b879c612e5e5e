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

import gc
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import repeat
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from bianzhi.core.apportion import apportion, hamilton, round_quotients

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

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
    # A TownshipAllocations (arrays, built into objects on first read).
    townships: TownshipAllocations
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
# Input as columns
#
# The model works on arrays: one Python pass per attribute reads the
# townships, and everything after that is vectorised. The explanation of
# each township is kept as arrays too and turned into TownshipAllocation
# objects only when someone reads `AllocationResult.townships`.


class TownshipColumns(Sequence[TownshipInput]):
    """Townships, with what the model reads from them also held as columns.

    The columns are computed once, when the table is made (or, per
    indicator, on first use), so every allocation over the same table (each
    quota type, each method compared) reads arrays instead of objects.
    `allocate` accepts any sequence of TownshipInput and wraps it in one of
    these; readers that load a whole table (``bianzhi allocate``) make it
    once up front.
    """

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, townships: Iterable[TownshipInput]) -> None:
        items = tuple(townships)
        self._items = items
        self.codes: list[str] = [t.code for t in items]
        self.names: list[str] = [t.name for t in items]
        self.classes: list[str] = [t.township_class for t in items]
        position: dict[str, int] = {}
        for cls in self.classes:
            position.setdefault(cls, len(position))
        # Distinct classes in order of first appearance, and each township's.
        self.class_names: list[str] = list(position)
        self.class_index: IntArray = _frozen(
            np.array([position[c] for c in self.classes], dtype=np.int64)
        )
        self.code_set: frozenset[str] = frozenset(self.codes)
        self.codes_unique: bool = len(self.code_set) == len(items)
        self.order: IntArray = _frozen(_code_order(self.codes))
        self._indicators: dict[str, FloatArray] = {}

    def indicator(self, name: str) -> FloatArray:
        """One indicator for every township; NaN where a township lacks it
        or its value is not a number (`validate` then says which)."""
        column = self._indicators.get(name)
        if column is None:
            raw = [t.indicators.get(name, math.nan) for t in self._items]
            try:
                column = np.array(raw, dtype=np.float64)
            except (TypeError, ValueError):
                column = np.full(len(raw), math.nan)
            column = self._indicators[name] = _frozen(column.reshape(len(raw)))
        return column

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> TownshipInput: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[TownshipInput, ...]: ...

    def __getitem__(self, index: int | slice) -> TownshipInput | tuple[TownshipInput, ...]:
        return self._items[index]

    def __iter__(self) -> Iterator[TownshipInput]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TownshipColumns):
            return self._items == other._items
        if isinstance(other, tuple):
            return self._items == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"TownshipColumns({len(self)} townships)"


def _frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    array.flags.writeable = False  # shared by every allocation over the table
    return array


@dataclass(frozen=True)
class _Columns:
    """One group's townships and per-township options as arrays."""

    table: TownshipColumns
    names: tuple[str, ...]  # weighted indicators, in the order of params.weights
    values: FloatArray  # (n, K); NaN where a township lacks the indicator
    current: IntArray  # (n,) 0 where unknown
    has_current: BoolArray
    township_min: IntArray  # (n,) _NO_FLOOR where absent
    township_max: IntArray  # (n,) _NO_CAP where absent

    @property
    def codes(self) -> list[str]:
        return self.table.codes

    @property
    def class_names(self) -> list[str]:
        return self.table.class_names

    @property
    def class_index(self) -> IntArray:
        return self.table.class_index


_NO_FLOOR = -(10**12)


def _columns(townships: Sequence[TownshipInput], params: AllocationParams) -> _Columns:
    table = townships if isinstance(townships, TownshipColumns) else TownshipColumns(townships)
    n = len(table)
    names = tuple(params.weights)
    values = np.empty((n, len(names)), dtype=np.float64)
    for k, name in enumerate(names):
        values[:, k] = table.indicator(name)

    def per_code(mapping: Mapping[str, int], missing: int) -> tuple[IntArray, BoolArray]:
        if not mapping:
            return np.full(n, missing, dtype=np.int64), np.zeros(n, dtype=bool)
        raw = [mapping.get(c) for c in table.codes]
        present = np.array([v is not None for v in raw], dtype=bool)
        out = np.array([missing if v is None else int(v) for v in raw], dtype=np.int64)
        return out, present

    current, has_current = per_code(params.current, 0)
    township_min, _ = per_code(params.township_min, _NO_FLOOR)
    township_max, _ = per_code(params.township_max, _NO_CAP)
    return _Columns(
        table=table,
        names=names,
        values=values,
        current=current,
        has_current=has_current,
        township_min=township_min,
        township_max=township_max,
    )


def _surely_valid(cols: _Columns, params: AllocationParams) -> bool:
    """True only when `validate` would find no problem; False sends the input
    to `validate` for the messages. Vectorised, so that a valid national
    table costs a few milliseconds (tests check the two agree)."""
    if not len(cols.codes) or not cols.table.codes_unique or params.total < 0:
        return False
    if params.max_step is not None and params.max_step < 0:
        return False
    reserve = params.reserve
    if reserve.count is not None and reserve.count < 0:
        return False
    if reserve.percent is not None and not 0 <= reserve.percent <= 100:
        return False
    if reserve.resolve(params.total) > params.total:
        return False
    weights = list(params.weights.values())
    if not weights or not all(math.isfinite(w) and w >= 0 for w in weights):
        return False
    if all(w == 0 for w in weights):
        return False
    values = cols.values
    if values.size and not bool((np.isfinite(values) & (values >= 0)).all()):
        return False
    sums = values.sum(axis=0)
    if any(w > 0 and s == 0 for w, s in zip(weights, sums.tolist(), strict=True)):
        return False
    known = set(cols.class_names) | set(CLASSES_001) | set(CLASSES_002)
    for mapping in (params.floors, params.caps, params.coefficients):
        for cls, value in mapping.items():
            if cls not in known or not math.isfinite(value) or value < 0:
                return False
    codes = cols.table.code_set
    for per_township in (params.current, params.township_min, params.township_max):
        if per_township and (
            not codes.issuperset(per_township) or min(per_township.values()) < 0
        ):
            return False
    return True


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
    return _scores(_columns(townships, params), params)


def _scores(cols: _Columns, params: AllocationParams) -> Scores:
    weights = np.array([float(params.weights[k]) for k in cols.names], dtype=np.float64)
    values = cols.values
    sums = values.sum(axis=0)
    # A zero-weight indicator may sum to 0; its share is then 0, not NaN.
    safe = np.where(sums > 0, sums, 1.0)
    shares = values / safe
    per_class = np.array(
        [float(params.coefficients.get(c, 1.0)) for c in cols.class_names], dtype=np.float64
    )
    coefficients = per_class[cols.class_index]
    scores = coefficients * (shares @ weights) / weights.sum()
    return Scores(cols.names, weights, values, shares, coefficients, scores)


# Bound sources by number, for the arrays below.
_BOUND_LIST: tuple[Bound, ...] = tuple(Bound)
_BOUND_CODE: dict[Bound, int] = {b: i for i, b in enumerate(_BOUND_LIST)}


@dataclass(frozen=True)
class Bounds:
    lower: IntArray
    upper: IntArray
    lower_code: IntArray  # index into tuple(Bound)
    upper_code: IntArray

    @property
    def lower_source(self) -> tuple[Bound, ...]:
        return tuple(_BOUND_LIST[c] for c in self.lower_code.tolist())

    @property
    def upper_source(self) -> tuple[Bound, ...]:
        return tuple(_BOUND_LIST[c] for c in self.upper_code.tolist())


def compute_bounds(townships: Sequence[TownshipInput], params: AllocationParams) -> Bounds:
    """Step 3 of the model: per-township lower and upper bounds and their sources.

    When several lower bounds are equal, the source reported is the first of
    floor, no-decrease, step, township minimum (and likewise cap, step,
    township maximum for the upper bound).
    """
    return _bounds(_columns(townships, params), params)


def _bounds(cols: _Columns, params: AllocationParams) -> Bounds:
    n = len(cols.codes)
    absent_low = np.full(n, _NO_FLOOR, dtype=np.int64)
    absent_high = np.full(n, _NO_CAP, dtype=np.int64)

    def per_class(mapping: Mapping[str, int], missing: int) -> IntArray:
        table = np.array(
            [int(mapping[c]) if c in mapping else missing for c in cols.class_names],
            dtype=np.int64,
        )
        return table[cols.class_index] if n else np.zeros(0, dtype=np.int64)

    cur = cols.has_current
    step = params.max_step
    lows: list[tuple[IntArray, Bound]] = [
        (np.zeros(n, dtype=np.int64), Bound.NONE),
        (per_class(params.floors, _NO_FLOOR), Bound.FLOOR),
        (np.where(cur, cols.current, _NO_FLOOR) if params.no_decrease else absent_low, Bound.NO_DECREASE),
        (np.where(cur, cols.current - step, _NO_FLOOR) if step is not None else absent_low, Bound.STEP),
        (cols.township_min, Bound.TOWNSHIP_MIN),
    ]
    highs: list[tuple[IntArray, Bound]] = [
        (np.full(n, _NO_CAP, dtype=np.int64), Bound.NONE),
        (per_class(params.caps, _NO_CAP), Bound.CAP),
        (np.where(cur, cols.current + step, _NO_CAP) if step is not None else absent_high, Bound.STEP),
        (cols.township_max, Bound.TOWNSHIP_MAX),
    ]
    lower = np.max(np.stack([v for v, _ in lows]), axis=0) if n else np.zeros(0, np.int64)
    upper = np.min(np.stack([v for v, _ in highs]), axis=0) if n else np.zeros(0, np.int64)
    # The first source in the list that reaches the bound names it: assign
    # in reverse so that earlier sources overwrite later ones.
    lower_code = np.zeros(n, dtype=np.int64)
    for values, source in reversed(lows):
        lower_code[values == lower] = _BOUND_CODE[source]
    upper_code = np.zeros(n, dtype=np.int64)
    for values, source in reversed(highs):
        upper_code[values == upper] = _BOUND_CODE[source]
    return Bounds(lower, upper, lower_code, upper_code)


def _describe_bound(t: TownshipInput, value: int, source: Bound) -> str:
    return f"{t.name} {value}（{source.label}）"


def check_feasible(
    townships: Sequence[TownshipInput], bounds: Bounds, distributable: int, label: str
) -> list[str]:
    """Problems that make the bounds impossible to meet, naming the bounds at fault."""
    problems: list[str] = []
    crossed = np.flatnonzero(bounds.lower > bounds.upper)
    low_sum = int(bounds.lower.sum())
    all_capped = bool((bounds.upper < _NO_CAP).all())
    high_sum = int(np.minimum(bounds.upper, _NO_CAP).sum())
    if not len(crossed) and low_sum <= distributable and not (all_capped and high_sum < distributable):
        return problems  # the common case: no message to build
    lower_source, upper_source = bounds.lower_source, bounds.upper_source
    for i in crossed.tolist():
        t = townships[i]
        problems.append(
            f"{label}：{t.name}（{t.code}）的下限 {bounds.lower[i]}（{lower_source[i].label}）"
            f"大于上限 {bounds.upper[i]}（{upper_source[i].label}）"
        )
    if problems:
        return problems
    if low_sum > distributable:
        parts = [
            _describe_bound(t, int(bounds.lower[i]), lower_source[i])
            for i, t in enumerate(townships)
            if bounds.lower[i] > 0
        ]
        problems.append(
            f"{label}：各乡镇下限之和 {low_sum} 超过可分配编制 {distributable}，无法满足。"
            f"下限来自：{'，'.join(parts)}"
        )
    if all_capped and high_sum < distributable:
        parts = [
            _describe_bound(t, int(bounds.upper[i]), upper_source[i])
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
    n = len(codes)
    if all(a < b for a, b in zip(codes, codes[1:], strict=False)):
        return np.arange(n, dtype=np.int64)  # tables usually come sorted by code
    order = np.empty(n, dtype=np.int64)
    order[sorted(range(n), key=codes.__getitem__)] = np.arange(n)
    return order


@dataclass(frozen=True)
class _Prepared:
    """One group checked and scored, ready for apportionment (steps 1–3)."""

    townships: Sequence[TownshipInput]
    params: AllocationParams
    columns: _Columns
    reserve: int
    distributable: int
    bounds: Bounds
    scores: Scores
    order: IntArray
    exact: FloatArray
    score_sum: float


def _prepare(townships: Sequence[TownshipInput], params: AllocationParams) -> _Prepared:
    """Validate, resolve the reserve, compute bounds and scores; raises AllocationError."""
    cols = _columns(townships, params)
    if not _surely_valid(cols, params):
        problems = validate(townships, params)
        if problems:
            raise AllocationError(problems)
    reserve = params.reserve.resolve(params.total)
    distributable = params.total - reserve
    bounds = _bounds(cols, params)
    problems = check_feasible(townships, bounds, distributable, params.quota_type)
    if problems:
        raise AllocationError(problems)
    sc = _scores(cols, params)
    score_sum = float(sc.scores.sum())
    exact = distributable * sc.scores / score_sum if score_sum > 0 else np.zeros_like(sc.scores)
    return _Prepared(
        townships=townships,
        params=params,
        columns=cols,
        reserve=reserve,
        distributable=distributable,
        bounds=bounds,
        scores=sc,
        order=cols.table.order,
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


class TownshipAllocations(Sequence[TownshipAllocation]):
    """The per-township results of one allocation, held as arrays.

    A Sequence of TownshipAllocation built on first use (and kept): most
    callers read every township, but the model itself stays vectorised, so a
    national allocation with its full explanation costs milliseconds. The
    arrays are public for callers that want whole columns.
    """

    __hash__ = None  # type: ignore[assignment]  # mutable cache; compared by value

    def __init__(
        self,
        *,
        townships: TownshipColumns,
        scores: Scores,
        quota: FloatArray,
        bounds: Bounds,
        allocation: IntArray,
        bound: IntArray,
        current: IntArray,
        has_current: BoolArray,
        tied: BoolArray,
    ) -> None:
        self._townships = townships
        self.scores = scores
        self.quota = quota
        self.bounds = bounds
        self.allocation = allocation
        self.bound = bound  # codes into tuple(Bound)
        self.current = current
        self.has_current = has_current
        self.tied = tied
        self._items: tuple[TownshipAllocation, ...] | None = None

    @property
    def codes(self) -> list[str]:
        return self._townships.codes

    @property
    def names(self) -> list[str]:
        return self._townships.names

    def columns(self) -> dict[str, list[Any]]:
        """Every field of TownshipAllocation as one list per field (Python
        values, as the objects hold them); "contributions" is a list of
        tuples of IndicatorContribution fields per township. For writers that
        turn a national result into rows without building 41,352 objects."""
        sc, bounds = self.scores, self.bounds
        names = sc.indicators
        weights = sc.weights.tolist()
        # w_k · p_ik / Σ w, elementwise in the order the formula reads.
        parts = sc.weights * sc.shares / sc.weights.sum()
        n = len(self._townships)
        values_t, shares_t, parts_t = (a.T.tolist() for a in (sc.values, sc.shares, parts))
        bound_list = _BOUND_LIST
        current: list[int | None] = [
            c if known else None
            for c, known in zip(self.current.tolist(), self.has_current.tolist(), strict=True)
        ]
        allocation = self.allocation.tolist()
        return {
            "code": list(self._townships.codes),
            "name": list(self._townships.names),
            "township_class": list(self._townships.classes),
            # One zip per indicator, zipped together: the tuples are made in
            # C, not township by township in Python.
            "contributions": list(
                zip(
                    *(
                        zip(
                            repeat(name, n), values_t[k], shares_t[k],
                            repeat(weights[k], n), parts_t[k], strict=True,
                        )  # fmt: skip
                        for k, name in enumerate(names)
                    ),
                    strict=True,
                )
            )
            if names
            else [()] * n,
            "coefficient": sc.coefficients.tolist(),
            "score": sc.scores.tolist(),
            "quota": self.quota.tolist(),
            "lower": bounds.lower.tolist(),
            "upper": [None if h >= _NO_CAP else h for h in bounds.upper.tolist()],
            "lower_source": [bound_list[c] for c in bounds.lower_code.tolist()],
            "upper_source": [bound_list[c] for c in bounds.upper_code.tolist()],
            "allocation": allocation,
            "bound": [bound_list[c] for c in self.bound.tolist()],
            "current": current,
            "change": [None if c is None else a - c for a, c in zip(allocation, current, strict=True)],
            "tied": self.tied.tolist(),
        }

    def _materialise(self) -> tuple[TownshipAllocation, ...]:
        if self._items is not None:
            return self._items
        # Tens of thousands of small objects: the cyclic collector would run
        # dozens of times while they are made and find nothing to free.
        enabled = gc.isenabled()
        gc.disable()
        try:
            cols = self.columns()
            cols["contributions"] = [
                tuple([IndicatorContribution(*part) for part in row]) for row in cols["contributions"]
            ]
            # The keys of columns() are the fields in declaration order.
            self._items = tuple([TownshipAllocation(*row) for row in zip(*cols.values(), strict=True)])
        finally:
            if enabled:
                gc.enable()
        return self._items

    def __len__(self) -> int:
        return len(self.allocation)

    @overload
    def __getitem__(self, index: int) -> TownshipAllocation: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[TownshipAllocation, ...]: ...

    def __getitem__(self, index: int | slice) -> TownshipAllocation | tuple[TownshipAllocation, ...]:
        if self._items is None and isinstance(index, slice):
            # A page of a national result: build only the objects asked for.
            picked = range(len(self))[index]
            if len(picked) < len(self) // 2:
                return tuple(self[i] for i in picked)
        if self._items is None and isinstance(index, int):
            return self._one(index)
        return self._materialise()[index]

    def _one(self, index: int) -> TownshipAllocation:
        i = range(len(self))[index]  # IndexError as for a tuple
        sc, bounds, table = self.scores, self.bounds, self._townships
        wsum = sc.weights.sum()
        current = int(self.current[i]) if self.has_current[i] else None
        allocation = int(self.allocation[i])
        upper = int(bounds.upper[i])
        return TownshipAllocation(
            code=table.codes[i],
            name=table.names[i],
            township_class=table.classes[i],
            contributions=tuple(
                IndicatorContribution(
                    name,
                    float(sc.values[i, k]),
                    float(sc.shares[i, k]),
                    float(sc.weights[k]),
                    float(sc.weights[k] * sc.shares[i, k] / wsum),
                )
                for k, name in enumerate(sc.indicators)
            ),
            coefficient=float(sc.coefficients[i]),
            score=float(sc.scores[i]),
            quota=float(self.quota[i]),
            lower=int(bounds.lower[i]),
            upper=None if upper >= _NO_CAP else upper,
            lower_source=_BOUND_LIST[int(bounds.lower_code[i])],
            upper_source=_BOUND_LIST[int(bounds.upper_code[i])],
            allocation=allocation,
            bound=_BOUND_LIST[int(self.bound[i])],
            current=current,
            change=None if current is None else allocation - current,
            tied=bool(self.tied[i]),
        )

    def __iter__(self) -> Iterator[TownshipAllocation]:
        return iter(self._materialise())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TownshipAllocations):
            return self._materialise() == other._materialise()
        if isinstance(other, tuple):
            return self._materialise() == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"TownshipAllocations({len(self)} townships)"


def _build(
    p: _Prepared,
    alloc: IntArray,
    tied: npt.NDArray[np.bool_],
    unbounded: FloatArray,
    divisor: float | None,
    interval: tuple[float, float] | None,
) -> AllocationResult:
    """Step 5 and the explanation: the result of one group from its seats."""
    params, bounds, sc, cols = p.params, p.bounds, p.scores, p.columns
    s, exact = sc.scores, p.exact
    none = _BOUND_CODE[Bound.NONE]
    # A bound "fixed" the allocation when the township sits on it and the
    # unbounded rounding would have crossed it.
    at_lower = (alloc == bounds.lower) & (unbounded < bounds.lower) & (bounds.lower_code != none)
    at_upper = ~at_lower & (alloc == bounds.upper) & (unbounded > bounds.upper)
    bound = np.where(at_lower, bounds.lower_code, np.where(at_upper, bounds.upper_code, none))
    tied = np.asarray(tied, dtype=bool)
    deviation = float(np.abs(alloc - exact).max()) if len(alloc) else 0.0
    if p.distributable > 0 and p.score_sum > 0:
        gap = 100.0 * alloc / p.distributable - 100.0 * s / p.score_sum
        gallagher = float(math.sqrt(0.5 * float((gap**2).sum())))
    else:
        gallagher = 0.0
    codes = cols.codes
    return AllocationResult(
        params=params,
        townships=TownshipAllocations(
            townships=p.columns.table,
            scores=sc,
            quota=exact,
            bounds=bounds,
            allocation=np.asarray(alloc, dtype=np.int64),
            bound=bound,
            current=cols.current,
            has_current=cols.has_current,
            tied=tied,
        ),
        total=params.total,
        reserve=p.reserve,
        distributable=p.distributable,
        divisor=divisor,
        divisor_interval=interval,
        ties=tuple(codes[i] for i in np.flatnonzero(tied).tolist()),
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
        if len(parts) == 1:  # one county: no batch to assemble
            only = parts[0]
            batch = apportion(
                only.scores.scores,
                only.bounds.lower,
                only.bounds.upper,
                np.array([only.distributable], dtype=np.int64),
                method.value,
                order=only.order,
            )
        else:
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


# ---------------------------------------------------------------------------
# Explanation: why one township got its number, in steps a township officer
# can redo with a calculator. Read from a result (or its stored rows); the
# allocation itself is not recomputed.

ROUNDING_RULES: dict[Method, str] = {
    Method.WEBSTER: "四舍五入（小数部分不小于0.5进一，否则舍去）",
    Method.HUNTINGTON_HILL: "几何平均取整（商大于√(k×(k+1))取k+1，否则取k；k为商的整数部分）",
    Method.DHONDT: "去尾（只取整数部分）",
    Method.ADAMS: "进一（有小数即进一）",
    Method.HAMILTON: "先取整数部分，剩余编制按余数从大到小逐个补1名",
}


@dataclass(frozen=True)
class HeldTownships:
    """The other townships held at one kind of bound and the seats they took."""

    bound: Bound
    names: tuple[str, ...]
    seats: int
    quota: float  # Σ of their 理论编制数: what their scores alone would give them


@dataclass(frozen=True)
class SeatExplanation:
    """One township's allocation, step by step.

    Divisor methods: the townships held at a floor or cap keep it; the other
    `free_count` townships share `free_seats` = D − the held seats, each
    getting round(s_i / d) with the one divisor d that makes them add up.
    Hamilton: the free townships share `free_seats` in proportion to their
    scores (q_i = free_seats · s_i / Σ_free s), whole parts first, the rest
    by largest remainder.
    """

    name: str
    method: Method
    area: str  # 全县 / 全市: what the score sum covers
    distributable: int
    score: float
    score_sum: float
    quota: float  # 理论编制数 D · s_i / Σ s
    held: tuple[HeldTownships, ...]  # other townships at a bound
    free_count: int  # townships not at a bound (this one included when free)
    free_seats: int
    free_score: float
    divisor: float | None  # d (divisor methods)
    quotient: float  # s_i / d, or Hamilton's free_seats · s_i / Σ_free s
    rounded: int  # the quotient rounded by the method
    remainder_rank: int | None  # Hamilton: rank of the township's remainder
    remainder_seats: int | None  # Hamilton: seats handed out by remainder
    allocation: int
    bound: Bound
    lower: int
    upper: int | None
    tied: bool

    @property
    def is_held(self) -> bool:
        return self.bound is not Bound.NONE

    def sentences(self, *, named: bool = True) -> tuple[str, ...]:
        """The explanation in Chinese, one sentence per step. `named=False`
        leaves out the other townships' names (a township's own page shows
        no other township), keeping every number needed to redo it."""
        d_total = self.distributable
        out = [
            f"理论编制数 = 可分配编制 {d_total} × 本乡镇得分 {self.score:.6f} ÷ {self.area}得分合计 "
            f"{self.score_sum:.6f} = {self.quota:.4f}。"
        ]
        if self.held:
            parts = []
            for group in self.held:
                shown = "、".join(group.names[:6]) + ("等" if len(group.names) > 6 else "")
                extra = group.seats - group.quota
                who = f"{shown}（{len(group.names)}个乡镇）" if named else f"其他{len(group.names)}个乡镇"
                parts.append(
                    f"{who}受“{group.bound.label}”约束，共取 {group.seats} 名"
                    f"（按得分应得 {group.quota:.2f} 名，{'多' if extra >= 0 else '少'}{abs(extra):.2f} 名）"
                )
            out.append("；".join(parts) + "。")
        else:
            out.append("其他乡镇都没有受下限或上限约束。")
        others = "（不含本乡镇）" if self.is_held else "（含本乡镇）"
        out.append(
            f"可分配编制 {d_total} 减去受约束乡镇所取编制，其余 {self.free_count} 个乡镇{others}"
            f"共分 {self.free_seats} 名，这些乡镇得分合计 {self.free_score:.6f}。"
        )
        rule = ROUNDING_RULES[self.method]
        if self.method.is_divisor:
            plain = self.score_sum / d_total if d_total else 0.0
            out.append(
                f"取整方法：{self.method.label}。除数 d = {_digits(self.divisor)}：各乡镇得分除以 d 得到商，"
                f"按{rule}取整后合计正好 {self.free_seats} 名（不受约束时除数为 {plain:.6g}）。"
            )
            out.append(
                f"本乡镇的商 q = {self.score:.6f} ÷ {_digits(self.divisor)} = {self.quotient:.4f}，"
                f"取整得 {self.rounded}。"
            )
        else:
            whole = math.floor(self.quotient + 1e-9)
            out.append(
                f"取整方法：{self.method.label}。本乡镇的份额 q = {self.free_seats} × {self.score:.6f} ÷ "
                f"{self.free_score:.6f} = {self.quotient:.4f}，整数部分 {whole}。"
            )
            if self.remainder_seats == 0:
                out.append(f"各乡镇整数部分合计正好 {self.free_seats} 名，不再按余数补足，得 {self.rounded}。")
            elif self.remainder_rank is not None and self.remainder_seats is not None:
                got = self.rounded > whole
                out.append(
                    f"整数部分合计后剩余 {self.remainder_seats} 名按余数从大到小逐个补1名："
                    f"本乡镇余数 {self.quotient - whole:.4f} 排第 {self.remainder_rank} 位，"
                    f"{'补1名' if got else '未补'}，得 {self.rounded}。"
                )
        if self.is_held:
            value = self.lower if self.rounded < self.allocation else self.upper
            side = "低于" if self.rounded < self.allocation else "高于"
            out.append(
                f"{self.rounded} {side}本乡镇的{self.bound.label} {value}，故测算编制为 {self.allocation}。"
            )
        else:
            out.append(f"测算编制为 {self.allocation}。")
        if self.tied:
            out.append("本乡镇处于得分并列的边际：按规则得分高者优先，再按代码顺序决定。")
        return tuple(out)


def _digits(value: float | None) -> str:
    """A divisor with every digit it has (the kernel picks the roundest one)."""
    return "—" if value is None else f"{value:.10g}"


def explain_seats(
    *,
    names: Sequence[str],
    scores: Sequence[float],
    quotas: Sequence[float],
    allocations: Sequence[int],
    bounds: Sequence[str],
    index: int,
    method: Method | str,
    distributable: int,
    divisor: float | None,
    lower: int,
    upper: int | None,
    tied: bool = False,
    area: str = "全县",
) -> SeatExplanation:
    """Explain township `index` of one group from its rows (as a result or a
    stored result document holds them, in code order)."""
    method = Method(method)
    s = np.asarray(scores, dtype=np.float64)
    quota = np.asarray(quotas, dtype=np.float64)
    alloc = np.asarray(allocations, dtype=np.int64)
    bound_of = [Bound(b) for b in bounds]
    held = np.array([b is not Bound.NONE for b in bound_of], dtype=bool)
    groups: list[HeldTownships] = []
    for kind in Bound:
        members = [j for j, b in enumerate(bound_of) if b is kind and j != index and kind is not Bound.NONE]
        if members:
            groups.append(
                HeldTownships(
                    bound=kind,
                    names=tuple(names[j] for j in members),
                    seats=int(alloc[members].sum()),
                    quota=float(quota[members].sum()),
                )
            )
    free = ~held
    free_seats = int(distributable - alloc[held].sum())
    free_score = float(s[free].sum())
    rank: int | None = None
    by_remainder: int | None = None
    if method.is_divisor:
        quotient = float(s[index] / divisor) if divisor else 0.0
        rounded = int(round_quotients(np.array([quotient]), method.value)[0])
    else:
        share = free_seats / free_score if free_score > 0 else 0.0
        q = s * share
        quotient = float(q[index])
        whole = np.floor(q + 1e-9)
        rounded = int(whole[index])
        if free[index]:
            by_remainder = int(free_seats - whole[free].sum())
            remainder = q - whole
            # Largest remainder first; ties: higher score, then code order (the rows' order).
            ordered = sorted(np.flatnonzero(free).tolist(), key=lambda j: (-remainder[j], -s[j], j))
            rank = ordered.index(index) + 1
            rounded += 1 if rank <= by_remainder else 0
    return SeatExplanation(
        name=names[index],
        method=method,
        area=area,
        distributable=distributable,
        score=float(s[index]),
        score_sum=float(s.sum()),
        quota=float(quota[index]),
        held=tuple(groups),
        free_count=int(free.sum()),
        free_seats=free_seats,
        free_score=free_score,
        divisor=divisor if method.is_divisor else None,
        quotient=quotient,
        rounded=rounded,
        remainder_rank=rank,
        remainder_seats=by_remainder,
        allocation=int(alloc[index]),
        bound=bound_of[index],
        lower=lower,
        upper=upper,
        tied=tied,
    )


def explain(result: AllocationResult, code: str, *, area: str = "全县") -> SeatExplanation:
    """Why township `code` got its number in `result` (KeyError if absent)."""
    rows = result.townships
    try:
        index = rows.codes.index(code)
    except ValueError:
        raise KeyError(code) from None
    upper = int(rows.bounds.upper[index])
    return explain_seats(
        names=rows.names,
        scores=rows.scores.scores.tolist(),
        quotas=rows.quota.tolist(),
        allocations=rows.allocation.tolist(),
        bounds=[_BOUND_LIST[c].value for c in rows.bound.tolist()],
        index=index,
        method=result.method,
        distributable=result.distributable,
        divisor=result.divisor,
        lower=int(rows.bounds.lower[index]),
        upper=None if upper >= _NO_CAP else upper,
        tied=bool(rows.tied[index]),
        area=area,
    )
