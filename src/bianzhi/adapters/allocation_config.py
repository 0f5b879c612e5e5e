"""The settings of an allocation plan (测算方案): from a TOML file, from
command-line options, and resolved against a county table.

A plan's settings come in layers, each a `PlanSettings`: a configuration
file, then the command-line options, later layers overriding earlier ones
key by key (a `--floor 一般乡镇=16` changes that class's floor and keeps the
other floors of the file). `resolve_plan` checks the merged settings against
the table (class and indicator names, empty cells in weighted columns) and
builds the core's `AllocationParams`.

Configuration file keys (all optional; Chinese names inside tables must be
quoted in TOML, e.g. `weights = {"人口" = 0.4}`):

    title, quota_type, total, reserve (8 or "5%"), method, weights, floors,
    caps, coefficients, no_decrease, max_step

Every problem found is reported, each naming the file and key or the option.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from bianzhi.adapters.problems import InputError, InputProblem, closest
from bianzhi.adapters.xlsx_county_table import CURRENT, MAXIMUM, MINIMUM, CountyTable, parse_number
from bianzhi.core.allocation import (
    ADMIN_QUOTA,
    MAIN_INDICATORS,
    AllocationParams,
    Bound,
    Method,
    Reserve,
    compute_bounds,
)

CLI_ORIGIN = "命令行选项"

# Used when no layer sets any weight: the three main indicators count equally.
DEFAULT_WEIGHTS: Mapping[str, float] = {name: 1.0 for name in MAIN_INDICATORS}

# Configuration key -> command-line option, in the order they are documented.
OPTION_OF: Mapping[str, str] = {
    "title": "--title",
    "quota_type": "--quota-type",
    "total": "--total",
    "reserve": "--reserve",
    "method": "--method",
    "weights": "--weight",
    "floors": "--floor",
    "caps": "--cap",
    "coefficients": "--coef",
    "no_decrease": "--no-decrease",
    "max_step": "--max-step",
}
CONFIG_KEYS: tuple[str, ...] = tuple(OPTION_OF)

# Spellings users write for the methods, beyond the CLI values.
_METHOD_ALIASES: Mapping[str, Method] = {
    "sainte-lague": Method.WEBSTER,
    "saint-lague": Method.WEBSTER,
    "韦伯斯特": Method.WEBSTER,
    "韦伯斯特法": Method.WEBSTER,
    "圣拉古": Method.WEBSTER,
    "圣拉古法": Method.WEBSTER,
    "huntington_hill": Method.HUNTINGTON_HILL,
    "hill": Method.HUNTINGTON_HILL,
    "亨廷顿-希尔": Method.HUNTINGTON_HILL,
    "亨廷顿-希尔法": Method.HUNTINGTON_HILL,
    "d'hondt": Method.DHONDT,
    "d-hondt": Method.DHONDT,
    "jefferson": Method.DHONDT,
    "顿特": Method.DHONDT,
    "顿特法": Method.DHONDT,
    "亚当斯": Method.ADAMS,
    "亚当斯法": Method.ADAMS,
    "largest-remainder": Method.HAMILTON,
    "汉密尔顿": Method.HAMILTON,
    "汉密尔顿法": Method.HAMILTON,
    "最大余数": Method.HAMILTON,
    "最大余数法": Method.HAMILTON,
}

_ASSIGNMENT_EXAMPLES: Mapping[str, str] = {
    "weights": "指标=权重，如 人口=0.4",
    "floors": "类别=编制数，如 一般乡镇=15",
    "caps": "类别=编制数，如 县政府驻地镇=40",
    "coefficients": "类别=系数，如 中心镇=1.1",
}


class SettingsError(InputError):
    """Settings that cannot be used. `partial` holds the settings that could
    be read, so that they can still be checked against the table."""

    def __init__(self, problems: Sequence[InputProblem], partial: PlanSettings) -> None:
        super().__init__(problems)
        self.partial = partial


@dataclass(frozen=True)
class PlanSettings:
    """One layer of settings; None or empty where the layer says nothing.

    `origin` is the configuration file name or "命令行选项"; `invalid` names
    the keys that were given but could not be read (already reported, so a
    missing value there is not reported again).
    """

    origin: str = CLI_ORIGIN
    from_config: bool = False
    title: str | None = None
    quota_type: str | None = None
    total: int | None = None
    reserve: Reserve | None = None
    method: Method | None = None
    weights: Mapping[str, float] = field(default_factory=dict)
    floors: Mapping[str, int] = field(default_factory=dict)
    caps: Mapping[str, int] = field(default_factory=dict)
    coefficients: Mapping[str, float] = field(default_factory=dict)
    no_decrease: bool | None = None
    max_step: int | None = None
    invalid: frozenset[str] = frozenset()

    def where(self, key: str, name: str | None = None) -> str:
        """How the user refers to `key` (and an entry `name` of a table) here."""
        if not self.from_config:
            return OPTION_OF[key]
        return f"{key}.{name}" if name is not None else key

    def problem(self, key: str, message: str, name: str | None = None) -> InputProblem:
        return InputProblem(self.origin, None, self.where(key, name), message)


def merge(layers: Sequence[PlanSettings]) -> PlanSettings:
    """Later layers override earlier ones: scalars when set, tables per entry."""
    merged = PlanSettings()
    for layer in layers:
        merged = PlanSettings(
            origin=layer.origin,
            from_config=layer.from_config,
            title=_pick(layer.title, merged.title),
            quota_type=_pick(layer.quota_type, merged.quota_type),
            total=_pick(layer.total, merged.total),
            reserve=_pick(layer.reserve, merged.reserve),
            method=_pick(layer.method, merged.method),
            weights={**merged.weights, **layer.weights},
            floors={**merged.floors, **layer.floors},
            caps={**merged.caps, **layer.caps},
            coefficients={**merged.coefficients, **layer.coefficients},
            no_decrease=_pick(layer.no_decrease, merged.no_decrease),
            max_step=_pick(layer.max_step, merged.max_step),
            invalid=merged.invalid | layer.invalid,
        )
    return merged


T = TypeVar("T")
V = TypeVar("V")


def _pick(value: T | None, fallback: T | None) -> T | None:
    return value if value is not None else fallback


# ---------------------------------------------------------------------------
# Values, shared by the file and the options


class _Invalid(ValueError):
    """A value that cannot be used; the message is the Chinese reason."""


def _count(value: object, what: str) -> int:
    number = parse_number(value)
    if number is None or not number.is_integer() or number < 0:
        raise _Invalid(f"{what}应为非负整数，现为“{_show(value)}”")
    return int(number)


def _nonnegative(value: object, what: str) -> float:
    text = _show(value).strip()
    # Weights may be written as percentages; only their proportions matter.
    number = parse_number(text.rstrip("%％")) if isinstance(value, str) else parse_number(value)
    if number is None or number < 0:
        raise _Invalid(f"{what}应为非负数，现为“{_show(value)}”")
    return number


def _reserve(value: object) -> Reserve:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _Invalid(f'机动编制应为整数或百分比（如 8 或 "5%"），现为“{_show(value)}”')
    try:
        reserve = Reserve.parse(str(value))
    except ValueError as exc:
        raise _Invalid(str(exc)) from None
    if reserve.count is not None and reserve.count < 0:
        raise _Invalid(f"机动编制 {reserve.count} 不能为负数")
    if reserve.percent is not None and not Decimal(0) <= reserve.percent <= Decimal(100):
        raise _Invalid(f"机动编制比例 {reserve.percent}% 应在 0% 到 100% 之间")
    return reserve


def parse_method(value: object) -> Method:
    """A method from its CLI value or a common name (圣拉古法, d'hondt …)."""
    text = _show(value).strip().lower().replace("’", "'")
    try:
        return Method(text)
    except ValueError:
        pass
    if text in _METHOD_ALIASES:
        return _METHOD_ALIASES[text]
    names = [m.value for m in Method]
    message = f"分配方法“{_show(value)}”不存在，可选：" + "；".join(
        f"{m.value} {m.label}" for m in Method
    )
    guess = closest(text, names)
    if guess is not None:
        message += f"；是否指“{guess}”？"
    raise _Invalid(message)


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"{what}应为非空文字，现为“{_show(value)}”")
    return value.strip()


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# The reading of each key: (parser of a scalar, or of one table entry).
_SCALARS: Mapping[str, Callable[[object], object]] = {
    "title": lambda v: _text(v, "标题"),
    "quota_type": lambda v: _text(v, "编制类型"),
    "total": lambda v: _count(v, "编制总量"),
    "reserve": _reserve,
    "method": parse_method,
    "max_step": lambda v: _count(v, "最大调整幅度"),
}
_TABLES: Mapping[str, Callable[[object], object]] = {
    "weights": lambda v: _nonnegative(v, "权重"),
    "floors": lambda v: _count(v, "类别下限"),
    "caps": lambda v: _count(v, "类别上限"),
    "coefficients": lambda v: _nonnegative(v, "类别系数"),
}


