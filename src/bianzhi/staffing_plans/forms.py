"""Forms of the staffing-plans pages: syntax only (bounded numbers and dates,
choices, townships of the county); the services check the policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from bianzhi.kernel.fields import YEAR_MAX, YEAR_MIN, date_field, integer_field
from bianzhi.regions.models import Level, Region
from bianzhi.staffing_plans.models import Direction
from bianzhi.townships.models import QuotaType


class PlanCreateForm(forms.Form):
    year = integer_field("年度", min_value=YEAR_MIN, max_value=YEAR_MAX)


class _CountyForm(forms.Form):
    township = forms.ModelChoiceField(label="乡镇（街道）", queryset=Region.objects.none())

    def __init__(self, *args: Any, county: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["township"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code).order_by("code")


class EntryLineForm(_CountyForm):
    quota_type = forms.ChoiceField(label="编制类型", choices=QuotaType.choices)
    count = integer_field("计划进人数", min_value=0, max_value=100_000)


class IssueForm(forms.Form):
    document_number = forms.CharField(label="文号", max_length=100)
    issued_on = date_field("下达日期")


class _HolderField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.name}机动编制" if obj.level == Level.COUNTY else obj.name


class TransferForm(forms.Form):
    """A transfer's holder is one of the county's townships or the county's
    reserve pool (the county itself)."""

    holder = _HolderField(label="乡镇（街道）或县机动编制", queryset=Region.objects.none())
    direction = forms.ChoiceField(label="方向", choices=Direction.choices)
    county_body = forms.CharField(label="县级机关或事业单位", max_length=100)
    quota_type = forms.ChoiceField(label="编制类型", choices=QuotaType.choices)
    count = integer_field("编制数", min_value=1, max_value=100_000)
    document_number = forms.CharField(label="文号", max_length=100)
    date = date_field("日期")
    reason = forms.CharField(label="事由", max_length=200, required=False)

    def __init__(self, *args: Any, county: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["holder"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Region.objects.filter(
            Q(level=Level.TOWNSHIP, county_code=county.code) | Q(pk=county.pk)
        ).order_by("code")


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
