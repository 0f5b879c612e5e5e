"""``{% load scope_tags %}`` then ``{% if request|may_view:code %}``: whether the
user may open the region with ``code`` (so a breadcrumb shows only links that
open, e.g. no county link for a township user)."""

from __future__ import annotations

from typing import Any

from django import template

from bianzhi.accounts.scope import scope_of

register = template.Library()


@register.filter
def may_view(request: Any, code: str) -> bool:
    if request is None or not code:
        return False
    return scope_of(request).regions().filter(code=code).exists()


@register.simple_tag
def region_name(code: str) -> str:
    from bianzhi.regions.models import Region

    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code
