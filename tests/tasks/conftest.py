"""Fixtures for the work-plan tests: 004's asset plan imported for 蓬莱镇."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook
from tests.conftest import PENGLAI

# The task table of 004's "盘活用好镇村公有资产工作方案", abridged responsible units.
ROWS_004 = [
    (
        "1",
        "组织开展资产清查",
        "财政办、农业综合服务中心",
        "各村(社区),各总支,社事办、卫健办、司法所、派出所等",
        "2021年3月31日前",
    ),
    (
        "2",
        "做好资产移交管理",
        "财政办、农业综合服务中心",
        "各村(社区),各总支,社事办",
        "2021年5月31日前",
    ),
    ("3", "分类制定盘活方案", "财政办、农业综合服务中心", "各村(社区),各总支", "2021年6月30日前"),
    ("4", "盘活镇国有资产", "财政办", "各村(社区),村建办、经济发展办等", "2021年12月底前"),
    ("5", "盘活村级活动阵地", "农业综合服务中心", "各村(社区),财政办、村建办", "2021年12月底前"),
]


def xlsx(
    rows: list[tuple[str, ...]],
    header: tuple[str, ...] = ("序号", "工作任务", "牵头单位", "责任单位", "完成时限"),
    title: str = "任务清单",
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class FakeUpload(io.BytesIO):
    """What views get from request.FILES, enough for the services."""

    def __init__(self, name: str, data: bytes) -> None:
        super().__init__(data)
        self.name = name
        self.size = len(data)


PDF = b"%PDF-1.4\n% evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


@pytest.fixture
def plan(regions: Any, daying_officer: Any) -> Any:
    from bianzhi.adapters.xlsx_tasks import read_task_table
    from bianzhi.tasks.services import plan_import

    return plan_import(
        actor=daying_officer,
        region=regions[PENGLAI],
        title="盘活用好镇村公有资产工作方案",
        rows=read_task_table(xlsx(ROWS_004)),
        source="004 蓬莱镇28个工作方案之二",
        issued_on=dt.date(2021, 8, 19),
    )


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
