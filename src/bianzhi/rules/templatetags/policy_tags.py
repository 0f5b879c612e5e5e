"""``{{ source|policy_basis }}``: a rule's source as 《title》§clause, each
citation linked to the page showing the passage in context."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from bianzhi.core.policy import citations

register = template.Library()


@register.filter
def policy_basis(source: str) -> SafeString:
    parts = []
    for text, citation in citations(source or ""):
        if citation is None:
            parts.append(format_html("{}", text))
            continue
        query = {"clause": citation.clause}
        if citation.part:
            query["part"] = citation.part
        url = f"{reverse('policy_rules:policy', args=[citation.document.number])}?{urlencode(query)}"
        parts.append(format_html('<a href="{}#passage">{}</a>', url, citation.text))
    return mark_safe("".join(parts))
