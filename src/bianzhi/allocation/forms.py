"""The plan form: name and year, then one fieldset per quota type with total,
reserve, method, weights per indicator and floors/caps/coefficients per class.

Field names use ASCII keys (``admin_total``, ``admin_w_0``, ``admin_floor_4``)
so they survive any browser; ``to_params`` turns them into the plan's
``params`` JSON keyed by the engine's Chinese names.

A 各县分别控制 city plan (``counties`` given) replaces the total and the class
floors/caps with one row per county: its total (``admin_c0_total``) and
floors/caps for its own classes (``admin_c0_floor_2``); the rest is shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms

from bianzhi.core.allocation import Method, Reserve
from bianzhi.kernel.fields import INT_MAX
from bianzhi.townships.models import QUOTA_TYPE_KEYS, QuotaType


@dataclass
class ClassRow:
    name: str
    floor: forms.BoundField
    cap: forms.BoundField
    coef: forms.BoundField


@dataclass(frozen=True)
class CountyColumns:
    """A county of a 各县分别控制 plan as the form needs it."""

    code: str
    name: str
    classes: tuple[str, ...]


@dataclass
class CountyRow:
    code: str
    name: str
    total: forms.BoundField
    classes: list[tuple[str, forms.BoundField, forms.BoundField]]  # class, floor, cap


@dataclass
class Section:
    key: str
    quota_type: str
    enabled: forms.BoundField
    total: forms.BoundField
    reserve: forms.BoundField
    method: forms.BoundField
    no_decrease: forms.BoundField
    max_step: forms.BoundField
    weights: list[tuple[str, forms.BoundField]]
    classes: list[ClassRow]
    counties: list[CountyRow]


def _number(value: Decimal | int | None) -> float | int | None:
    """JSON-friendly number: whole values as int (15, not 15.0)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _count_field(label: str, initial: Any) -> forms.IntegerField:
    """A head count, total or limit: blank allowed, 0 to INT_MAX (the engine
    computes in int64 arrays and a 20-digit total or floor overflowed them
    when the plan was run)."""
    return forms.IntegerField(label=label, min_value=0, max_value=INT_MAX, required=False, initial=initial)


def _weight_field(label: str, initial: Any) -> forms.DecimalField:
    """An indicator weight or class coefficient: blank allowed, 0 to INT_MAX."""
    return forms.DecimalField(label=label, min_value=0, max_value=INT_MAX, required=False, initial=initial)


def _add_limits(
    fields: dict[str, forms.Field], prefix: str, j: int, cls: str, label: str, params: dict[str, Any]
) -> None:
    """Floor and cap of class `cls` (``{prefix}_floor_{j}``, ``{prefix}_cap_{j}``),
    initially from `params`: the same for the shared classes (prefix
    ``admin``) and for one county's own in a 各县分别控制 plan (``admin_c0``)."""
    fields[f"{prefix}_floor_{j}"] = _count_field(f"{label}{cls}下限", params.get("floors", {}).get(cls))
    fields[f"{prefix}_cap_{j}"] = _count_field(f"{label}{cls}上限", params.get("caps", {}).get(cls))


def _per_class(data: dict[str, Any], prefix: str, kind: str, classes: Sequence[str]) -> dict[str, Any]:
    """``{class: value}`` of the filled ``{prefix}_{kind}_{j}`` fields (floor, cap or coef)."""
    return {
        cls: _number(data[f"{prefix}_{kind}_{j}"])
        for j, cls in enumerate(classes)
        if data.get(f"{prefix}_{kind}_{j}") is not None
    }


