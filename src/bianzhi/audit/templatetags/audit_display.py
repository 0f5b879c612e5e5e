"""``{% audit_history records as history %}``: a detail page's 变更记录, readable
(bianzhi.audit.display) and cut to the newest ``DETAIL_PAGE_SIZE`` records with a
link to the paginated list on /audit/ holding the rest."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from bianzhi.audit.display import history_rows

register = template.Library()

DETAIL_PAGE_SIZE = 20


@register.simple_tag
def audit_history(records: Any, limit: int = DETAIL_PAGE_SIZE) -> dict[str, Any]:
    shown = list(records[: limit + 1]) if hasattr(records, "__getitem__") else list(records)
    more_url = ""
    if len(shown) > limit:
        first = shown[0]
        query = urlencode({"object_type": first.object_type, "object_id": first.object_id})
        more_url = f"{reverse('audit:list')}?{query}"
        shown = shown[:limit]
    return {"rows": history_rows(shown), "more_url": more_url}
