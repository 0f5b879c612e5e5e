"""Grids and service matters of a township (网格 / 便民服务事项): the rules
with their policy sources and the figures they are judged on. Pure Python:
no Django, no I/O; the grids app passes plain counts in.

Policy sources (shared/policy):

* 002 §2: 100% of the township's government-service matters handled in the
  one-stop hall (进驻率); village service points cover every village
  (村级便民服务点……全覆盖).
* 002 §6, §7: one integrated grid per basic unit under villages (多网合一);
  grid workers 定人、定岗、定责; departments' grid tasks and matters lists.
* 003 §一(三)一是: 33 high-frequency service matters handled in villages.
* 004《优化机构编制资源配置工作方案》§二(五): the "1+1+N" link of an
  enforcement officer, the village and the grid workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

P002 = "002_3a9e3071a16f65c8.txt"
P003 = "003_9e6110b5b282007e.txt"
P004 = "004_650ebb92df68bbb8.txt"


class Severity(StrEnum):
    WARNING = "预警"
    BLOCK = "阻止"


@dataclass(frozen=True)
class GridRule:
    id: str
    title: str
    description: str
    source: str
    severity: Severity


SERVICE_POINT = GridRule(
    id="village-service-point",
    title="村级便民服务点全覆盖",
    description="每个村（社区）设有便民服务点。",
    source=f"{P002} §2",
    severity=Severity.WARNING,
)
GRID_WORKER = GridRule(
    id="grid-worker",
    title="网格定人定岗定责",
    description="每个网格至少有1名网格员：新建网格须同时登记网格员，网格的最后一名网格员不能移除。",
    source=f"{P002} §6、§7",
    severity=Severity.BLOCK,
)
HALL_SHARE = GridRule(
    id="hall-share",
    title="政务服务事项进驻率",
    description="乡镇政务服务事项进驻综合性便民服务大厅办理的比例达到目标（100%）。",
    source=f"{P002} §2",
    severity=Severity.WARNING,
)
VILLAGE_MATTERS = GridRule(
    id="village-matters",
    title="高频事项下沉村（社区）",
    description="下沉村（社区）办理的高频便民服务事项达到参考数（33项）。",
    source=f"{P003} §一(三)一是",
    severity=Severity.WARNING,
)
ONE_ONE_N = GridRule(
    id="grid-link",
    title="“1+1+N”网格防控",
    description="每个网格明确1名执法人员、1名村（社区）联系人和N名网格员。",
    source=f"{P004}《优化机构编制资源配置工作方案》§二(五)",
    severity=Severity.WARNING,
)
RULES: tuple[GridRule, ...] = (SERVICE_POINT, GRID_WORKER, HALL_SHARE, VILLAGE_MATTERS, ONE_ONE_N)

HALL_TARGET_PERCENT = 100
VILLAGE_MATTERS_TARGET = 33


@dataclass(frozen=True)
class GridFinding:
    rule: GridRule
    subject: str  # what it is about, e.g. the village's or grid's name
    message: str

    @property
    def source(self) -> str:
        return self.rule.source


@dataclass(frozen=True)
class VillageState:
    name: str
    has_service_point: bool


@dataclass(frozen=True)
class GridState:
    village: str
    name: str
    workers: int
    enforcement_officer: str
    village_contact: str


@dataclass(frozen=True)
class MatterCounts:
    total: int
    in_hall: int
    at_village: int


def percent(part: int, whole: int) -> int | None:
    """Whole-number percentage rounded down (so 99.6% never shows as 100%), None for 0/0."""
    return None if whole == 0 else part * 100 // whole


def hall_share_met(counts: MatterCounts, target: int = HALL_TARGET_PERCENT) -> bool:
    """The target is met when in_hall/total >= target% (exact integer comparison)."""
    return counts.total == 0 or counts.in_hall * 100 >= target * counts.total


def township_findings(
    *,
    villages: Sequence[VillageState],
    grids: Sequence[GridState],
    matters: MatterCounts,
) -> list[GridFinding]:
    """Every finding of the rules above for one township, in rule order."""
    found: list[GridFinding] = []
    for village in villages:
        if not village.has_service_point:
            found.append(GridFinding(SERVICE_POINT, village.name, f"{village.name}未设便民服务点"))
    for grid in grids:
        if grid.workers < 1:
            found.append(GridFinding(GRID_WORKER, grid.name, f"{grid.village}{grid.name}没有网格员"))
    if not hall_share_met(matters):
        share = percent(matters.in_hall, matters.total)
        found.append(
            GridFinding(
                HALL_SHARE,
                "便民服务大厅",
                f"进驻率{share}%（{matters.in_hall}/{matters.total}项），目标{HALL_TARGET_PERCENT}%",
            )
        )
    if matters.total and matters.at_village < VILLAGE_MATTERS_TARGET:
        found.append(
            GridFinding(
                VILLAGE_MATTERS,
                "村（社区）便民服务",
                f"下沉村（社区）办理{matters.at_village}项，参考数{VILLAGE_MATTERS_TARGET}项",
            )
        )
    for grid in grids:
        missing = [
            label
            for label, value in (("执法人员", grid.enforcement_officer), ("村（社区）联系人", grid.village_contact))
            if not value.strip()
        ]
        if missing:
            found.append(
                GridFinding(ONE_ONE_N, grid.name, f"{grid.village}{grid.name}未明确{'、'.join(missing)}")
            )
    return found
