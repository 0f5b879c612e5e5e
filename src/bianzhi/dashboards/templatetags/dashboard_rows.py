"""``{% township_rows rows "enforcement" %}``: the body of a per-township
table on a dashboard, written in Python.

A province's dashboard lists its 3,111 townships in two tables (执法, 资产):
through the template engine that is some 45,000 nodes and most of the
page's time. The rows come out exactly as the loop in the template wrote
them (a test compares the two): each value escaped and localised as
``{{ value }}`` does, None shown as "—", a percentage sign after a rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Per table: the keys of each row's cells after the name; a key in RATES
# gets "%" after it unless it is None.
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "enforcement": ("cases", "open", "closed", "transferred", "average_days_to_close", "certificate_rate"),
    "assets": ("total", "idle", "revitalised", "idle_share", "revitalised_share", "closed_plans"),
}
RATES = frozenset({"certificate_rate"})
# Cells written with default_if_none:"—" in the template.
DASHED = frozenset({"average_days_to_close", "certificate_rate", "idle_share", "revitalised_share"})


@register.simple_tag
def township_rows(rows: Iterable[Mapping[str, Any]], table: str) -> SafeString:
    keys = COLUMNS[table]
    parts: list[str] = []
    # The same few counts and rates recur in every row: localise each once.
    memo: dict[tuple[type, Any], str] = {}

    def _value(value: Any) -> str:
        key = (value.__class__, value)
        text = memo.get(key)
        if text is None:
            text = memo[key] = str(conditional_escape(localize(value)))
        return text

    for r in rows:
        cells = [f"<tr><td>{_value(r['name'])}</td>"]
        for key in keys:
            v = r[key]
            text = "—" if v is None and key in DASHED else _value(v)
            if key in RATES and v is not None:
                text += "%"
            cells.append(f'<td class="num">{text}</td>')
        cells.append("</tr>")
        parts.append("".join(cells))
    return mark_safe("".join(parts))  # noqa: S308  # every value escaped above
