"""Forms of the grids pages: the syntax of what a request carries (bounded
numbers, ids, choices); the services check the policy."""

from __future__ import annotations

from django import forms

from bianzhi.grids.models import GridTaskKind, VillageKind
from bianzhi.kernel.fields import id_field, integer_field


class VillageForm(forms.Form):
    name = forms.CharField(label="村（社区）名称", max_length=50)
    kind = forms.ChoiceField(label="类别", choices=VillageKind.choices)


class ServicePointForm(forms.Form):
    village = id_field("村（社区）", widget=forms.HiddenInput)
    name = forms.CharField(label="服务点名称", max_length=100)
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="电话", max_length=30, required=False)
    online = forms.BooleanField(label="网上服务站点", required=False)


class _WorkerFields(forms.Form):
    worker_name = forms.CharField(label="网格员姓名", max_length=50)
    worker_post = forms.CharField(label="岗位（定岗）", max_length=50, help_text="如 专职网格员")
    worker_duties = forms.CharField(label="职责（定责）", max_length=255)
    worker_phone = forms.CharField(label="电话", max_length=30, required=False)


class GridForm(_WorkerFields):
    village = id_field("村（社区）")
    name = forms.CharField(label="网格名称", max_length=50)
    households = integer_field("户数", min_value=0, max_value=2**31 - 1, required=False)
    enforcement_officer = forms.CharField(label="联系执法人员", max_length=50, required=False)
    village_contact = forms.CharField(label="村（社区）联系人", max_length=50, required=False)


class GridLinkForm(forms.Form):
    grid = id_field("网格", widget=forms.HiddenInput)
    households = integer_field("户数", min_value=0, max_value=2**31 - 1, required=False)
    enforcement_officer = forms.CharField(label="联系执法人员", max_length=50, required=False)
    village_contact = forms.CharField(label="村（社区）联系人", max_length=50, required=False)


class WorkerForm(_WorkerFields):
    grid = id_field("网格", widget=forms.HiddenInput)


class WorkerRemoveForm(forms.Form):
    worker = id_field("网格员", widget=forms.HiddenInput)


class GridTaskForm(forms.Form):
    department = forms.CharField(label="责任部门", max_length=100)
    kind = forms.ChoiceField(label="类别", choices=GridTaskKind.choices)
    name = forms.CharField(label="任务或事项", max_length=200)
    description = forms.CharField(label="网格内工作要求", max_length=500, required=False)


class MatterForm(forms.Form):
    name = forms.CharField(label="事项名称", max_length=200)
    category = forms.CharField(label="事项类别", max_length=50, required=False)
    department = forms.CharField(label="主管部门", max_length=100, required=False)
    conditions = forms.CharField(label="办理条件", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    materials = forms.CharField(label="申请材料", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    time_limit_days = integer_field("承诺时限（工作日）", min_value=0, max_value=365, required=False)
    location = forms.CharField(label="办理地点", max_length=200)
    in_hall = forms.BooleanField(label="进驻便民服务大厅", required=False, initial=True)
    at_village = forms.BooleanField(label="下沉村（社区）办理", required=False)


class MatterDeleteForm(forms.Form):
    matter = id_field("事项", widget=forms.HiddenInput)


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
