"""The "1+4" catalogue (Excel import), take-up with county approval and
history, statutory items, the territorial-matters list and its changes."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook
from tests.conftest import DAYING, PENGLAI

from bianzhi.adapters import xlsx_duties as spreadsheets
from bianzhi.adapters.problems import InputError
from bianzhi.core.duties import TakeUpChoice
from bianzhi.duties.models import TakeUpChange
from bianzhi.duties.selectors.catalogue import catalogue_of
from bianzhi.duties.selectors.duty_list import duty_list
from bianzhi.duties.selectors.matters import matter_stats, matters
from bianzhi.duties.services.catalogue import catalogue_import, take_up_decide, take_up_propose
from bianzhi.duties.services.common import DutyError
from bianzhi.duties.services.matters import (
    matter_change_decide,
    matter_change_request,
    matter_change_review,
    matters_import,
)
from bianzhi.duties.services.statutory import statutory_item_set

TAKE, DEFER = TakeUpChoice.TAKE_UP, TakeUpChoice.DEFER
ROWS = [
    ["JC-001", "农村村民宅基地审批", "行政许可", "《土地管理法》第六十二条", "县自然资源和规划局", "基础清单"],
    ["JC-002", "占道经营的处罚", "行政处罚", "《城乡容貌和环境卫生管理条例》", "县综合行政执法局", "基础清单"],
    ["TS2-001", "集贸市场监督检查", "行政检查", "", "县市场监管局", "特色清单二"],
    ["TS2-002", "户外广告设置许可", "行政许可", "", "县住房城乡建设局", "特色清单二"],
    ["TS1-001", "城镇燃气经营检查", "行政检查", "", "县住房城乡建设局", "特色清单一"],
]
CLASSES = {"featured-1": ["县政府驻地镇"], "featured-2": ["中心镇"], "featured-3": ["重点镇"], "featured-4": ["特色镇"]}


def workbook(rows: list[list[str]]) -> bytes:
    return spreadsheets.catalogue_workbook(rows, CLASSES)


def import_catalogue(regions: Any, rows: list[list[str]] = ROWS, actor: Any = None) -> Any:
    data = spreadsheets.catalogue_read(workbook(rows))
    return catalogue_import(actor=actor, county=regions[DAYING], data=data, document_number="大府发〔2025〕1号")


@pytest.fixture
def central_penglai(regions: Any) -> Any:
    from bianzhi.townships.services import township_class_set

    township_class_set(township=regions[PENGLAI], township_class="中心镇")
    return regions[PENGLAI]


def test_the_template_reads_back_as_an_empty_catalogue_with_every_problem_listed() -> None:
    with pytest.raises(InputError, match="没有任何事项"):
        spreadsheets.catalogue_read(workbook([]))
    bad = [
        ["A1", "某事项", "行政审批", "", "县某局", "基础清单"],
        ["A1", "", "行政许可", "", "县某局", "特色清单五"],
    ]
    with pytest.raises(InputError) as err:
        spreadsheets.catalogue_read(workbook(bad))
    messages = [str(p) for p in err.value.problems]
    assert messages == [
        "赋权指导目录.xlsx 第 2 行 C 列“权力类型”：“行政审批”无效，应为：行政许可、行政处罚、行政强制、行政征收、行政给付、行政检查、行政确认、行政奖励、行政裁决、其他行政权力",
        "赋权指导目录.xlsx 第 3 行 B 列“事项名称”：不能为空",
        "赋权指导目录.xlsx 第 3 行 F 列“所属清单”：“特色清单五”无效，应为：基础清单、特色清单一、特色清单二、特色清单三、特色清单四",
        "赋权指导目录.xlsx 第 3 行 A 列“事项编码”：“A1”与第2行重复",
    ]


def test_an_import_is_all_or_nothing_and_a_later_one_withdraws_missing_items(regions: Any, daying_officer: Any) -> None:
    result = import_catalogue(regions, actor=daying_officer)
    assert (result.created, result.updated, result.withdrawn) == (5, 0, 0)
    catalogue = catalogue_of(county=regions[DAYING])
    assert catalogue.featured_classes["featured-2"] == ["中心镇"]
    again = import_catalogue(regions, ROWS[:4], actor=daying_officer)
    assert (again.created, again.updated, again.withdrawn) == (0, 0, 1)
    assert not catalogue.items.get(code="TS1-001").active


def test_classes_of_another_scheme_are_refused(regions: Any) -> None:
    data = spreadsheets.catalogue_read(workbook(ROWS))
    data.featured_classes = {"featured-1": ["一类"]}
    with pytest.raises(DutyError, match="“一类”不是本县的乡镇类别"):
        catalogue_import(actor=None, county=regions[DAYING], data=data)


def test_outsiders_cannot_import(regions: Any, tongwei_officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        import_catalogue(regions, actor=tongwei_officer)


def test_take_up_is_proposed_by_the_township_and_approved_by_the_county(
    regions: Any, central_penglai: Any, penglai_user: Any, daying_officer: Any
) -> None:
    import_catalogue(regions)
    with pytest.raises(DutyError, match="TS2-002 户外广告设置许可”（特色清单二）尚未选择"):
        take_up_propose(actor=penglai_user, township=central_penglai, choices={"TS2-001": TAKE})
    round_ = take_up_propose(
        actor=penglai_user, township=central_penglai, choices={"TS2-001": TAKE, "TS2-002": DEFER}
    )
    with pytest.raises(DutyError, match="待县审定"):
        take_up_propose(actor=penglai_user, township=central_penglai, choices={"TS2-001": TAKE, "TS2-002": DEFER})
    with pytest.raises(PermissionDenied):
        take_up_decide(actor=penglai_user, round=round_, approve=True, document_number="x")
    take_up_decide(
        actor=daying_officer, round=round_, approve=True, document_number="大委编发〔2025〕5号", today=date(2025, 4, 1)
    )
    delegated = [e.code for e in duty_list(township=central_penglai, today=date(2025, 4, 2)) if e.source == "赋权事项"]
    assert delegated == ["JC-001", "JC-002", "TS2-001"]
    # An adjustment later keeps the history of both decisions.
    second = take_up_propose(
        actor=penglai_user, township=central_penglai, choices={"TS2-001": TAKE, "TS2-002": TAKE}, note="已具备承接能力"
    )
    take_up_decide(actor=daying_officer, round=second, approve=True, document_number="大委编发〔2025〕9号")
    history = [(c.item.code, c.before, c.after, c.document_number) for c in TakeUpChange.objects.filter(item__code="TS2-002").order_by("id")]
    assert history == [
        ("TS2-002", "", "defer", "大委编发〔2025〕5号"),
        ("TS2-002", "defer", "take-up", "大委编发〔2025〕9号"),
    ]


def test_a_base_item_cannot_be_deferred(regions: Any, penglai_user: Any) -> None:
    import_catalogue(regions)
    with pytest.raises(DutyError, match="基础清单，各乡镇必须全面承接"):
        take_up_propose(actor=penglai_user, township=regions[PENGLAI], choices={"JC-001": DEFER})


def test_the_list_holds_statutory_items_for_every_township_of_the_county(regions: Any, daying_officer: Any) -> None:
    statutory_item_set(
        actor=daying_officer, county=regions[DAYING], code="FD-001", name="乡镇国土空间规划编制", power_type="其他行政权力"
    )
    entries = duty_list(township=regions["510923107"], today=date(2025, 1, 1))
    assert [(e.source, e.code) for e in entries] == [("法定事项", "FD-001")]
    with pytest.raises(DutyError, match="权力类型"):
        statutory_item_set(actor=daying_officer, county=regions[DAYING], code="X", name="X", power_type="审批")


MATTERS = [
    ["1", "自然资源", "违法占地巡查发现和报告", "主体责任", "县自然资源和规划局", "配合责任", ""],
    ["2", "自然资源", "耕地保护执法", "配合责任", "县自然资源和规划局", "主体责任", ""],
    ["3", "生态环境", "秸秆露天焚烧巡查", "主体责任", "县生态环境局", "配合责任", ""],
]


def load_matters(regions: Any, actor: Any) -> Any:
    rows = spreadsheets.matters_read(spreadsheets.matters_workbook(MATTERS))
    return matters_import(actor=actor, county=regions[DAYING], rows=rows, document_number="大委办发〔2024〕8号")


def test_matters_are_imported_with_statistics_per_domain(regions: Any, daying_officer: Any) -> None:
    load_matters(regions, daying_officer)
    stats = matter_stats(county=regions[DAYING])
    assert [(s.domain, s.total, s.township_lead) for s in stats] == [("生态环境", 1, 1), ("自然资源", 2, 1)]


def test_matter_rows_with_bad_roles_are_refused_with_their_cells() -> None:
    rows = [["1", "应急安全", "防汛巡查", "次要责任", "县应急管理局", "配合责任", ""]]
    with pytest.raises(InputError) as err:
        spreadsheets.matters_read(spreadsheets.matters_workbook(rows))
    assert [str(p) for p in err.value.problems] == [
        "属地事项责任清单.xlsx 第 2 行 D 列“乡镇责任”：“次要责任”无效，应为：主体责任、配合责任"
    ]


def test_matters_import_needs_an_approver(regions: Any, penglai_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        load_matters(regions, penglai_user)


def test_a_change_goes_through_request_review_and_approval(
    regions: Any, daying_officer: Any, penglai_user: Any, dept_user: Any
) -> None:
    load_matters(regions, daying_officer)
    matter = matters(county=regions[DAYING]).get(code="3")
    change = matter_change_request(
        actor=penglai_user,
        county=regions[DAYING],
        kind="modify",
        matter=matter,
        proposed={**{f: getattr(matter, f) for f in ("domain", "name", "department", "basis")}, "township_role": "supporting", "department_role": "lead"},
        reason="秸秆禁烧执法由部门负责更合适",
    )
    assert change.requested_by_name == "蓬莱镇"
    with pytest.raises(DutyError, match="尚未通过审核"):
        matter_change_decide(actor=daying_officer, change=change, approve=True, document_number="x")
    with pytest.raises(PermissionDenied):
        matter_change_review(actor=dept_user, change=change, passes=True, note="")
    matter_change_review(actor=daying_officer, change=change, passes=True, note="符合调整条件")
    matter_change_decide(actor=daying_officer, change=change, approve=True, document_number="大委办函〔2025〕2号")
    matter.refresh_from_db()
    assert (matter.township_role, matter.department_role, matter.document_number) == ("supporting", "lead", "大委办函〔2025〕2号")
    added = matter_change_request(
        actor=dept_user,
        county=regions[DAYING],
        kind="add",
        proposed={"domain": "应急安全", "name": "森林防火巡护", "township_role": "lead", "department": "县应急管理局", "department_role": "supporting"},
        reason="新增",
    )
    matter_change_review(actor=daying_officer, change=added, passes=True, note="")
    matter_change_decide(actor=daying_officer, change=added, approve=True, document_number="大委办函〔2025〕3号")
    assert matters(county=regions[DAYING]).filter(name="森林防火巡护").exists()


def test_a_request_where_nobody_leads_is_refused(regions: Any, daying_officer: Any) -> None:
    with pytest.raises(DutyError, match="须明确主体责任"):
        matter_change_request(
            actor=daying_officer,
            county=regions[DAYING],
            kind="add",
            proposed={"domain": "应急安全", "name": "某事项", "township_role": "supporting", "department": "县应急管理局", "department_role": "supporting"},
            reason="新增",
        )


def test_the_matters_export_reads_back(regions: Any, daying_officer: Any) -> None:
    load_matters(regions, daying_officer)
    from bianzhi.duties.exports import matters_xlsx

    book = load_workbook(io.BytesIO(matters_xlsx(county=regions[DAYING])))
    assert book.active.cell(2, 3).value == "违法占地巡查发现和报告"
    rows = spreadsheets.matters_read(matters_xlsx(county=regions[DAYING]))
    assert len(rows) == 3