class PlanForm(forms.Form):
    name = forms.CharField(label="方案名称", max_length=100)
    year = forms.IntegerField(label="指标年度", min_value=1900, max_value=2200)

    def __init__(
        self,
        *args: Any,
        indicators: Sequence[str],
        classes: Sequence[str],
        params: dict[str, Any] | None = None,
        counties: Sequence[CountyColumns] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.classes = list(classes)
        self.counties = list(counties)
        params = params or {}
        for quota_type in QuotaType.values:
            k = QUOTA_TYPE_KEYS[quota_type]
            p = params.get(quota_type)
            f = self.fields
            f[f"{k}_enabled"] = forms.BooleanField(
                label=f"测算{quota_type}", required=False, initial=p is not None
            )
            p = p or {}
            f[f"{k}_total"] = _count_field("编制总量", p.get("total", 0))
            f[f"{k}_reserve"] = forms.CharField(
                label="机动编制（人数或百分比，如 5%）",
                required=False,
                initial=p.get("reserve", "0"),
                max_length=10,
            )
            f[f"{k}_method"] = forms.ChoiceField(
                label="测算方法",
                choices=[(m.value, m.label) for m in Method],
                initial=p.get("method", Method.WEBSTER.value),
            )
            f[f"{k}_no_decrease"] = forms.BooleanField(
                label="各乡镇编制不减少", required=False, initial=p.get("no_decrease", False)
            )
            f[f"{k}_max_step"] = _count_field("最大调整幅度（留空不限）", p.get("max_step"))
            weights = p.get("weights", {})
            for i, name in enumerate(self.indicators):
                f[f"{k}_w_{i}"] = _weight_field(name, weights.get(name, 0))
            for j, cls in enumerate(self.classes):
                _add_limits(f, k, j, cls, "", p)
                f[f"{k}_coef_{j}"] = _weight_field(f"{cls}系数", p.get("coefficients", {}).get(cls))
            for c, county in enumerate(self.counties):
                own = p.get("counties", {}).get(county.code, {})
                f[f"{k}_c{c}_total"] = _count_field(f"{county.name}编制总量", own.get("total", 0))
                for j, cls in enumerate(county.classes):
                    _add_limits(f, f"{k}_c{c}", j, cls, county.name, own)

    def sections(self) -> list[Section]:
        result = []
        for quota_type in QuotaType.values:
            k = QUOTA_TYPE_KEYS[quota_type]
            result.append(
                Section(
                    key=k,
                    quota_type=quota_type,
                    enabled=self[f"{k}_enabled"],
                    total=self[f"{k}_total"],
                    reserve=self[f"{k}_reserve"],
                    method=self[f"{k}_method"],
                    no_decrease=self[f"{k}_no_decrease"],
                    max_step=self[f"{k}_max_step"],
                    weights=[(n, self[f"{k}_w_{i}"]) for i, n in enumerate(self.indicators)],
                    classes=[
                        ClassRow(c, self[f"{k}_floor_{j}"], self[f"{k}_cap_{j}"], self[f"{k}_coef_{j}"])
                        for j, c in enumerate(self.classes)
                    ],
                    counties=[
                        CountyRow(
                            county.code,
                            county.name,
                            self[f"{k}_c{c}_total"],
                            [
                                (cls, self[f"{k}_c{c}_floor_{j}"], self[f"{k}_c{c}_cap_{j}"])
                                for j, cls in enumerate(county.classes)
                            ],
                        )
                        for c, county in enumerate(self.counties)
                    ],
                )
            )
        return result

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        enabled = [qt for qt in QuotaType.values if data.get(f"{QUOTA_TYPE_KEYS[qt]}_enabled")]
        if not enabled:
            raise forms.ValidationError("至少选择一种编制类型")
        for quota_type in enabled:
            k = QUOTA_TYPE_KEYS[quota_type]
            for c in range(len(self.counties)):
                if data.get(f"{k}_c{c}_total") in (None, ""):
                    self.add_error(f"{k}_c{c}_total", "请填写本县编制总量")
            if not self.counties and data.get(f"{k}_total") in (None, ""):
                self.add_error(f"{k}_total", "请填写编制总量")
            try:
                Reserve.parse(data.get(f"{k}_reserve") or "0")
            except ValueError as exc:
                self.add_error(f"{k}_reserve", str(exc))
        return data

    def to_params(self) -> dict[str, Any]:
        """The plan's ``params`` JSON from the cleaned form."""
        data = self.cleaned_data
        params: dict[str, Any] = {}
        for quota_type in QuotaType.values:
            k = QUOTA_TYPE_KEYS[quota_type]
            if not data.get(f"{k}_enabled"):
                continue
            params[quota_type] = {
                "total": data[f"{k}_total"],
                "reserve": (data.get(f"{k}_reserve") or "0").strip(),
                "method": data[f"{k}_method"],
                "weights": {
                    name: _number(data.get(f"{k}_w_{i}")) or 0
                    for i, name in enumerate(self.indicators)
                },
                "floors": _per_class(data, k, "floor", self.classes),
                "caps": _per_class(data, k, "cap", self.classes),
                "coefficients": _per_class(data, k, "coef", self.classes),
                "no_decrease": bool(data.get(f"{k}_no_decrease")),
                "max_step": data.get(f"{k}_max_step"),
            }
            if self.counties:
                counties: dict[str, dict[str, Any]] = {
                    county.code: {
                        "total": data.get(f"{k}_c{c}_total") or 0,
                        "floors": _per_class(data, f"{k}_c{c}", "floor", county.classes),
                        "caps": _per_class(data, f"{k}_c{c}", "cap", county.classes),
                    }
                    for c, county in enumerate(self.counties)
                }
                params[quota_type].update(
                    total=sum(v["total"] for v in counties.values()),
                    floors={},
                    caps={},
                    counties=counties,
                )
        return params


class ApproveForm(forms.Form):
    document_number = forms.CharField(
        label="文号", max_length=100, help_text="如 大委编发〔2026〕3号"
    )
    date = forms.DateField(label="批准日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