class _Builder:
    """Collects the values and problems of one layer."""

    def __init__(self, origin: str, from_config: bool) -> None:
        self.settings = PlanSettings(origin=origin, from_config=from_config)
        self.values: dict[str, object] = {}
        self.tables: dict[str, dict[str, object]] = {key: {} for key in _TABLES}
        self.invalid: set[str] = set()
        self.problems: list[InputProblem] = []

    def scalar(self, key: str, raw: object) -> None:
        try:
            self.values[key] = _SCALARS[key](raw)
        except _Invalid as exc:
            self.fail(key, str(exc))

    def entry(self, key: str, name: str, raw: object) -> None:
        name = name.strip()
        if not name:
            self.fail(key, f"名称不能为空（应为 {_ASSIGNMENT_EXAMPLES[key]}）")
            return
        if name in self.tables[key]:
            self.fail(key, f"“{name}”重复设置", name)
            return
        try:
            self.tables[key][name] = _TABLES[key](raw)
        except _Invalid as exc:
            self.fail(key, f"“{name}”的{exc}", name)

    def fail(self, key: str, message: str, name: str | None = None) -> None:
        self.invalid.add(key)
        self.problems.append(self.settings.problem(key, message, name))

    def build(self) -> PlanSettings:
        settings = replace(
            self.settings,
            invalid=frozenset(self.invalid),
            **self.values,  # type: ignore[arg-type]
            **{key: dict(entries) for key, entries in self.tables.items()},  # type: ignore[arg-type]
        )
        if self.problems:
            raise SettingsError(self.problems, settings)
        return settings


