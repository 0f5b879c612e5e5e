"""Forms of the work-plan pages: every number and date a request carries is
parsed here (bounded, see ``bianzhi.kernel.fields``), never with a bare
``int()`` in a view. Object ids are only parsed: the view then looks them up
through the scope (404 outside)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from bianzhi.core.tasks import STATUS_LABELS, URGENCY_LABELS
from bianzhi.kernel.fields import MonthField, date_field, id_field


class CalendarForm(forms.Form):
    month = MonthField(label="月份", required=False)


class TaskFilterForm(forms.Form):
    """The filters of the task tables (a GET form: an invalid value is shown
    as an error and that filter is left out)."""

    unit = forms.CharField(label="单位", max_length=100, required=False)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), *((s.value, label) for s, label in STATUS_LABELS.items())],
    )
    urgency = forms.ChoiceField(
        label="预警",
        required=False,
        choices=[("", "全部"), *((u.value, label) for u, label in URGENCY_LABELS.items())],
    )
    due_from = date_field("时限自", required=False)
    due_to = date_field("时限至", required=False)


class RoundForm(forms.Form):
    region = forms.CharField(label="区划", max_length=12)
    plan = id_field("工作方案", required=False)
    held_on = date_field("督导日期", required=False, help_text="不填为今天")
    title = forms.CharField(label="名称", max_length=200)
    inspector = forms.CharField(label="督导单位", max_length=100, required=False)
    summary = forms.CharField(label="督导情况", required=False)


class FindingForm(forms.Form):
    task = id_field("任务", required=False)
    unit = forms.CharField(label="整改单位", max_length=100, required=False)
    description = forms.CharField(label="发现问题")
    rectify_by = date_field("整改时限", required=False)


class ReportForm(forms.Form):
    """A progress report or a close-out request: the unit is one of the units
    the user may report for on this task (``services.reportable_units``)."""

    unit = forms.ChoiceField(label="报送单位")
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))

    def __init__(
        self, *args: Any, units: Sequence[str], closeout: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ChoiceField)
        unit.choices = [(u, u) for u in units]
        unit.error_messages["invalid_choice"] = "请选择该任务的牵头单位或责任单位。"
        if closeout:
            unit.label = "申请单位"
            self.fields["text"].label = "完成情况"
            self.fields["text"].required = False
