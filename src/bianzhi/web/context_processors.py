from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from bianzhi.kernel.nav import nav_items


def site(request: HttpRequest) -> dict[str, Any]:
    """Top-bar data: the user's region (full name) and roles, and the navigation."""
    # The entry whose URL prefixes the current path is marked current; the
    # home page ("/") only matches itself.
    entries = []
    for item in nav_items():
        url = reverse(item.url_name)
        current = request.path == url if url == "/" else request.path.startswith(url)
        entries.append({"label": item.label, "url": url, "current": current})
    context: dict[str, Any] = {"site_name": "乡镇机构编制资源配置系统", "nav_items": entries}
    user = getattr(request, "user", None)
    scope = getattr(request, "scope", None)
    if user is not None and user.is_authenticated and scope is not None:
        from bianzhi.regions.selectors import region_full_name

        region = scope.region
        context["user_region_name"] = region_full_name(region=region) if region else "全国"
        context["user_role_labels"] = scope.role_labels()
        context["user_is_account_admin"] = scope.is_superuser or bool(
            scope.roles & {"sysadmin", "secadmin"}
        )
    return context
