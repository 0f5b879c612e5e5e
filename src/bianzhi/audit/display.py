"""The 变更记录 as people read it.

Records store what services wrote: field names or Chinese keys, choice values
(``on-post``), foreign keys as ids, nested parameters as dicts. This module
turns a page of records into rows of (label, before, after) for the fields
that changed: Chinese field labels (the model's ``verbose_name``), choice
labels, names with links instead of ids, 是/否 instead of True/False, nested
parameters as lists. Related names are read with one query per related model
per page, never per record.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from bianzhi.audit.models import Action, AuditRecord

EMPTY = "（空）"
# Nested values with more entries than this are folded (<details>).
NESTED_SHOWN = 4

# Keys of nested parameters and of figures that are no model field.
TERMS: dict[str, str] = {
    # allocation parameters (allocation/forms.py to_params)
    "total": "总数",
    "reserve": "预留",
    "method": "取整方法",
    "weights": "指标权重",
    "floors": "类别下限",
    "caps": "类别上限",
    "coefficients": "类别系数",
    "no_decrease": "不减少",
    "max_step": "调整幅度上限",
    "counties": "各县",
    # allocation methods (core.allocation.Method)
    "webster": "韦伯斯特法",
    "huntington-hill": "亨廷顿-希尔法",
    "dhondt": "顿特法",
    "adams": "亚当斯法",
    "hamilton": "汉密尔顿法",
    # monitoring figures (reports.figures.INDICATORS)
    "admin_quota": "核定行政编制",
    "institution_quota": "核定事业编制",
    "staff": "实有人员",
    "vacancies": "空编",
    "usage_rate": "编制使用率",
    "seconded_out": "借调出人员",
    "enforcement_staff": "综合执法人员",
    "certified": "持证执法人员",
    "certification_rate": "执法持证率",
    "institutions": "机构数",
    "findings": "规则检查问题",
    "duty_list_size": "权责清单事项",
    "territorial_list_size": "属地事项",
    "tasks_total": "工作任务",
    "tasks_closed": "已销号任务",
    "tasks_overdue": "逾期任务",
    "task_completion": "任务完成率",
    # keys of the registers' audit records (enforcement, assets)
    "case": "案件",
    "stage": "环节",
    "text": "内容",
    "published": "已公示",
    "photos": "照片数",
    "assets": "资产数",
    "asset": "资产",
    "county_findings": "全县性问题",
    "totp": "动态口令",
    # fields some models left without a Chinese verbose_name
    "created_by": "创建人",
    "verified_by": "核验人",
    "verified_at": "核验时间",
    "rectified_at": "整改完成时间",
    "closed_by": "销号人",
    "closed_at": "销号时间",
    "files": "附件数",
    "plan": "工作方案",
    "round": "督导轮次",
    "task": "任务",
    "id": "编号",
    # exports (audit.services.audit_export)
    "rows": "行数",
    "criteria": "筛选条件",
    # duty take-up choices
    "take-up": "承接",
    "decline": "不承接",
    "roles": "角色",
}

# Object types whose pages can be linked: type -> (URL name, attribute for the argument).
LINKS: dict[str, tuple[str, str]] = {
    "regions.region": ("regions:detail", "code"),
    "institutions.institution": ("institutions:detail", "pk"),
    "roster.person": ("roster:detail", "pk"),
    "allocation.allocationplan": ("allocation:detail", "pk"),
}

_IDENT = re.compile(r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$")
_REGION_CODE = re.compile(r"^\d{6}(?:\d{3}|\d{6})?$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


@dataclass
class Change:
    label: str
    before: SafeString
    after: SafeString


@dataclass
class Row:
    record: AuditRecord
    type_label: str
    object_html: SafeString
    changes: list[Change] = field(default_factory=list)

    @property
    def changes_html(self) -> SafeString:
        """The 变更内容 cell: one line per changed field (before → after for an
        update), folded under a summary past four fields. Built here rather
        than in the template: a detail page's 20 records hold a few hundred
        fields, and the template loop resolving each was about a third of a
        township page's time."""
        if not self.changes:
            return format_html('<span class="muted">{}</span>', "无字段变化")
        update = self.record.action == Action.UPDATE
        lines = [
            format_html('<tr><th class="nowrap">{}</th><td>{}</td><td class="nowrap">→</td><td>{}</td></tr>',
                        c.label, c.before, c.after)
            if update and c.before
            else format_html('<tr><th class="nowrap">{}</th><td colspan="3">{}</td></tr>',
                             c.label, c.after if c.after else c.before)
            for c in self.changes
        ]
        table = mark_safe('<table class="changes-table">' + "".join(lines) + "</table>")  # noqa: S308 (parts escaped above)
        if len(self.changes) <= 4:
            return table
        names = format_html_join("、", "{}", ((c.label,) for c in self.changes[:4]))
        return format_html("<details><summary>{} 项：{}等</summary>{}</details>", len(self.changes), names, table)


