"""Forms of the agencies pages. They check the syntax of what a request
carries (a finite decimal that fits its column, a year, a date in range, a
township and department of this county); the services check the policy
(weights not below the floor, scores 0-100) with their own Chinese messages."""

from __future__ import annotations

from typing import Any

from django import forms

from bianzhi.accounts.models import Department
from bianzhi.agencies.models import Direction, HeadChangeKind
from bianzhi.kernel.fields import YEAR_MAX, YEAR_MIN, date_field, integer_field
from bianzhi.regions.models import Level, Region


def _decimal(label: str, *, required: bool = True) -> forms.DecimalField:
    # The weight, score and floor columns are DecimalField(max_digits=5,
    # decimal_places=2); DecimalField refuses NaN and Infinity.
    return forms.DecimalField(label=label, max_digits=5, decimal_places=2, required=required)


def _year() -> forms.IntegerField:
    return integer_field("年度", min_value=YEAR_MIN, max_value=YEAR_MAX)


class YearForm(forms.Form):
    """The year shown by the county page and its export (``?year=``)."""

    year = _year()


class _CountyForm(forms.Form):
    """A form whose township and department must be of ``county``."""

    def __init__(self, *args: Any, county: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "township" in self.fields:
            field = self.fields["township"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code)
        if "department" in self.fields:
            field = self.fields["department"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Department.objects.filter(county=county)


def _township() -> forms.ModelChoiceField[Region]:
    return forms.ModelChoiceField(
        label="乡镇",
        queryset=Region.objects.none(),
        to_field_name="code",
        error_messages={"invalid_choice": "请选择本县的乡镇。", "required": "请选择乡镇。"},
    )


def _department() -> forms.ModelChoiceField[Department]:
    return forms.ModelChoiceField(
        label="部门",
        queryset=Department.objects.none(),
        error_messages={"invalid_choice": "请选择本县的部门。", "required": "请选择部门。"},
    )


# 实行派驻、不作调整 (001 §(二)2): "" leaves it to the type (法庭、检察室、派出所、
# 司法所 always), so the office need not know the list by heart.
VERTICAL_CHOICES = [
    ("", "按类型确定（法庭、检察室、派出所、司法所实行派驻）"),
    ("1", "是：实行派驻、不作调整，不能划转属地管理"),
    ("0", "否：可以划转属地管理"),
]


class AgencyForm(_CountyForm):
    township = _township()
    name = forms.CharField(label="机构名称", max_length=100)
    agency_type = forms.CharField(label="类型", max_length=30)
    department = _department()
    vertical = forms.ChoiceField(label="实行派驻、不作调整", choices=VERTICAL_CHOICES, required=False)

    def vertical_value(self) -> bool | None:
        """The choice as the service takes it: None = decided by the type."""
        return {"1": True, "0": False}.get(self.cleaned_data.get("vertical") or "")


class EvaluationForm(_CountyForm):
    year = _year()
    direction = forms.ChoiceField(label="方向", choices=Direction.choices)
    township = _township()
    department = _department()
    score = _decimal("得分")
    comment = forms.CharField(label="评语", max_length=255, required=False)


class DepartmentAssessmentForm(_CountyForm):
    year = _year()
    department = _department()
    township_weight = _decimal("乡镇评价权重")
    township_score = _decimal("乡镇评价得分", required=False)
    other_score = _decimal("其他考核得分")


class FloorsForm(forms.Form):
    agency_floor = _decimal("派驻机构考核乡镇权重下限", required=False)
    department_floor = _decimal("县直部门考核乡镇权重下限", required=False)


class HeadStartForm(forms.Form):
    kind = forms.ChoiceField(label="事项", choices=HeadChangeKind.choices)
    person_name = forms.CharField(label="人员姓名", max_length=50, required=False)


class HeadOpinionForm(forms.Form):
    # Empty: the seat township; else another township of a 片区 agency.
    township = forms.CharField(label="乡镇", max_length=12, required=False)
    agrees = forms.ChoiceField(label="乡镇意见", choices=[("1", "同意"), ("0", "不同意")])
    text = forms.CharField(label="乡镇书面意见", required=False)


class HeadCompleteForm(forms.Form):
    document_number = forms.CharField(label="任免文号", max_length=100, required=False)


class HandoverForm(forms.Form):
    handed_over_on = date_field("划转日期", required=False)
    document_number = forms.CharField(label="文号", max_length=100, required=False)


# The ledger items a quota change sets (field name -> ledger item): the three
# quota types; posts stay with the institutions ledger.
QUOTA_FIELDS: tuple[tuple[str, str], ...] = (
    ("admin", "行政编制"),
    ("institution", "事业编制"),
    ("worker", "工勤编制"),
)


class QuotaStartForm(forms.Form):
    """Target counts after the change; an empty field keeps the item as it is."""

    admin = integer_field("调整后行政编制", min_value=0, required=False)
    institution = integer_field("调整后事业编制", min_value=0, required=False)
    worker = integer_field("调整后工勤编制", min_value=0, required=False)
    reason = forms.CharField(label="调整原因", max_length=255, required=False)

    def targets(self) -> dict[str, int]:
        return {item: self.cleaned_data[name] for name, item in QUOTA_FIELDS if self.cleaned_data[name] is not None}


class QuotaOpinionForm(forms.Form):
    township = forms.CharField(label="乡镇", max_length=12)
    agrees = forms.ChoiceField(label="乡镇党委意见", choices=[("1", "同意"), ("0", "不同意")])
    text = forms.CharField(label="乡镇党委书面意见", required=False)


class QuotaCompleteForm(forms.Form):
    document_number = forms.CharField(label="文号", max_length=100, required=False)
    effective_on = date_field("生效日期", required=False)


class ServedForm(forms.Form):
    """The other townships of a 片区 agency (codes of the agency's county)."""

    townships = forms.MultipleChoiceField(label="服务的其他乡镇（片区）", choices=[], required=False)

    def __init__(self, *args: Any, county_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["townships"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = list(
            Region.objects.filter(level=Level.TOWNSHIP, county_code=county_code)
            .order_by("code")
            .values_list("code", "name")
        )
        field.error_messages["invalid_choice"] = "请选择本县的乡镇。"


class AssessmentForm(forms.Form):
    year = _year()
    township_weight = _decimal("乡镇评价权重")
    township_score = _decimal("乡镇评价得分")
    department_score = _decimal("主管部门考核得分")
