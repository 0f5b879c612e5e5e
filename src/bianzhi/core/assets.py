"""Public assets of towns and villages (镇村公有资产), pure Python.

Source: 004_650ebb92df68bbb8.txt《盘活用好镇村公有资产工作方案》: the
register by region and class (二(一)), 3月20日前 the 镇村公有资产清理统计表
(二(一)), transfers "资产随职能和人员走" (二(二)), revitalisation plans with
"清单制+责任制+销号制", 盘活一宗销号一宗 (二(三)), the town's 五个一批 (二(四))
and the villages' 四个一批 (二(五)).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

SOURCE = "004_650ebb92df68bbb8.txt《盘活用好镇村公有资产工作方案》"

OWNERS: tuple[str, ...] = ("镇", "村集体")
CLASSES: tuple[str, ...] = ("办公用房", "土地", "学校校舍", "村活动阵地", "卫生院", "敬老院", "设施设备", "其他")
ORIGINS: tuple[str, ...] = ("原有", "撤并乡镇", "撤并村", "撤并学校", "撤并办事处", "其他")
REGISTRATION: tuple[str, ...] = ("已登记", "办理中", "未登记")
IDLE, IN_USE, REVITALISED, DISPOSED = "闲置", "在用", "已盘活", "已处置"
USE_STATUSES: tuple[str, ...] = (IN_USE, IDLE, REVITALISED, DISPOSED)
RECEIVER_KINDS: tuple[str, ...] = ("镇", "村", "县级部门")

# 004 二(四): the town's state-owned assets (镇国有资产).
TOWN_CATEGORIES: tuple[str, ...] = (
    "充实办公用房一批", "改作公益用房一批", "支持产业发展一批", "市场化处置变现一批", "补充国有资本一批",
)
# 004 二(五): the villages' "四个一批".
VILLAGE_CATEGORIES: tuple[str, ...] = (
    "便民服务提升一批", "公益事业改建一批", "集体经济发展使用一批", "市场运营开发一批",
)
CATEGORIES = TOWN_CATEGORIES + VILLAGE_CATEGORIES


def categories_for(owner: str) -> tuple[str, ...]:
    return VILLAGE_CATEGORIES if owner == "村集体" else TOWN_CATEGORIES


def category_problem(owner: str, category: str) -> str | None:
    allowed = categories_for(owner)
    if category in allowed:
        return None
    which = "“四个一批”" if owner == "村集体" else "“五个一批”"
    return f"{owner}资产的盘活方式应为{which}之一：{'、'.join(allowed)}（依据：{SOURCE}）。"


def use_status_problem(*, current: str, new: str, open_plan: bool) -> str | None:
    """Why an edit may not move an asset's use status from ``current`` to
    ``new`` (None: it may). 已处置 is final; 已盘活 is reached only by a
    plan's close-out (盘活一宗销号一宗, 004 二(五)); an idle asset under a
    revitalisation plan not yet closed leaves 闲置 only through that plan."""
    if current == new:
        return None
    if current == DISPOSED:
        return "资产已处置，不能再改变使用状态。"
    if new == REVITALISED:
        return f"“已盘活”须经盘活方案销号审核（盘活一宗销号一宗，依据：{SOURCE}）。"
    if open_plan:
        return f"该资产的盘活方案尚未销号，使用状态随方案销号变化（依据：{SOURCE}）。"
    return None


@dataclass(frozen=True)
class InventoryItem:
    """One asset as the 清理统计表 counts it."""

    owner: str
    village: str
    asset_class: str
    area: Decimal | None
    book_value: Decimal | None
    use_status: str
    registration: str


@dataclass(frozen=True)
class InventoryStat:
    """One line of the 清理统计表: owner, region (镇本级 or the village), class."""

    owner: str
    region: str
    asset_class: str
    count: int
    area: Decimal
    book_value: Decimal
    in_use: int
    idle: int
    revitalised: int
    disposed: int
    registered: int


TOWN_LEVEL = "镇本级"


def inventory_statistics(items: Iterable[InventoryItem]) -> list[InventoryStat]:
    """004 二(一) asks for the assets 分区域、分类别 with 权属、分布和使用状况:
    one line per owner (镇 first, then 村集体), region and class, in that order."""
    groups: dict[tuple[int, str, str, str], list[InventoryItem]] = defaultdict(list)
    for item in items:
        region = item.village.strip() or TOWN_LEVEL
        owner_order = OWNERS.index(item.owner) if item.owner in OWNERS else len(OWNERS)
        groups[(owner_order, item.owner, region, item.asset_class)].append(item)
    lines = []
    for (_, owner, region, cls), group in sorted(groups.items()):
        lines.append(
            InventoryStat(
                owner=owner, region=region, asset_class=cls, count=len(group),
                area=sum((i.area or Decimal(0) for i in group), Decimal(0)),
                book_value=sum((i.book_value or Decimal(0) for i in group), Decimal(0)),
                in_use=sum(i.use_status == IN_USE for i in group),
                idle=sum(i.use_status == IDLE for i in group),
                revitalised=sum(i.use_status == REVITALISED for i in group),
                disposed=sum(i.use_status == DISPOSED for i in group),
                registered=sum(i.registration == "已登记" for i in group),
            )
        )
    return lines


def inventory_deadline(year: int) -> dt.date:
    """004 二(一): the 清理统计表 is due 3月20日前."""
    return dt.date(year, 3, 20)


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