# ---------------------------------------------------------------------------
# Configuration file


def load_config(path: str | os.PathLike[str]) -> PlanSettings:
    """Read a TOML configuration file. Raises SettingsError listing every problem."""
    path = Path(path)
    file = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SettingsError(
            [InputProblem(file, None, None, f"找不到配置文件 {path}")],
            PlanSettings(origin=file, from_config=True),
        ) from None
    except OSError as exc:
        raise SettingsError(
            [InputProblem(file, None, None, f"无法读取配置文件（{exc.strerror}）")],
            PlanSettings(origin=file, from_config=True),
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Notepad on Chinese Windows saves "ANSI", that is GBK.
        text = data.decode("gb18030", errors="replace")
    return parse_config(text, file)


def parse_config(text: str, file: str) -> PlanSettings:
    """Parse the text of a TOML configuration file named `file`."""
    builder = _Builder(file, from_config=True)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        builder.problems.append(
            InputProblem(
                file,
                int(found.group(1)) if found else None,
                None,
                f'TOML 格式错误（{exc}）；中文键名须加引号，如 weights = {{"人口" = 0.4}}',
            )
        )
        # Nothing was read: do not also report the total as missing.
        builder.invalid.update(CONFIG_KEYS)
        return builder.build()
    for key, value in document.items():
        if key in _SCALARS:
            builder.scalar(key, value)
        elif key == "no_decrease":
            if isinstance(value, bool):
                builder.values[key] = value
            else:
                builder.fail(key, f"应为 true 或 false，现为“{_show(value)}”")
        elif key in _TABLES:
            if not isinstance(value, dict):
                builder.fail(key, f"应为表，如 {key} = {{{_toml_example(key)}}}")
                continue
            for name, raw in value.items():
                builder.entry(key, name, raw)
        else:
            message = f"未知的设置“{key}”（可用：{'、'.join(CONFIG_KEYS)}）"
            guess = closest(key, CONFIG_KEYS)
            if guess is not None:
                message += f"；是否指“{guess}”？"
                builder.invalid.add(guess)  # "totla": report the typo, not a missing total
            builder.problems.append(InputProblem(file, None, key, message))
    return builder.build()


def _toml_example(key: str) -> str:
    name, value = _ASSIGNMENT_EXAMPLES[key].split("如 ")[1].split("=")
    return f'"{name}" = {value}'


# ---------------------------------------------------------------------------
# Command-line options


def settings_from_options(
    *,
    title: str | None = None,
    quota_type: str | None = None,
    total: str | None = None,
    reserve: str | None = None,
    method: str | None = None,
    weights: Iterable[str] = (),
    floors: Iterable[str] = (),
    caps: Iterable[str] = (),
    coefficients: Iterable[str] = (),
    no_decrease: bool | None = None,
    max_step: str | None = None,
) -> PlanSettings:
    """Settings from the raw option strings ("人口=0.4", "5%" …).

    Raises SettingsError listing every malformed option.
    """
    builder = _Builder(CLI_ORIGIN, from_config=False)
    for key, raw in (
        ("title", title),
        ("quota_type", quota_type),
        ("total", total),
        ("reserve", reserve),
        ("method", method),
        ("max_step", max_step),
    ):
        if raw is not None:
            builder.scalar(key, raw)
    if no_decrease is not None:
        builder.values["no_decrease"] = no_decrease
    for key, assignments in (
        ("weights", weights),
        ("floors", floors),
        ("caps", caps),
        ("coefficients", coefficients),
    ):
        for assignment in assignments:
            name, sep, value = assignment.replace("＝", "=").partition("=")
            if not sep or not name.strip() or not value.strip():
                builder.fail(key, f"“{assignment}”格式不对，应为 {_ASSIGNMENT_EXAMPLES[key]}")
                continue
            builder.entry(key, name, value.strip())
    return builder.build()


# ---------------------------------------------------------------------------
# Resolving against the table


@dataclass(frozen=True)
class Plan:
    """Settings resolved against a table: the core parameters and a title."""

    params: AllocationParams
    title: str


def resolve_plan(table: CountyTable, layers: Sequence[PlanSettings], *, default_title: str) -> Plan:
    """Merge `layers` (later wins) and check them against `table`.

    Names are matched to the table's spelling, ignoring whitespace and
    half/full-width differences ("村(社区)数" is "村（社区）数"). Without any
    weight, DEFAULT_WEIGHTS apply. Raises InputError listing every unknown
    class or indicator, every empty cell in a weighted column, and a missing
    total.
    """
    problems: list[InputProblem] = []
    # The reader already reports a missing main column; do not report its
    # weight as unknown too.
    indicators = tuple(dict.fromkeys([*table.indicators, *MAIN_INDICATORS]))
    matched: list[PlanSettings] = []
    for layer in layers:
        weights = _match_names(layer, "weights", layer.weights, indicators, table, problems)
        floors, caps, coefficients = layer.floors, layer.caps, layer.coefficients
        if table.classes:  # else the class column is missing, already reported
            classes = table.classes
            floors = _match_names(layer, "floors", floors, classes, table, problems)
            caps = _match_names(layer, "caps", caps, classes, table, problems)
            coefficients = _match_names(
                layer, "coefficients", coefficients, classes, table, problems
            )
        matched.append(
            replace(layer, weights=weights, floors=floors, caps=caps, coefficients=coefficients)
        )
    settings = merge(matched)

    if settings.total is None and "total" not in settings.invalid:
        problems.append(
            InputProblem(
                CLI_ORIGIN,
                None,
                "--total",
                "缺少编制总量：请用 --total 指定，或在配置文件中设置 total",
            )
        )
    if CURRENT not in table.letters:
        # Both bounds are relative to the current quota: without the column
        # they would silently do nothing.
        for key, asked in (("no_decrease", settings.no_decrease), ("max_step", settings.max_step)):
            source = next((la for la in reversed(layers) if getattr(la, key) is not None), None)
            if asked is not None and asked is not False and source is not None:
                problems.append(
                    source.problem(key, f"需要“现有编制”列，但 {table.file} 中没有该列")
                )
    weights = dict(settings.weights) if settings.weights else dict(DEFAULT_WEIGHTS)
    problems.extend(table.missing_values(weights))
    if problems or settings.total is None:
        raise InputError(problems)
    params = AllocationParams(
        total=settings.total,
        weights=weights,
        quota_type=settings.quota_type or ADMIN_QUOTA,
        reserve=settings.reserve or Reserve(),
        method=settings.method or Method.WEBSTER,
        floors=dict(settings.floors),
        caps=dict(settings.caps),
        coefficients=dict(settings.coefficients),
        no_decrease=bool(settings.no_decrease),
        max_step=settings.max_step,
        current=dict(table.current),
        township_min=dict(table.township_min),
        township_max=dict(table.township_max),
    )
    problems = township_bound_problems(table, params)
    if problems:
        raise InputError(problems)
    return Plan(params, settings.title or default_title)


# The table column behind each per-township bound, for locating a conflict.
_BOUND_COLUMNS: Mapping[Bound, str] = {
    Bound.TOWNSHIP_MIN: MINIMUM,
    Bound.TOWNSHIP_MAX: MAXIMUM,
    Bound.NO_DECREASE: CURRENT,
    Bound.STEP: CURRENT,
}


def township_bound_problems(table: CountyTable, params: AllocationParams) -> list[InputProblem]:
    """Townships whose lower bound exceeds their upper bound, at their row.

    The core reports the same conflict without a row; finding it here lets
    the message point at the cell to change (下限, 上限 or 现有编制)."""
    bounds = compute_bounds(table.townships, params)
    problems: list[InputProblem] = []
    for i, t in enumerate(table.townships):
        if bounds.lower[i] <= bounds.upper[i]:
            continue
        low, high = bounds.lower_source[i], bounds.upper_source[i]
        column = _BOUND_COLUMNS.get(high) or _BOUND_COLUMNS.get(low)
        problems.append(
            InputProblem(
                table.file,
                table.rows.get(t.code),
                column,
                f"{t.name}（{t.code}）的下限 {bounds.lower[i]}（{low.label}）"
                f"大于上限 {bounds.upper[i]}（{high.label}），无法同时满足",
                table.letters.get(column) if column else None,
            )
        )
    return problems


def _normal(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def _match_names(
    layer: PlanSettings,
    key: str,
    entries: Mapping[str, V],
    known: Sequence[str],
    table: CountyTable,
    problems: list[InputProblem],
) -> dict[str, V]:
    """`entries` (the table `key` of `layer`) with names spelt as in `known`;
    unknown names are reported and dropped."""
    by_normal: dict[str, list[str]] = {}
    for name in known:
        by_normal.setdefault(_normal(name), []).append(name)
    result: dict[str, V] = {}
    for name, value in entries.items():
        if name in known:
            result[name] = value
            continue
        candidates = by_normal.get(_normal(name), [])
        if len(candidates) == 1:
            result[candidates[0]] = value
            continue
        if key == "weights" and name in table.notes:
            letter = table.letters.get(name, "")
            message = (
                f"{table.file} 的 {letter} 列“{name}”不能作为指标"
                "（序号、备注、说明列和大多不是数字的列不参与测算）"
            )
            problems.append(layer.problem(key, message, name))
            continue
        if key == "weights":
            what, column = f"指标“{name}”", "表头"
        else:
            what, column = f"乡镇类别“{name}”", "“类别”列"
        message = f"{what}不在 {table.file} 的{column}中（表中有：{'、'.join(known)}）"
        guess = closest(name, known)
        if guess is not None:
            message += f"；是否指“{guess}”？"
        problems.append(layer.problem(key, message, name))
    return result
