"""Import → finding → fix → finding gone, in Chromium."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tests.staffing import PENGLAI, approve, id_number

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.roster.importing import HEADERS


def _roster(path: Path, count: int) -> Path:
    rows = []
    for serial in range(1, count + 1):
        values = {h: None for h in HEADERS}
        values.update({"身份证号": id_number(serial), "姓名": f"测试{serial}", "乡镇代码": PENGLAI,
                       "编制类型": "行政编制", "入编日期": date(2015, 9, 1)})
        rows.append([values[h] for h in HEADERS])
    path.write_bytes(write_workbook("实名制名册", HEADERS, rows))
    return path


def test_an_import_over_quota_shows_a_finding_that_goes_once_fixed(
    page: Any, browser_login: Any, daying_officer: Any, tmp_path: Path
) -> None:
    approve(PENGLAI, admin=2, institution=0)
    browser_login(page, "daying")

    # 1. Import three persons into two admin quotas: previewed, then committed.
    page.goto("/roster/import/")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(_roster(tmp_path / "名册.xlsx", 3)))
    page.get_by_role("button", name="上传并校验").click()
    assert "新增3人，变更0人，未变0人" in page.get_by_test_id("import-summary").inner_text()
    page.get_by_role("button", name="确认导入").click()

    # 2. The findings page shows the over-quota finding with its source.
    page.wait_for_url("**/rules/findings/")
    row = page.locator("tr[data-rule='over-quota']")
    assert "行政编制在编3人，超过核定2名，超编1名" in row.inner_text()
    assert "《关于优化乡镇机构编制资源配置的工作方案》§(三)1" in row.inner_text()

    # 3. The finding links to the township's roster; one person leaves (出编).
    row.get_by_role("link", name="蓬莱镇").click()
    page.get_by_role("link", name="测试3").click()
    page.locator("summary", has_text="出编").click()
    page.get_by_label("出编原因").fill("调离")
    page.get_by_role("button", name="出编").click()
    page.locator(".messages").wait_for()
    assert "已保存" in page.locator(".messages").inner_text()
    assert "已出编" in page.locator("h1").inner_text()

    # 4. The finding is gone.
    page.goto("/rules/findings/")
    assert page.locator("tr[data-rule='over-quota']").count() == 0
