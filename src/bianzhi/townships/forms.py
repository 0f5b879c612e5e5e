from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from bianzhi.kernel import clock
from bianzhi.kernel.fields import INT_MAX, YEAR_MAX, YEAR_MIN, date_field, integer_field
from bianzhi.townships.models import ClassScheme, IndicatorDefinition, QuotaType
from bianzhi.townships.selectors import Indicator


def _this_year() -> int:
    return clock.today().year


class YearForm(forms.Form):
    """The year a page shows (``?year=``)."""

    year = integer_field("年度", min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)


class ClassSchemeForm(forms.Form):
    class_scheme = forms.ChoiceField(
        label="乡镇类别方案", choices=ClassScheme.choices, widget=forms.RadioSelect
    )


class IndicatorDefinitionForm(forms.Form):
    name = forms.CharField(label="指标名称", max_length=30, help_text="如 村（社区）数、重点项目数")
    unit = forms.CharField(label="单位", max_length=20, required=False)


class IndicatorDeleteForm(forms.Form):
    """The county's own indicator to delete (another county's id is no choice)."""

    definition = forms.ModelChoiceField(
        label="指标",
        queryset=IndicatorDefinition.objects.none(),
        error_messages={
            "invalid_choice": "该指标不存在或已删除。",
            "required": "请选择要删除的指标。",
        },
    )

    def __init__(self, *args: Any, county: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["definition"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = IndicatorDefinition.objects.filter(county=county)


class TownshipEditForm(forms.Form):
    """Class and one year's indicator values of a township (blank = leave as is)."""

    township_class = forms.ChoiceField(label="乡镇类别")
    year = forms.IntegerField(label="指标年度", min_value=1900, max_value=2200)

    def __init__(
        self,
        *args: Any,
        classes: Sequence[str],
        indicators: Sequence[Indicator],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township_class"] = forms.ChoiceField(
            label="乡镇类别", choices=[(c, c) for c in classes]
        )
        self.indicators = list(indicators)
        for i, indicator in enumerate(self.indicators):
            label = f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name
            self.fields[f"v_{i}"] = forms.DecimalField(
                label=label, min_value=0, max_digits=20, decimal_places=4, required=False
            )

    def indicator_fields(self) -> list[forms.BoundField]:
        return [self[f"v_{i}"] for i in range(len(self.indicators))]

    def values(self) -> dict[str, Decimal | None]:
        return {
            indicator.name: self.cleaned_data.get(f"v_{i}")
            for i, indicator in enumerate(self.indicators)
        }


class QuotaForm(forms.Form):
    quota_type = forms.ChoiceField(label="编制类型", choices=QuotaType.choices)
    # ApprovedQuota.count is a PositiveIntegerField (PostgreSQL integer).
    count = forms.IntegerField(label="核定编制", min_value=0, max_value=INT_MAX)
    document_number = forms.CharField(label="文号", max_length=100, help_text="如 大委编发〔2021〕12号")
    date = date_field("日期")
    reason = forms.CharField(label="原因", max_length=255, required=False)


class ImportForm(forms.Form):
    year = forms.IntegerField(label="指标年度", min_value=1900, max_value=2200, initial=_this_year)
    file = forms.FileField(label="指标表（.xlsx）")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # A county's sheet is a few kilobytes; refuse anything absurdly large.
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("文件超过 5 MB，请检查是否选错了文件")
        return upload


class ReserveAssignForm(forms.Form):
    """Assign part of the county's reserve pool to one of its townships."""

    township = forms.ChoiceField(label="调剂给乡镇（街道）")
    quota_type = forms.ChoiceField(label="编制类型", choices=QuotaType.choices)
    count = integer_field("调剂名数", min_value=1, max_value=INT_MAX)
    document_number = forms.CharField(label="文号", max_length=100, help_text="如 大委编发〔2026〕8号")
    date = date_field("日期")
    reason = forms.CharField(label="原因", max_length=255, required=False)

    def __init__(self, *args: Any, townships: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["township"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(t.code, f"{t.name}（{t.code}）") for t in townships]


class ControlNumberForm(forms.Form):
    """A control number issued from above (上级下达的控制数)."""

    quota_type = forms.ChoiceField(label="编制类型", choices=QuotaType.choices)
    count = integer_field("控制数（名）", min_value=0, max_value=INT_MAX)
    document_number = forms.CharField(label="文号", max_length=100, help_text="下达控制数的文件文号")
    date = date_field("下达日期")
