"""Forms of the roster pages: they parse and shape input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from bianzhi.institutions.models import QuotaType
from bianzhi.roster.models import Education, EntryWay, Grade, PostCategory, Status

# ISO format: a localised (zh-hans) value is empty in an <input type="date">.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class EnterForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=30)
    name = forms.CharField(label="姓名", max_length=50)
    township = forms.ChoiceField(label="乡镇")
    institution = forms.ChoiceField(label="机构", required=False)
    quota_type = forms.ChoiceField(label="编制类型", choices=QuotaType.choices)
    post_category = forms.ChoiceField(label="岗位类别", choices=PostCategory.choices, initial=PostCategory.GENERAL)
    is_enforcement_staff = forms.BooleanField(label="从事综合行政执法工作", required=False)
    entry_date = forms.DateField(label="入编日期", widget=DATE)
    entry_way = forms.ChoiceField(label="入编方式", choices=EntryWay.choices)
    education = forms.ChoiceField(label="学历", choices=[("", "—"), *Education.choices], required=False)
    certificate_number = forms.CharField(label="执法证号", required=False, max_length=50)
    certificate_expiry = forms.DateField(label="执法证有效期至", required=False, widget=DATE)
    document_number = forms.CharField(label="文号", max_length=100)

    def __init__(self, *args: Any, townships: list[tuple[str, str]], institutions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = townships  # type: ignore[attr-defined]
        self.fields["institution"].choices = [("", "—"), *institutions]  # type: ignore[attr-defined]


class SecondForm(forms.Form):
    unit = forms.CharField(label="借调单位", max_length=100)
    start = forms.DateField(label="借调开始日期", widget=DATE)
    end = forms.DateField(label="借调结束日期", required=False, widget=DATE)
    township_consent = forms.CharField(
        label="乡镇党委同意", max_length=100, help_text="乡镇党委同意借调的会议纪要或文件文号（002 §9）"
    )
    document_number = forms.CharField(
        label="组织、人社部门批准文号", max_length=100, help_text="借调须经组织、人社部门批准（002 §9）"
    )


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label="回岗日期", widget=DATE)
    document_number = forms.CharField(label="文号", max_length=100, required=False)


class ExitForm(forms.Form):
    exited_on = forms.DateField(label="出编日期", widget=DATE)
    reason = forms.CharField(label="出编原因", max_length=255)
    document_number = forms.CharField(label="文号", max_length=100, required=False)


class TransferForm(forms.Form):
    to_township = forms.CharField(label="调入乡镇代码", max_length=12)
    effective_on = forms.DateField(label="调动日期", widget=DATE)
    document_number = forms.CharField(label="文号", max_length=100)


class EditForm(forms.Form):
    post_category = forms.ChoiceField(label="岗位类别", choices=PostCategory.choices)
    is_enforcement_staff = forms.BooleanField(label="从事综合行政执法工作", required=False)
    status = forms.ChoiceField(
        label="状态", choices=[(Status.ON_POST, "在岗"), (Status.OTHER_ABSENCE, "其他离岗")]
    )
    certificate_number = forms.CharField(label="执法证号", required=False, max_length=50)
    certificate_expiry = forms.DateField(label="执法证有效期至", required=False, widget=DATE)
    assessment_grade = forms.ChoiceField(label="年度考核", choices=[("", "—"), *Grade.choices], required=False)
    service_period_end = forms.DateField(label="服务期满日期", required=False, widget=DATE)
    reason = forms.CharField(label="修改原因或文号", max_length=255, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
