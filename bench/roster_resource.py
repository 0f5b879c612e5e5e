"""The generic-importer baseline of the roster import (issue 16 §2):
django-import-export's ModelResource for Person, mapped to the import
template's Chinese columns, importing row by row as the library does by
default, with its per-row history (the diff it keeps for every row) off.

It does what a generic importer can do with the same file: look up the
township by code and the institution by name within it, turn the drop-down
labels into stored values, take gender and birth date from the identity
number (core.idnumber, the same function the product uses), and run the
model's validation (full_clean) on every row. It does not write the audit
trail, nor compute the service-period end from the county's rule, nor
refresh the rule findings: the product's import does all three, so the
comparison flatters the baseline.
"""

from __future__ import annotations

from typing import Any

from import_export import fields, resources, widgets

from bianzhi.core.idnumber import validate_id_number
from bianzhi.institutions.models import Institution
from bianzhi.kernel import clock
from bianzhi.regions.models import Region
from bianzhi.roster.models import Education, EntryWay, Grade, Person, PostCategory, Status


class LabelWidget(widgets.Widget):
    """A drop-down label (在岗) to its stored value (on-post); empty is `default`."""

    def __init__(self, choices: Any, default: str = "") -> None:
        super().__init__()
        self.values = {str(label): value for value, label in choices}
        self.values.update({value: value for value, _ in choices})
        self.default = default

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if value in (None, ""):
            return self.default
        try:
            return self.values[str(value).strip()]
        except KeyError:
            raise ValueError(f"不是可选的值：{value}") from None


class YesNoWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        return str(value).strip() == "是"


class InstitutionWidget(widgets.ForeignKeyWidget):
    """An institution by name, among those of the row's township."""

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
        return Institution.objects.filter(region__code=str(row["乡镇代码"]), abolished_on__isnull=True)


class PersonResource(resources.ModelResource):
    id_number = fields.Field(attribute="id_number", column_name="身份证号")
    name = fields.Field(attribute="name", column_name="姓名")
    region = fields.Field(attribute="region", column_name="乡镇代码",
                          widget=widgets.ForeignKeyWidget(Region, field="code"))
    institution = fields.Field(attribute="institution", column_name="机构",
                               widget=InstitutionWidget(Institution, field="name"))
    quota_type = fields.Field(attribute="quota_type", column_name="编制类型")
    post_category = fields.Field(attribute="post_category", column_name="岗位类别",
                                 widget=LabelWidget(PostCategory.choices, PostCategory.GENERAL))
    is_enforcement_staff = fields.Field(attribute="is_enforcement_staff", column_name="执法人员", widget=YesNoWidget())
    status = fields.Field(attribute="status", column_name="状态", widget=LabelWidget(Status.choices, Status.ON_POST))
    secondment_unit = fields.Field(attribute="secondment_unit", column_name="借调单位")
    secondment_start = fields.Field(attribute="secondment_start", column_name="借调开始日期", widget=widgets.DateWidget())
    entry_date = fields.Field(attribute="entry_date", column_name="入编日期", widget=widgets.DateWidget())
    entry_way = fields.Field(attribute="entry_way", column_name="入编方式",
                             widget=LabelWidget(EntryWay.choices, EntryWay.OTHER))
    service_period_end = fields.Field(attribute="service_period_end", column_name="服务期满日期",
                                      widget=widgets.DateWidget())
    education = fields.Field(attribute="education", column_name="学历", widget=LabelWidget(Education.choices))
    certificate_number = fields.Field(attribute="certificate_number", column_name="执法证号")
    certificate_expiry = fields.Field(attribute="certificate_expiry", column_name="执法证有效期至",
                                      widget=widgets.DateWidget())
    assessment_grade = fields.Field(attribute="assessment_grade", column_name="年度考核",
                                    widget=LabelWidget(Grade.choices))
    gender = fields.Field(attribute="gender", column_name="性别")
    birth_date = fields.Field(attribute="birth_date", column_name="出生日期", widget=widgets.DateWidget())

    class Meta:
        model = Person
        import_id_fields = ("id_number",)
        fields = ("id_number", "name", "region", "institution", "quota_type", "post_category",
                  "is_enforcement_staff", "status", "secondment_unit", "secondment_start", "entry_date",
                  "entry_way", "service_period_end", "education", "certificate_number", "certificate_expiry",
                  "assessment_grade", "gender", "birth_date")
        clean_model_instances = True  # the model's own validation, row by row
        skip_diff = True  # the per-row history off (issue 16 §2)
        skip_html_diff = True

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        parsed = validate_id_number(str(row["身份证号"]).strip(), today=clock.today())
        row["身份证号"] = parsed.value
        row["性别"] = parsed.gender
        row["出生日期"] = parsed.birth_date
        row["乡镇代码"] = str(row["乡镇代码"]).strip()
        for column in ("借调单位", "执法证号", "机构"):
            row[column] = row[column] or ""


def import_rows(path: Any) -> Any:
    """Import a whole .xlsx the library's way (tablib reads it); raises on
    the first invalid row. Returns the library's Result."""
    import tablib

    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle, format="xlsx")
    result = PersonResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    if result.has_validation_errors():
        raise RuntimeError(f"django-import-export: {len(result.invalid_rows)} 行校验未通过")
    return result


