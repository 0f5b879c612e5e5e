"""Form fields for numbers and dates typed into requests, bounded so that
whatever passes them fits the database.

Without bounds a 20-digit integer passes ``forms.IntegerField`` and crashes
the query (SQLite cannot bind it, PostgreSQL refuses it), ``Decimal("NaN")``
raises on the first comparison, and a date such as 9999-12-31 overflows the
first time a day is added to it. Every integer and date a view reads from a
request goes through one of these, every decimal through a
``forms.DecimalField`` with the ``max_digits`` of its column (which refuses
NaN and Infinity), so bad input is a Chinese form error and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# PostgreSQL integer (IntegerField, PositiveIntegerField) and bigint
# (BigAutoField primary keys) ranges.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
BIGINT_MAX = 2**63 - 1
# Dates of this application's records: documents, deadlines, ledger entries.
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2200, 12, 31)
YEAR_MIN, YEAR_MAX = DATE_MIN.year, DATE_MAX.year

# ISO format: a localised (zh-hans) value is empty in an <input type="date">.
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def integer_field(
    label: str, *, min_value: int = INT_MIN, max_value: int = INT_MAX, **kwargs: Any
) -> forms.IntegerField:
    """An integer field whose bounds never exceed the database's integer column."""
    return forms.IntegerField(
        label=label,
        min_value=max(min_value, INT_MIN),
        max_value=min(max_value, INT_MAX),
        **kwargs,
    )


def id_field(label: str, **kwargs: Any) -> forms.IntegerField:
    """The primary key of a row chosen on a page (a hidden field or a drop-down
    of ids): a positive bigint; whether the row exists and is in the user's
    scope is the view's lookup (404 outside)."""
    invalid = "无效，请从列表中选择。"
    kwargs.setdefault(
        "error_messages", {"invalid": invalid, "min_value": invalid, "max_value": invalid}
    )
    return forms.IntegerField(label=label, min_value=1, max_value=BIGINT_MAX, **kwargs)


def _date_in_range(value: dt.date) -> None:
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(
            f"日期须在 {DATE_MIN:%Y-%m-%d} 至 {DATE_MAX:%Y-%m-%d} 之间。", code="date_range"
        )


class DateField(forms.DateField):
    """A date between ``DATE_MIN`` and ``DATE_MAX``, shown as ``<input type="date">``."""

    widget = DATE_INPUT
    default_validators = [_date_in_range]


def date_field(label: str, **kwargs: Any) -> DateField:
    return DateField(label=label, **kwargs)


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthField(forms.CharField):
    """``YYYY-MM`` as the first day of that month, within the date range (so
    the month before and the month after exist too)."""

    default_error_messages = {"invalid": "月份格式应为“年-月”，如 2021-03。"}

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = _MONTH.match(text)
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if not YEAR_MIN < year < YEAR_MAX:
            raise ValidationError(
                f"月份须在 {YEAR_MIN + 1} 年至 {YEAR_MAX - 1} 年之间。", code="date_range"
            )
        return dt.date(year, month, 1)


def form_errors(form: forms.BaseForm) -> list[str]:
    """The form's errors as lines ``标签：错误`` for ``messages.error``, for
    views that redirect after a POST instead of rendering the form again."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            lines.append(f"{label}：{error}" if label else str(error))
    return lines
