"""Forms of the enforcement pages: every number and date of a request is
parsed here (bounded: ``bianzhi.kernel.fields``). Ids are only parsed; the
view looks them up through the scope."""

from __future__ import annotations

from typing import Any

from django import forms

from bianzhi.enforcement.models import PartyKind
from bianzhi.kernel.fields import date_field, id_field


class TeamForm(forms.Form):
    leader_in_charge = id_field("分管执法的领导", required=False)
    office_head = id_field("综合行政执法办公室主任", required=False)


class CaseForm(forms.Form):
    number = forms.CharField(label="案件编号", max_length=60)
    matter_code = forms.CharField(label="执法事项", max_length=50)
    party_kind = forms.ChoiceField(label="当事人类型", choices=PartyKind.choices)
    party_name = forms.CharField(label="当事人", max_length=200)
    party_id = forms.CharField(label="证件号码", max_length=40)
    filed_on = date_field("立案日期")
    is_major = forms.BooleanField(label="重大执法决定", required=False)
    summary = forms.CharField(label="案情摘要", required=False, max_length=5000)


class StepForm(forms.Form):
    """A dated step of a case: 调查, 法制审核, 决定, 结案, 移送, 回执."""

    on = date_field("日期")
    text = forms.CharField(label="说明", required=False, max_length=5000)
    reviewer = forms.CharField(label="法制审核人员", required=False, max_length=50)
    penalty_amount = forms.DecimalField(
        label="罚款金额（元）", required=False, max_digits=12, decimal_places=2, min_value=0
    )
    department = forms.CharField(label="接收部门", required=False, max_length=100)
    document_number = forms.CharField(label="移送文书编号", required=False, max_length=100)
    received_by = forms.CharField(label="接收人", required=False, max_length=50)


class RecordForm(forms.Form):
    stage = forms.CharField(label="环节", max_length=20)
    text = forms.CharField(label="记录内容", max_length=5000)


class MeetingForm(forms.Form):
    region = forms.CharField(label="区划", max_length=12)
    held_on = date_field("会议日期")
    title = forms.CharField(label="会议名称", max_length=200)
    participants = forms.CharField(label="参会单位和人员", max_length=2000)
    decisions = forms.CharField(label="议定事项", max_length=5000)
    tasks = forms.MultipleChoiceField(label="关联任务", required=False)

    def __init__(self, *args: Any, task_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tasks"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = task_choices
