"""The top navigation, as data other apps extend.

Apps add their entry from their ``AppConfig.ready()`` (or module import)::

    from bianzhi.kernel.nav import NavItem, nav_register
    nav_register(NavItem(label="乡镇", url_name="townships:list", order=30, section="编制测算"))

Entries are grouped into a few sections that follow how an office works
(``NAV_SECTIONS``); the bar shows the sections and, under them, the entries
of the current one. An entry naming no known section lands in 系统.
"""

from __future__ import annotations

from dataclasses import dataclass

# In display order. 首页 stands alone before them.
NAV_SECTIONS: tuple[str, ...] = (
    "编制测算",
    "机构与人员",
    "权责与职责准入",
    "派驻与考核",
    "督导与评估",
    "系统",
)
HOME_SECTION = ""
DEFAULT_SECTION = "系统"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    section: str = DEFAULT_SECTION
    # Roles that may not open the page (三权分立: the 系统管理员 and the
    # 安全管理员 do not read the audit trail); the entry is not shown to them.
    hidden_for: frozenset[str] = frozenset()

    def shown_to(self, roles: frozenset[str] | set[str]) -> bool:
        return not (self.hidden_for & set(roles))


NAV_ITEMS: list[NavItem] = [
    NavItem(label="首页", url_name="web:home", order=0, section=HOME_SECTION),
    NavItem(label="行政区划", url_name="regions:browse", order=10, section="编制测算"),
    NavItem(label="变更记录", url_name="audit:list", order=90, section="系统",
            hidden_for=frozenset({"sysadmin", "secadmin"})),
]


def nav_register(item: NavItem) -> None:
    """Add a navigation entry (idempotent by url_name)."""
    if all(existing.url_name != item.url_name for existing in NAV_ITEMS):
        NAV_ITEMS.append(item)


def nav_items() -> list[NavItem]:
    return sorted(NAV_ITEMS, key=lambda item: (item.order, item.label))


def nav_section_of(item: NavItem) -> str:
    if item.section == HOME_SECTION or item.section in NAV_SECTIONS:
        return item.section
    return DEFAULT_SECTION
