"""The 变更记录 reads as Chinese: labels, choice labels, names for ids, 是/否,
nested parameters as lists, changed fields only, 20 a page with filters."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bianzhi.audit.display import history_rows
from bianzhi.audit.models import AuditRecord
from bianzhi.audit.services import audit_record

PYTHONISH = re.compile(r"\b(None|True|False)\b|[{}\[\]]|'[a-z_]+'|\b[a-z]+_[a-z_]+\b")


def _person_update(region: Any) -> AuditRecord:
    return audit_record(
        actor=None, action="update", object_type="roster.person", object_id="999",
        object_label="魏超", region_code=region.code,
        before={"岗位类别": "leader", "状态": "on-post", "乡镇": region.pk, "执法人员": False,
                "出编日期": None, "姓名": "魏超"},
        after={"岗位类别": "middle", "状态": "seconded-out", "乡镇": region.pk, "执法人员": True,
               "出编日期": "2026-03-01", "姓名": "魏超"},
    )


def test_an_update_shows_only_changed_fields_with_chinese_labels_and_values(regions: Any) -> None:
    record = _person_update(regions["510923100"])
    [row] = history_rows([record])
    shown = {c.label: (str(c.before), str(c.after)) for c in row.changes}
    assert set(shown) == {"岗位类别", "状态", "执法人员", "出编日期"}  # 乡镇, 姓名 unchanged
    assert shown["岗位类别"] == ("领导", "中层")
    assert shown["状态"] == ("在岗", "借调出")
    assert shown["执法人员"] == ("否", "是")
    assert "（空）" in shown["出编日期"][0] and shown["出编日期"][1] == "2026-03-01"
    assert row.type_label == "实名制人员"


def test_ids_show_as_linked_names_and_field_names_as_labels(regions: Any) -> None:
    region = regions["510923100"]
    record = audit_record(
        actor=None, action="create", object_type="institutions.institution", object_id="1",
        object_label="综合办公室", region_code=region.code,
        after={"id": 1, "region": region.pk, "name": "综合办公室", "kind": "office",
               "established_on": "2021-06-30", "abolished_on": None},
    )
    [row] = history_rows([record])
    shown = {c.label: str(c.after) for c in row.changes}
    assert "id" not in shown and "ID" not in shown
    assert f'href="{reverse("regions:detail", args=[region.code])}"' in next(
        v for k, v in shown.items() if "蓬莱镇" in v
    )
    assert all(not PYTHONISH.search(re.sub(r"<[^>]+>", "", v)) for v in shown.values())
    assert all(not re.fullmatch(r"[a-z_]+", label) for label in shown)


def test_nested_plan_parameters_read_as_a_list_with_region_names(regions: Any) -> None:
    record = audit_record(
        actor=None, action="create", object_type="allocation.allocationplan", object_id="7",
        object_label="方案", region_code="510923",
        after={"参数": {"行政编制": {"total": 160, "reserve": "5%", "method": "webster",
                                    "no_decrease": False, "max_step": None}},
               "行政编制": {"510923100": 30}},
    )
    [row] = history_rows([record])
    text = " ".join(re.sub(r"<[^>]+>", " ", str(c.after)) for c in row.changes)
    for expected in ("总数：160", "预留：5%", "取整方法：韦伯斯特法", "不减少：否", "蓬莱镇：30"):
        assert expected in text
    assert not PYTHONISH.search(text)


def test_the_audit_page_is_paginated_by_twenty_and_filters_by_operator_type_and_date(
    login: Any, daying_officer: Any, regions: Any
) -> None:
    region = regions["510923100"]
    for _ in range(25):
        _person_update(region)
    audit_record(actor=daying_officer, action="update", obj=region, region_code=region.code,
                 before={"name": "旧名"}, after={"name": "蓬莱镇"})
    client = login(daying_officer)
    first = client.get(reverse("audit:list")).content.decode()
    # 26 written here, plus the audited import of the county's regions.
    assert int(re.search(r"共 (\d+) 条", first).group(1)) >= 26  # type: ignore[union-attr]
    assert first.count('<td class="nowrap">2026-') == 20
    mine = client.get(reverse("audit:list"), {"actor_name": "daying"}).content.decode()
    assert mine.count("<td class=\"nowrap\">daying</td>") == 1 and "魏超" not in mine
    people = client.get(reverse("audit:list"), {"object_type": "roster.person"}).content.decode()
    assert "共 25 条" in people
    earlier = client.get(reverse("audit:list"), {"date_to": "2020-01-01"}).content.decode()
    assert "暂无变更记录" in earlier
    today = timezone.localdate().isoformat()  # records carry the real write time
    since = client.get(reverse("audit:list"), {"date_from": today, "actor_name": "daying"})
    assert "蓬莱镇" in since.content.decode()


def test_a_detail_page_history_shows_the_newest_twenty_and_links_to_the_rest(
    regions: Any,
) -> None:
    from django.template import Context, Template

    region = regions["510923100"]
    for _ in range(23):
        _person_update(region)
    records = AuditRecord.objects.filter(object_type="roster.person")
    html = Template('{% include "audit/_history.html" %}').render(Context({"records": records}))
    assert html.count("<td class=\"nowrap\">修改</td>") == 20
    assert "object_type=roster.person&amp;object_id=999" in html


def test_the_change_cell_shows_before_and_after_and_folds_past_four_fields(regions: Any) -> None:
    [row] = history_rows([_person_update(regions["510923100"])])
    cell = str(row.changes_html)
    # Four changed fields: not folded; an update shows before → after.
    assert "<details>" not in cell
    assert '<tr><th class="nowrap">岗位类别</th><td>领导</td><td class="nowrap">→</td><td>中层</td></tr>' in cell
    created = audit_record(
        actor=None, action="create", object_type="roster.person", object_id="998", object_label="<b>",
        region_code="510923100",
        after={"姓名": "<b>张</b>", "岗位类别": "leader", "状态": "on-post", "执法人员": True, "出编日期": "2026-03-01"},
    )
    [row] = history_rows([created])
    cell = str(row.changes_html)
    assert cell.startswith("<details><summary>5 项：") and "等</summary>" in cell  # five fields: folded
    assert '<td colspan="3">&lt;b&gt;张&lt;/b&gt;</td>' in cell  # escaped, one cell for a creation
    nothing = audit_record(actor=None, action="update", object_type="roster.person", object_id="997",
                           object_label="x", region_code="510923100", before={"姓名": "a"}, after={"姓名": "a"})
    assert str(history_rows([nothing])[0].changes_html) == '<span class="muted">无字段变化</span>'
