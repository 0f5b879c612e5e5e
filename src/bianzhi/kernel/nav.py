"""The top navigation, as data other apps extend.

Apps add their entry from their ``AppConfig.ready()`` (or module import)::

    from bianzhi.kernel.nav import NavItem, nav_register
    nav_register(NavItem(label="乡镇", url_name="townships:list", order=30))
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100


NAV_ITEMS: list[NavItem] = [
    NavItem(label="首页", url_name="web:home", order=0),
    NavItem(label="行政区划", url_name="regions:browse", order=10),
    NavItem(label="变更记录", url_name="audit:list", order=90),
]


def nav_register(item: NavItem) -> None:
    """Add a navigation entry (idempotent by url_name)."""
    if all(existing.url_name != item.url_name for existing in NAV_ITEMS):
        NAV_ITEMS.append(item)


def nav_items() -> list[NavItem]:
    return sorted(NAV_ITEMS, key=lambda item: (item.order, item.label))
