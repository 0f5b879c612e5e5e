from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from bianzhi.kernel.nav import HOME_SECTION, NAV_SECTIONS, nav_items, nav_section_of


def _navigation(path: str, roles: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Sections with their entries; the entry whose URL is the longest prefix
    of the current path is current (the home page "/" only matches itself),
    and so is its section."""
    entries: list[dict[str, Any]] = []
    for item in nav_items():
        if not item.shown_to(roles):
            continue
        url = reverse(item.url_name)
        matches = path == url if url == "/" else path.startswith(url)
        entries.append({"label": item.label, "url": url, "current": False,
                        "section": nav_section_of(item), "_match": len(url) if matches else -1})
    best = max(entries, key=lambda e: int(e["_match"]), default=None)
    if best is not None and int(best["_match"]) >= 0:
        best["current"] = True
    current_section = best["section"] if best is not None and best["current"] else None
    sections = []
    for name in NAV_SECTIONS:
        items = [e for e in entries if e["section"] == name]
        if items:
            sections.append({"label": name, "url": items[0]["url"], "items": items,
                             "current": name == current_section})
    home = [e for e in entries if e["section"] == HOME_SECTION]
    return {
        "nav_items": entries,
        "nav_home": home,
        "nav_sections": sections,
        "nav_current_section": next((s for s in sections if s["current"]), None),
    }


def site(request: HttpRequest) -> dict[str, Any]:
    """Top-bar data: the user's region (full name) and roles, and the navigation."""
    user = getattr(request, "user", None)
    scope = getattr(request, "scope", None)
    roles = frozenset(scope.roles) if scope is not None and user is not None and user.is_authenticated else frozenset()
    context: dict[str, Any] = {"site_name": settings.SITE_NAME, **_navigation(request.path, roles)}
    if user is not None and user.is_authenticated and scope is not None:
        from bianzhi.regions.selectors import region_full_name

        region = scope.region
        context["user_region_name"] = region_full_name(region=region) if region else "全国"
        context["user_role_labels"] = scope.role_labels()
        context["user_is_account_admin"] = scope.is_superuser or bool(
            scope.roles & {"sysadmin", "secadmin"}
        )
    return context