# Records keep the object type they were written with; a model renamed
# since (issue 11) is still found under its earlier name.
RENAMED_TYPES = {"institutions.ledgerentry": "institutions.institutionledgerentry"}


def _model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(RENAMED_TYPES.get(object_type, object_type))
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    model = _model_of(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    return TERMS.get(object_type, "导出" if object_type.endswith(".export") else object_type)


def _fields_by_key(model: type[models.Model] | None) -> dict[str, models.Field[Any, Any]]:
    """Every concrete field, reachable by its name, attname and Chinese label."""
    if model is None:
        return {}
    found: dict[str, models.Field[Any, Any]] = {}
    for f in model._meta.get_fields():
        if not isinstance(f, models.Field):
            continue
        found.setdefault(str(f.verbose_name), f)
        found[f.name] = f
        found[f.attname] = f
    return found


def _global_choices() -> dict[str, str]:
    """Choice value -> label over every model, for values inside nested data."""
    labels: dict[str, str] = {}
    for model in apps.get_models():
        for f in model._meta.get_fields():
            for value, label in getattr(f, "flatchoices", None) or ():
                if isinstance(value, str) and _IDENT.match(value):
                    labels.setdefault(value, str(label))
    return labels


_CHOICES: dict[str, str] | None = None


def _choice_label(value: str) -> str:
    global _CHOICES
    if _CHOICES is None:
        _CHOICES = _global_choices()
    return TERMS.get(value) or _CHOICES.get(value) or value


def _link(object_type: str, obj: Any, text: str) -> SafeString:
    target = LINKS.get(object_type)
    if target is not None:
        try:
            url = reverse(target[0], args=[getattr(obj, target[1])])
        except NoReverseMatch:
            url = ""
        if url:
            return format_html('<a href="{}">{}</a>', url, text)
    return format_html("{}", text)


class _Names:
    """Names (and links) of the objects records refer to by id, read in batches."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        self.codes: set[str] = set()
        self.found: dict[tuple[type[models.Model], str], SafeString] = {}
        self.objects: dict[tuple[type[models.Model], str], models.Model] = {}
        self.regions: dict[str, str] = {}

    def want(self, model: type[models.Model], pk: Any) -> None:
        if pk not in (None, ""):
            self.wanted[model].add(str(pk))

    def load(self) -> None:
        for model, pks in self.wanted.items():
            object_type = model._meta.label_lower
            pk_field = model._meta.pk
            assert pk_field is not None
            valid = []
            for pk in pks:
                try:
                    valid.append(pk_field.to_python(pk))
                except Exception:  # noqa: BLE001 - a malformed id stays shown as text
                    continue
            for obj in model._default_manager.filter(pk__in=valid):
                self.objects[(model, str(obj.pk))] = obj
                self.found[(model, str(obj.pk))] = _link(object_type, obj, str(obj))
        if self.codes:
            region = apps.get_model("regions", "Region")
            self.regions = dict(
                region._default_manager.filter(code__in=self.codes).values_list("code", "name")
            )

    def name(self, model: type[models.Model], pk: Any) -> SafeString:
        shown = self.found.get((model, str(pk)))
        return shown if shown is not None else format_html("{}", f"{pk}（已删除）")


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        m = _DATETIME.match(value)
        if m:
            return f"{m.group(1)} {m.group(2)}"
        if _DECIMAL.match(value):
            try:
                return format(Decimal(value).normalize(), "f")
            except InvalidOperation:
                return value
        if _IDENT.match(value):
            return _choice_label(value)
        return value
    if isinstance(value, float):
        # Rates are stored unrounded (0.09090909…): four decimals are plenty to read.
        return format(Decimal(str(round(value, 4))).normalize(), "f")
    return str(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _key_label(key: str, names: _Names) -> str:
    if _REGION_CODE.match(key):
        return names.regions.get(key, key)
    return TERMS.get(key) or (_choice_label(key) if _IDENT.match(key) else key)


def _collect(value: Any, f: models.Field[Any, Any] | None, names: _Names) -> None:
    """First pass: note the ids and region codes a value refers to."""
    if f is not None and f.is_relation and f.related_model is not None and not _is_empty(value):
        related = f.related_model
        if isinstance(related, type):
            for pk in value if isinstance(value, list) else [value]:
                names.want(related, pk)
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and _REGION_CODE.match(k):
                names.codes.add(k)
            _collect(v, None, names)


def _render(value: Any, f: models.Field[Any, Any] | None, names: _Names) -> SafeString:
    if _is_empty(value):
        return format_html('<span class="muted">{}</span>', EMPTY)
    if f is not None and f.is_relation and isinstance(f.related_model, type):
        related = f.related_model
        pks = value if isinstance(value, list) else [value]
        return mark_safe("、".join(names.name(related, pk) for pk in pks))
    if f is not None and getattr(f, "flatchoices", None) and not isinstance(value, (dict, list)):
        labels = {str(v): str(label) for v, label in f.flatchoices}
        return format_html("{}", labels.get(str(value), _plain(value)))
    if isinstance(value, dict):
        items = format_html(
            '<ul class="changes">{}</ul>',
            format_html_join(
                "", "<li>{}：{}</li>",
                ((_key_label(str(k), names), _render(v, None, names)) for k, v in value.items()),
            ),
        )
        if len(value) <= NESTED_SHOWN:
            return items
        # Long parameter sets and figures fold away so a history stays short.
        return format_html("<details><summary>{} 项</summary>{}</details>", len(value), items)
    if isinstance(value, list):
        return mark_safe("、".join(_render(v, None, names) for v in value))
    return format_html("{}", _plain(value))


def _field_label(f: models.Field[Any, Any], key: str) -> str:
    label = str(f.verbose_name)
    # Django's default verbose_name is the field name with spaces ("created by").
    if label.isascii():
        return TERMS.get(f.name) or TERMS.get(key) or label
    return label


def _changed_keys(record: AuditRecord) -> list[str]:
    before = record.before if isinstance(record.before, dict) else {}
    after = record.after if isinstance(record.after, dict) else {}
    keys = list(dict.fromkeys([*before, *after]))
    if record.action == Action.UPDATE and before and after:
        return [k for k in keys if before.get(k) != after.get(k)]
    return keys


def history_rows(records: Iterable[AuditRecord]) -> list[Row]:
    """The records as rows for ``audit/_history.html``: changed fields only."""
    records = list(records)
    names = _Names()
    fields_of: dict[str, Mapping[str, models.Field[Any, Any]]] = {}
    plans: list[tuple[AuditRecord, list[str]]] = []
    for record in records:
        if record.object_type not in fields_of:
            fields_of[record.object_type] = _fields_by_key(_model_of(record.object_type))
        fields = fields_of[record.object_type]
        keys = _changed_keys(record)
        plans.append((record, keys))
        for side in (record.before, record.after):
            if isinstance(side, dict):
                for k in keys:
                    _collect(side.get(k), fields.get(k), names)
        model = _model_of(record.object_type)
        if model is not None and record.object_type in LINKS:
            names.want(model, record.object_id)
    names.load()
    rows: list[Row] = []
    for record, keys in plans:
        fields = fields_of[record.object_type]
        before = record.before if isinstance(record.before, dict) else {}
        after = record.after if isinstance(record.after, dict) else {}
        model = _model_of(record.object_type)
        obj_html = format_html("{}", record.object_label or record.object_id)
        obj = names.objects.get((model, record.object_id)) if model is not None else None
        if obj is not None:
            obj_html = _link(record.object_type, obj, record.object_label or str(obj))
        row = Row(record=record, type_label=type_label(record.object_type), object_html=obj_html)
        for k in keys:
            f = fields.get(k)
            if f is not None and f.primary_key:
                continue
            label = _field_label(f, k) if f is not None else _key_label(k, names)
            row.changes.append(
                Change(
                    label=label,
                    before=_render(before.get(k), f, names) if before else mark_safe(""),
                    after=_render(after.get(k), f, names) if after else mark_safe(""),
                )
            )
        rows.append(row)
    return rows
