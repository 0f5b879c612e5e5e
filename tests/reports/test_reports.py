"""Snapshots, the evaluation report, 三定方案 and 备案报告 from live data."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from django.core.exceptions import ValidationError
from tests.conftest import DAYING, PENGLAI
from tests.reports.conftest import D1, D2

from bianzhi.reports.models import Snapshot
from bianzhi.reports.services import (
    evaluation_build,
    filing_build,
    sanding_batch_build,
    sanding_build,
    snapshot_take,
)


def _doc(content: bytes) -> Any:
    return docx.Document(io.BytesIO(content))


def _take(clock: Any, region: Any, on: Any) -> Any:
    """A snapshot on ``on``, taken on that day (a snapshot measures today only)."""
    clock(on)
    return snapshot_take(actor=None, region=region, on=on)


def test_snapshot_figures_are_measured_from_the_apps(
    penglai_data: Any, regions: Any, clock: Any
) -> None:
    _take(clock, regions[DAYING], D1)
    _take(clock, regions[DAYING], D2)
    first = Snapshot.objects.get(region=penglai_data, taken_on=D1).figures
    second = Snapshot.objects.get(region=penglai_data, taken_on=D2).figures
    assert (first["admin_quota"], first["institution_quota"]) == (30, 20)
    assert first["staff"] == 36 and second["staff"] == 40  # four joined on 2021-09-01
    assert first["vacancies"] == 14 and second["vacancies"] == 10
    assert first["usage_rate"] == pytest.approx(36 / 50)
    assert second["seconded_out"] == 1
    assert second["enforcement_staff"] == 3 and second["certification_rate"] == pytest.approx(2 / 3)
    assert second["institutions"] == 3
    # Every township of the county has a snapshot; one without data says None, not 0.
    others = Snapshot.objects.filter(taken_on=D1, region__level="township").exclude(
        region=penglai_data
    )
    assert others.exists() and others.first().figures["admin_quota"] is None
    # Taking the same date again replaces it.
    _take(clock, regions[DAYING], D1)
    assert Snapshot.objects.filter(region=penglai_data, taken_on=D1).count() == 1


def test_sanding_docx_states_the_townships_data(penglai_data: Any) -> None:
    document = _doc(sanding_build(township=penglai_data, on=D2, fmt="docx").content)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "蓬莱镇主要职责、机构设置和人员编制方案"
    assert "蓬莱镇设置党政综合办事机构2个、直属事业单位1个。" in texts
    assert "1. 党政办公室（挂党建工作办公室牌子）" in texts
    assert "蓬莱镇核定行政编制30名、事业编制20名。各机构编制分配如下表。" in texts
    assert "蓬莱镇核定领导职数7名：科级正职2名、科级副职5名。" in texts
    assert "核定中层职数1名，其中党政办公室1名。" in texts
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert rows[1][1:5] == ["党政办公室", "党政综合办事机构", "18", "0"]
    assert rows[-1][1] == "合计" and rows[-1][3:5] == ["30", "20"]
    # No approval recorded: a draft (送审稿), not a document dated the day it was printed.
    assert texts[1] == "（送审稿）"
    assert "结合大英县蓬莱镇（中心镇）实际" in texts[3]


def test_evaluation_report_compares_two_dates_with_charts(
    penglai_data: Any, regions: Any, tmp_path: Path, clock: Any
) -> None:
    county = regions[DAYING]
    with pytest.raises(ValidationError, match="没有 2021-06-30、2021-12-31 的监测快照"):
        evaluation_build(county=county, date_from=D1, date_to=D2, fmt="docx")
    _take(clock, county, D1)
    _take(clock, county, D2)
    document = _doc(evaluation_build(county=county, date_from=D1, date_to=D2, fmt="docx").content)
    texts = [p.text for p in document.paragraphs]
    # 21 characters: two balanced lines (a 22 pt line holds 20).
    assert texts[0] == "大英县乡镇机构编制资源\n配置工作总结评估报告"
    assert len(document.inline_shapes) == 2
    summary = next(t for t in texts if t.startswith("截至2021年12月31日"))
    assert (
        "核定行政编制30名、事业编制20名，实有人员40人，空编10名，编制使用率80.0%（2021年6月30日为72.0%）"
        in summary
    )
    table = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[0].rows}
    assert table["实有人员（人）"][1:] == ["36", "40", "+4", "改善"]
    assert table["编制使用率（%）"][3] == "+8.0 个百分点"
    per_township = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[1].rows}
    assert per_township["蓬莱镇"][1:6] == ["50", "40", "10", "0", "80.0%"]
    assert any("编制使用率低于95%的乡镇（街道）1个：蓬莱镇（80.0%）" in t for t in texts)
    if shutil.which("pdftotext"):
        pdf = tmp_path / "e.pdf"
        pdf.write_bytes(
            evaluation_build(county=county, date_from=D1, date_to=D2, fmt="pdf").content
        )
        text = "".join(
            subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout.split()
        )
        assert "大英县乡镇机构编制资源配置工作总结评估报告" in text and "空编10名" in text
        fonts = subprocess.run(
            ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts)


def test_filing_report_totals(penglai_data: Any, regions: Any) -> None:
    document = _doc(filing_build(county=regions[DAYING], on=D2, fmt="docx").content)
    texts = [p.text for p in document.paragraphs]
    assert "中共遂宁市委机构编制委员会办公室：" in texts
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[0].rows}
    assert rows["蓬莱镇"][1:] == ["中心镇", "2", "1", "30", "20", "7"]
    assert rows["合计"][4:6] == ["30", "20"]


def test_batch_zip_has_every_township_and_the_filing(penglai_data: Any, regions: Any) -> None:
    seen: list[tuple[int, int]] = []
    rendered = sanding_batch_build(
        county=regions[DAYING], on=D2, progress=lambda d, t, m: seen.append((d, t))
    )
    names = zipfile.ZipFile(io.BytesIO(rendered.content)).namelist()
    n = regions[DAYING].children.count()
    assert len(names) == n + 1
    assert f"{PENGLAI}_蓬莱镇三定方案.docx" in names
    assert any(name.startswith("000_") for name in names)
    assert seen[-1] == (n + 1, n + 1)


def test_batch_job_from_the_web(penglai_data: Any, login: Any, daying_officer: Any) -> None:
    from bianzhi.jobs.models import Job
    from bianzhi.jobs.services import jobs_run_pending

    client = login(daying_officer)
    response = client.post(f"/reports/county/{DAYING}/batch/", {"format": "docx"})
    assert response.status_code == 302
    assert jobs_run_pending() == 1
    job = Job.objects.get()
    assert job.status == "done", job.error
    assert job.result_filename.endswith(".zip")


def test_pages_and_downloads(
    penglai_data: Any, login: Any, daying_officer: Any, tongwei_officer: Any, clock: Any
) -> None:
    client = login(daying_officer)
    clock(D1)
    assert (
        client.post(f"/reports/county/{DAYING}/snapshot/", {"on": "2021-06-30"}).status_code == 302
    )
    clock(D2)
    assert (
        client.post(f"/reports/county/{DAYING}/snapshot/", {"on": "2021-12-31"}).status_code == 302
    )
    page = client.get(f"/reports/county/{DAYING}/").content.decode()
    assert "蓬莱镇" in page and "80.0%" in page
    response = client.get(
        f"/reports/county/{DAYING}/evaluation/?from=2021-06-30&to=2021-12-31&format=docx"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    response = client.get(f"/reports/township/{PENGLAI}/sanding/?format=docx")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    client = login(tongwei_officer)
    assert client.get(f"/reports/township/{PENGLAI}/sanding/").status_code == 404
    assert client.post(f"/reports/county/{DAYING}/snapshot/").status_code == 404


def test_cli_docs_and_snapshot(penglai_data: Any, tmp_path: Path, clock: Any) -> None:
    from bianzhi.cli.main import main

    runner = CliRunner()
    out = tmp_path / "蓬莱镇.docx"
    result = runner.invoke(
        main, ["docs", "sanding", PENGLAI, "--out", str(out), "--date", "2021-12-31"]
    )
    assert result.exit_code == 0, result.output
    assert _doc(out.read_bytes()).paragraphs[0].text == "蓬莱镇主要职责、机构设置和人员编制方案"
    result = runner.invoke(main, ["docs", "sanding", PENGLAI, "--out", str(tmp_path / "x.txt")])
    assert result.exit_code == 2 and ".docx" in result.output
    for on, day in ((D1, "2021-06-30"), (D2, "2021-12-31")):
        clock(on)
        result = runner.invoke(main, ["snapshot", "take", DAYING, "--date", day])
        assert result.exit_code == 0 and "监测快照" in result.output
    out = tmp_path / "评估.docx"
    result = runner.invoke(
        main,
        [
            "docs",
            "evaluation",
            DAYING,
            "--from",
            "2021-06-30",
            "--to",
            "2021-12-31",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        main,
        [
            "docs",
            "sanding-batch",
            DAYING,
            "--out",
            str(tmp_path / "全县.zip"),
            "--date",
            "2021-12-31",
        ],
    )
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(tmp_path / "全县.zip")
