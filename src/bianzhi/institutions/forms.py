from __future__ import annotations

from django import forms

from bianzhi.institutions.models import Kind, LedgerItem
from bianzhi.kernel.fields import DateField, integer_field


class InstitutionForm(forms.Form):
    name = forms.CharField(label="机构名称", max_length=100)
    kind = forms.ChoiceField(label="机构类别", choices=Kind.choices)
    established_on = DateField(label="设立日期")
    document_number = forms.CharField(label="文号", max_length=100)


class UnifiedForm(forms.Form):
    established_on = DateField(label="设立日期")
    document_number = forms.CharField(label="文号", max_length=100)


class LedgerForm(forms.Form):
    item = forms.ChoiceField(label="项目", choices=LedgerItem.choices)
    # InstitutionLedgerEntry.delta is an IntegerField: a bigger number cannot be stored.
    delta = integer_field("增减（减少填负数）")
    effective_on = DateField(label="生效日期")
    document_number = forms.CharField(label="文号", max_length=100)
    reason = forms.CharField(label="原因", max_length=255)


class RenameForm(forms.Form):
    new_name = forms.CharField(label="新名称", max_length=100)
    effective_on = DateField(label="更名日期")
    document_number = forms.CharField(label="文号", max_length=100)
    reason = forms.CharField(label="原因", max_length=255, required=False)


class AbolishForm(forms.Form):
    effective_on = DateField(label="撤销日期")
    document_number = forms.CharField(label="文号", max_length=100)
    reason = forms.CharField(label="原因", max_length=255, required=False)


class NameplateForm(forms.Form):
    name = forms.CharField(label="挂牌名称", max_length=100)
    added_on = DateField(label="挂牌日期")
    document_number = forms.CharField(label="文号", max_length=100, required=False)
