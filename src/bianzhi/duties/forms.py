"""Forms of the duties pages; they only parse input, services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from bianzhi.core.duties import FORBIDDEN_DEMANDS, POWER_TYPES, Demand
from bianzhi.duties.models import MatterChangeKind, Responsibility
from bianzhi.duties.services.access import RequestFields


class DutyRequestForm(forms.Form):
    department = forms.ChoiceField(label="申请部门")
    matter = forms.CharField(label="拟交由乡镇承担的事项", max_length=300)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label="法律法规依据", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_temporary = forms.TypedChoiceField(
        label="事项性质",
        choices=[("0", "长期"), ("1", "临时性、阶段性")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    end_date = forms.DateField(label="截止日期（临时性事项）", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    funding_amount = forms.DecimalField(label="随事转移经费（万元/年）", required=False, max_digits=12, decimal_places=2)
    funding_note = forms.CharField(label="经费说明（费随事转）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    demands = forms.MultipleChoiceField(
        label="对乡镇的要求（如有请勾选）",
        required=False,
        choices=[(d.demand.value, d.label) for d in FORBIDDEN_DEMANDS.values()],
        widget=forms.CheckboxSelectMultiple,
    )
    townships = forms.MultipleChoiceField(label="承接乡镇", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, departments: list[tuple[int, str]], townships: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department"]).choices = [(str(pk), name) for pk, name in departments]
        cast(forms.ChoiceField, self.fields["townships"]).choices = townships
        if len(departments) == 1:
            self.fields["department"].initial = str(departments[0][0])

    def request_fields(self) -> RequestFields:
        data = self.cleaned_data
        return RequestFields(
            matter=data["matter"],
            reason=data["reason"],
            legal_basis=data["legal_basis"],
            is_temporary=data["is_temporary"],
            end_date=data["end_date"],
            funding_amount=data["funding_amount"],
            funding_note=data["funding_note"],
            demands=frozenset(Demand(d) for d in data["demands"]),
            township_codes=tuple(data["townships"]),
        )


class OpinionForm(forms.Form):
    township = forms.ChoiceField(label="乡镇")
    agrees = forms.TypedChoiceField(
        label="意见", choices=[("1", "同意承接"), ("0", "不同意")], coerce=lambda v: v == "1", widget=forms.RadioSelect
    )
    text = forms.CharField(label="书面意见", widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="审定结果", choices=[("1", "准入"), ("0", "不予准入")], coerce=lambda v: v == "1", widget=forms.RadioSelect
    )
    document_number = forms.CharField(label="文号", required=False, max_length=100)
    note = forms.CharField(label="审定意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
    document_number = forms.CharField(label="文号", required=False, max_length=100)


class MatterChangeForm(forms.Form):
    kind = forms.ChoiceField(label="调整类型", choices=MatterChangeKind.choices)
    matter = forms.ChoiceField(label="现有事项（修改、取消时选择）", required=False)
    domain = forms.CharField(label="领域", required=False, max_length=50)
    name = forms.CharField(label="事项名称", required=False, max_length=300)
    township_role = forms.ChoiceField(label="乡镇责任", choices=Responsibility.choices, required=False)
    department = forms.CharField(label="县级部门", required=False, max_length=200)
    department_role = forms.ChoiceField(label="县级部门责任", choices=Responsibility.choices, required=False)
    basis = forms.CharField(label="依据", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="申请理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, matters: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["matter"]).choices = [("", "——")] + [(str(pk), label) for pk, label in matters]


class StatutoryItemForm(forms.Form):
    """Add (code editable) or edit (code fixed: it identifies the item) a statutory item."""

    code = forms.CharField(label="事项编码", max_length=50)
    name = forms.CharField(label="事项名称", max_length=200)
    power_type = forms.ChoiceField(label="权力类型", choices=[(p, p) for p in POWER_TYPES])
    legal_basis = forms.CharField(label="设定依据", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="理由或文号", max_length=200)

    def __init__(self, *args: Any, fixed_code: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed_code is not None:
            self.fields["code"].disabled = True
            self.fields["code"].initial = fixed_code


class RetireForm(forms.Form):
    reason = forms.CharField(label="取消理由或文号", max_length=200)
