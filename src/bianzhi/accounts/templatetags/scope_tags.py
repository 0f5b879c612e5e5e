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
    # Asked once per code and request: a ledger table asks it on every row
    # (20 identical queries on a plan page).
    answers: dict[str, bool] | None = getattr(request, "_may_view", None)
    if answers is None:
        answers = {}
        request._may_view = answers
    if code not in answers:
        answers[code] = scope_of(request).regions().filter(code=code).exists()
    return answers[code]


@register.simple_tag
def region_name(code: str) -> str:
    from bianzhi.regions.models import Region

    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code
