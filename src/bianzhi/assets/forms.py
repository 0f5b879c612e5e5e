"""Forms of the asset pages: numbers and dates bounded (``kernel.fields``)."""

from __future__ import annotations

from django import forms

from bianzhi.core.assets import (
    CATEGORIES,
    CLASSES,
    ORIGINS,
    OWNERS,
    RECEIVER_KINDS,
    REGISTRATION,
    USE_STATUSES,
)
from bianzhi.kernel.fields import YEAR_MAX, YEAR_MIN, date_field, integer_field


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class AssetForm(forms.Form):
    village = forms.CharField(label="村（社区）", max_length=50, required=False)
    owner = forms.ChoiceField(label="权属", choices=_choices(OWNERS))
    asset_class = forms.ChoiceField(label="资产类别", choices=_choices(CLASSES))
    name = forms.CharField(label="资产名称", max_length=200)
    origin = forms.ChoiceField(label="来源", choices=_choices(ORIGINS))
    location = forms.CharField(label="坐落位置", max_length=200, required=False)
    area = forms.DecimalField(label="面积（平方米）", max_digits=12, decimal_places=2, min_value=0, required=False)
    book_value = forms.DecimalField(label="账面价值（万元）", max_digits=12, decimal_places=2, min_value=0, required=False)
    title_document = forms.CharField(label="权属证明", max_length=100, required=False)
    registration = forms.ChoiceField(label="不动产登记", choices=_choices(REGISTRATION))
    use_status = forms.ChoiceField(label="使用状态", choices=_choices(USE_STATUSES))
    note = forms.CharField(label="备注", max_length=255, required=False)


class TransferForm(forms.Form):
    receiver_kind = forms.ChoiceField(label="接收方类型", choices=_choices(RECEIVER_KINDS))
    to_party = forms.CharField(label="接收方", max_length=100)
    document_number = forms.CharField(label="文号", max_length=100)
    on = date_field("移交日期")
    note = forms.CharField(label="说明", max_length=255, required=False)


class PlanForm(forms.Form):
    category = forms.ChoiceField(label="盘活方式", choices=_choices(CATEGORIES))
    measures = forms.CharField(label="盘活措施", max_length=2000)
    responsible_unit = forms.CharField(label="责任单位", max_length=100)
    deadline = date_field("盘活时限")


class RoundForm(forms.Form):
    county = forms.CharField(label="县", max_length=12)
    year = integer_field("年度", min_value=YEAR_MIN, max_value=YEAR_MAX)
    title = forms.CharField(label="名称", max_length=200, required=False)
    deadline = date_field("报送时限", required=False)
