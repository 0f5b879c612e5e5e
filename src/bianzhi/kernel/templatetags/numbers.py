"""``{{ value|plain_number }}``: a stored decimal as people write it, without
trailing zeros (96.2, not 96.2000; 1200, not 1.2E+3), at most four decimals.
``{{ value|vacancy }}``: 空编 as people say it: 5, or 超编1 for −1."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def plain_number(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def vacancy(value: Any) -> str:
    """A vacancy count; a negative one is an excess (超编), said without a minus."""
    if value is None or value == "":
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"超编{-number}" if number < 0 else str(number)
