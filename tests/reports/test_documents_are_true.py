"""Issue 12 §4: the evaluation and filing reports state only what the data shows.

Each test builds the data that the old reports got wrong and reads the
generated .docx back.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from django.core.exceptions import ValidationError
from tests.conftest import DAYING, PENGLAI, SUINING
from tests.reports.conftest import D1, D2

from bianzhi.reports.services import evaluation_build, filing_build, snapshot_take


def _texts(content: bytes) -> tuple[list[str], Any]:
    document = docx.Document(io.BytesIO(content))
    return [p.text for p in document.paragraphs], document


def _both(clock: Any, region: Any) -> None:
    for on in (D1, D2):
        clock(on)
        snapshot_take(actor=None, region=region, on=on)


def _evaluation(region: Any) -> tuple[list[str], Any]:
    return _texts(evaluation_build(county=region, date_from=D1, date_to=D2, fmt="docx").content)


def _matters(county: Any, count: int) -> None:
    from bianzhi.duties.models import TerritorialMatter

    for i in range(count):
        TerritorialMatter.objects.create(
            county=county,
            code=f"S{i}",
            domain="应急管理",
            name=f"属地事项{i}",
            township_role="lead" if i < 2 else "supporting",
            department="县应急管理局",
            department_role="supporting" if i < 2 else "lead",
            document_number="大委编发〔2021〕3号",
        )


def test_territorial_matters_are_counted_once_per_county(
    penglai_data: Any, regions: Any, clock: Any
) -> None:
    county = regions[DAYING]
    _matters(county, 3)
    _both(clock, county)
    assert county.children.count() > 1  # summed per township it would be 3 × that
    _, document = _evaluation(county)
    table = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[0].rows}
    assert table["属地事项（项）"][1:3] == ["3", "3"]


def test_county_level_findings_are_in_the_problems(
    penglai_data: Any, regions: Any, clock: Any
) -> None:
    from bianzhi.rules.models import StoredFinding

    county = regions[DAYING]
    StoredFinding.objects.create(
        county=county,
        township=None,
        rule="no-total-decrease",
        severity="block",
        object_kind="county",
        object_id=DAYING,
        object_label="大英县",
        message="全县乡镇事业编制总量209名，少于上次核定的213名",
        source="001 §(三)1",
        evaluated_at=dt.datetime(2021, 12, 31, tzinfo=dt.UTC),
    )
    _both(clock, county)
    texts, _ = _evaluation(county)
    assert any(
        "全县（区）层面的问题1条：全县乡镇事业编制总量209名，少于上次核定的213名。" in t
        for t in texts
    ), texts


def test_over_quota_is_shown_apart_from_vacancies(
    penglai_data: Any, regions: Any, clock: Any
) -> None:
    from bianzhi.roster.models import Person
    from bianzhi.townships.models import ApprovedQuota

    county = regions[DAYING]
    # 蓬莱镇 has 50 approved and 40 people; another township 2 approved and 5 people.
    other = next(t for t in county.children.order_by("code") if t.code != PENGLAI)
    ApprovedQuota.objects.create(township=other, quota_type="行政编制", count=2)
    for i in range(5):
        Person.objects.create(
            id_number=f"51092319800101{i:03d}X"[:18],
            name=f"超编{i}",
            gender="女",
            birth_date=dt.date(1980, 1, 1),
            region=other,
            quota_type="行政编制",
            entry_date=dt.date(2020, 1, 1),
            status="on-post",
        )
    _both(clock, county)
    texts, document = _evaluation(county)
    summary = next(t for t in texts if t.startswith("截至2021年12月31日"))
    # Netted it would read 空编7名 (10 - 3).
    assert "空编10名、超编3名" in summary
    per_township = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[1].rows}
    assert per_township[other.name][3:5] == ["0", "3"]
    assert any(
        f"实有人员超过核定编制的乡镇（街道）1个：{other.name}（超编3名）" in t for t in texts
    )


def test_thresholds_come_from_the_region_rule_settings(
    penglai_data: Any, regions: Any, clock: Any
) -> None:
    from bianzhi.rules.models import RuleSetting

    county = regions[DAYING]
    RuleSetting.objects.create(region=county, rule="usage-rate", parameters={"min_percent": 90})
    RuleSetting.objects.create(region=county, rule="enforcement-staff", enabled=False)
    _both(clock, county)
    texts, _ = _evaluation(county)
    assert any("编制使用率低于90%的乡镇（街道）1个：蓬莱镇（80.0%）" in t for t in texts), texts
    assert not any("95%" in t for t in texts)
    assert not any("综合执法人员少于" in t for t in texts)


def test_a_snapshot_for_another_day_than_today_is_refused(
    penglai_data: Any, regions: Any, clock: Any
) -> None:
    from bianzhi.reports.models import Snapshot

    clock(D2)
    with pytest.raises(ValidationError, match="只能记录当天（2021-12-31）"):
        snapshot_take(actor=None, region=regions[DAYING], on=D1)
    assert not Snapshot.objects.exists()


def test_city_evaluation_and_filing_have_a_row_per_county(
    penglai_data: Any, regions: Any, clock: Any, tmp_path: Path
) -> None:
    from bianzhi.cli.main import main

    city = regions[SUINING]
    _both(clock, city)
    texts, document = _evaluation(city)
    assert texts[0].replace("\n", "") == "遂宁市乡镇机构编制资源配置工作总结评估报告"
    assert any(
        t.startswith("根据2021年6月30日和2021年12月31日两次监测数据，对全市1个县") for t in texts
    )
    per_county = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[1].rows}
    assert per_county["大英县"][1:4] == ["50", "40", "10"]
    texts, document = _texts(filing_build(county=city, on=D2, fmt="docx").content)
    assert "中共四川省委机构编制委员会办公室：" in texts
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[0].rows}
    assert rows["大英县"][4:6] == ["30", "20"]
    out = tmp_path / "市.docx"
    result = CliRunner().invoke(
        main,
        [
            "docs",
            "evaluation",
            SUINING,
            "--from",
            "2021-06-30",
            "--to",
            "2021-12-31",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(
        main, ["docs", "filing", SUINING, "--out", str(tmp_path / "f.docx")]
    )
    assert result.exit_code == 0, result.output


def test_filing_report_claims_no_control_number_it_does_not_have(
    penglai_data: Any, regions: Any
) -> None:
    texts, _ = _texts(filing_build(county=regions[DAYING], on=D2, fmt="docx").content)
    joined = "".join(texts)
    assert "未突破上级下达的控制数" not in joined
    assert (
        "上级下达的行政编制、事业编制控制数未在本系统登记，本报告不对是否突破控制数作出说明。"
        in texts
    )


def test_filing_report_names_the_failing_checks(penglai_data: Any, regions: Any) -> None:
    from bianzhi.roster.models import Person

    # 蓬莱镇: 30 行政编制 approved, 25 on the roster; five more put it over.
    for i in range(6):
        Person.objects.create(
            id_number=f"51092319700101{i:03d}X"[:18],
            name=f"多{i}",
            gender="男",
            birth_date=dt.date(1970, 1, 1),
            region=penglai_data,
            quota_type="行政编制",
            entry_date=dt.date(2020, 1, 1),
            status="on-post",
        )
    texts, _ = _texts(filing_build(county=regions[DAYING], on=D2, fmt="docx").content)
    failing = next(t for t in texts if "存在不符合规定的问题" in t)
    assert "不得超编（蓬莱镇" in failing
    assert not any("未发现违反阻止级规则的问题" in t for t in texts)
    # The ledger of 蓬莱镇 (18 + 12 行政, 20 事业) matches its approved 30 / 20.
    assert "各乡镇（街道）机构编制台账合计与核定编制一致。" in texts


def test_sanding_states_approval_roles_agencies_middle_posts_enforcement_and_offices(
    penglai_data: Any, regions: Any
) -> None:
    from bianzhi.institutions.models import Institution
    from bianzhi.reports.services import sanding_build
    from bianzhi.townships.models import QuotaLedgerEntry

    county = regions[DAYING]
    _matters(county, 5)  # 2 主体责任, 3 配合责任
    Institution.objects.create(
        region=penglai_data,
        name="蓬莱镇派出所",
        kind="dispatched-agency",
        established_on=dt.date(2020, 1, 1),
    )
    for number, day in (
        ("大委编发〔2021〕2号", dt.date(2021, 3, 1)),
        ("大委编发〔2021〕9号", dt.date(2021, 8, 16)),
        ("大委编发〔2022〕1号", dt.date(2022, 1, 5)),
    ):
        QuotaLedgerEntry.objects.create(
            township=penglai_data,
            quota_type="行政编制",
            after=30,
            document_number=number,
            date=day,
            reason="核定",
        )
    texts, _ = _texts(sanding_build(township=penglai_data, on=D2, fmt="docx").content)
    # The approval in force on 2021-12-31, not the day the file is generated.
    assert texts[1] == "大委编发〔2021〕9号"
    assert texts[-1] == "2021年8月16日"
    assert (
        "蓬莱镇承接属地事项责任清单事项5项（其中承担主体责任2项、配合责任3项），按清单履行职责。"
        in texts
    )
    # The 派出所 is vertical: not one of the township's institutions.
    assert "蓬莱镇设置党政综合办事机构2个、直属事业单位1个。" in texts
    assert not any(t.startswith("1. 蓬莱镇派出所") for t in texts)
    assert "蓬莱镇派出所为派驻机构，实行派驻体制，不列入本方案的机构和编制。" in texts
    assert "核定中层职数1名，其中党政办公室1名。" in texts
    # 3 enforcement staff, 2 with a valid certificate on 2021-12-31 (expiry 2025).
    assert (
        "蓬莱镇从事综合行政执法工作的人员3名（其中持有效执法证2名），达到不低于2名的要求；"
        "执法机构负责人未在本系统登记。"
    ) in texts
    missing = next(t for t in texts if t.startswith("按全县统一设置的机构，蓬莱镇尚未设置："))
    assert "综合办公室" in missing and "便民服务中心" not in missing


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["乡镇", "机构", "领域", "职责"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_main_duties_import_reports_every_bad_cell_and_saves_nothing(
    penglai_data: Any, regions: Any, tmp_path: Path
) -> None:
    from bianzhi.reports.importing import main_duties_parse
    from bianzhi.reports.models import MainDuty

    path = _workbook(
        tmp_path / "bad.xlsx",
        [
            ["蓬莱镇", "", "党的建设", "负责本镇党的建设。"],
            ["不存在镇", "", "经济发展", "x"],
            ["蓬莱镇", "不存在的办公室", "社会事务", "y"],
            ["蓬莱镇", "", "", ""],
        ],
    )
    plan = main_duties_parse(source=path, filename="bad.xlsx", county=regions[DAYING])
    assert [(e.row, e.column) for e in plan.errors] == [
        (3, "乡镇"),
        (4, "机构"),
        (5, "领域"),
        (5, "职责"),
    ]
    assert "“不存在镇”不是大英县的乡镇（街道）" in str(plan.errors[0])
    result = CliRunner().invoke(_main(), ["import", "main-duties", DAYING, str(path)])
    assert result.exit_code == 1 and "未导入任何数据" in result.output
    assert not MainDuty.objects.exists()


def _main() -> Any:
    from bianzhi.cli.main import main

    return main


def test_main_duties_go_into_the_sanding_before_the_powers_summary_with_history(
    penglai_data: Any, regions: Any, tmp_path: Path
) -> None:
    from bianzhi.audit.models import AuditRecord
    from bianzhi.reports.services import main_duties_replace, sanding_build

    template = tmp_path / "模板.xlsx"
    result = CliRunner().invoke(
        _main(), ["import", "main-duties", DAYING, str(template), "--template"]
    )
    assert result.exit_code == 0 and template.exists()
    path = _workbook(
        tmp_path / "duties.xlsx",
        [
            [PENGLAI, "", "党的建设", "负责本镇党的建设和基层组织建设。"],
            ["蓬莱镇", "", "经济发展", "统筹推进乡村振兴和产业发展。"],
            ["蓬莱镇", "综合行政执法办公室", "平安法治", "承担综合行政执法协调工作。"],
        ],
    )
    result = CliRunner().invoke(_main(), ["import", "main-duties", DAYING, str(path)])
    assert result.exit_code == 0, result.output
    texts, _ = _texts(sanding_build(township=penglai_data, on=D2, fmt="docx").content)
    start = texts.index("一、主要职责")
    assert texts[start + 1 : start + 3] == [
        "（一）党的建设：负责本镇党的建设和基层组织建设。",
        "（二）经济发展：统筹推进乡村振兴和产业发展。",
    ]
    assert "2. 综合行政执法办公室。平安法治：承担综合行政执法协调工作" in texts
    # An edit replaces the list; the audit log keeps both versions.
    main_duties_replace(
        actor=None, township=penglai_data, entries=[(None, "党的建设", "新的表述。")]
    )
    records = AuditRecord.objects.filter(object_type="reports.mainduty").order_by("id")
    assert records.count() == 2
    assert records.last().before["主要职责"][0]["职责"] == "负责本镇党的建设和基层组织建设。"
    assert records.last().after["主要职责"] == [
        {"机构": "", "领域": "党的建设", "职责": "新的表述。"}
    ]


def test_filing_report_quotes_the_recorded_control_numbers(
    penglai_data: Any, regions: Any, clock: Any
) -> None:
    from bianzhi.townships.services import control_number_set

    clock(D2)
    county = regions[DAYING]
    control_number_set(
        county=county, quota_type="行政编制", count=40, document_number="遂编发〔2021〕7号", date=D1
    )
    control_number_set(
        county=county, quota_type="事业编制", count=15, document_number="遂编发〔2021〕8号", date=D1
    )
    texts, _ = _texts(filing_build(county=county, on=D2, fmt="docx").content)
    assert "全县乡镇行政编制核定总量未突破上级下达的控制数（40名，遂编发〔2021〕7号）。" in texts
    over = next(t for t in texts if t.startswith("突破上级下达的控制数："))
    assert "事业编制核定总量20名，超过上级下达的控制数15名" in over
    assert not any("控制数未在本系统登记" in t for t in texts)
