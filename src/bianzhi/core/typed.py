"""What people actually type into a spreadsheet cell, read one way everywhere.

Every import (roster, institutions, lists, tasks, indicators) reads dates,
yes/no answers, whole numbers and drop-down values through these functions,
so that "行政" and "行政编制", "√" and "是", "2015.3.1" and "2015年3月1日",
full-width digits and stray spaces are accepted the same way in each, and
what is ambiguous is refused the same way, with a Chinese reason.

Pure functions: no Django, no I/O. Each raises ``ValueError`` with the reason
for the user; the adapters add the row and column.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")

# Excel's day 0 for serial dates (the 1900 leap-year bug makes 1899-12-30 the
# epoch that gives the right dates from 1900-03-01 on).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers of 1950-01-01 and 2099-12-31: a bare number in a date
# column outside this window is not read as a date.
_SERIAL_RANGE = (18264, 73050)

_YES = frozenset({"是", "y", "yes", "√", "✓", "✔", "1", "true", "对", "有"})
_NO = frozenset({"否", "n", "no", "×", "✗", "✘", "0", "false", "错", "无"})

_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_SPACES = re.compile(r"\s+")


def fold(value: str) -> str:
    """Full-width digits, letters and punctuation to their plain forms, and no
    whitespace at either end (including the ideographic space U+3000).

    Only for values with a fixed vocabulary (numbers, dates, codes, choices):
    names keep their full-width brackets, which offices use.
    """
    return unicodedata.normalize("NFKC", value).strip()


def compact(value: str) -> str:
    """`fold`, then no whitespace at all: "行政 编制" is "行政编制"."""
    return _SPACES.sub("", fold(value))


def parse_date_text(value: str) -> dt.date:
    """2015-03-01, 2015/3/1, 2015.3.1, 2015年3月1日 or 20150301 (full-width
    digits and spaces allowed). Raises ValueError for anything else,
    including impossible dates such as 2015-02-30."""
    raw = compact(value)
    parts: tuple[str, ...]
    if raw.isdigit() and len(raw) == 8:
        parts = (raw[:4], raw[4:6], raw[6:])
    else:
        match = _DATE_TEXT.match(raw)
        if match is None:
            raise ValueError(f"“{value.strip()}”不是有效日期（应如 2015-03-01、2015/3/1、2015年3月1日）")
        parts = match.groups()
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(f"“{value.strip()}”不是真实存在的日期") from None


def date_from_serial(number: float) -> dt.date:
    """An Excel serial day number (a date cell that lost its date format).
    Raises ValueError outside 1950–2099, where a number is more likely a
    mistake than a date."""
    if not number.is_integer() or not _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        raise ValueError(f"“{number:g}”不是有效日期（应如 2015-03-01）")
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def parse_yes_no(value: str) -> bool | None:
    """是/否, Y/N, yes/no, √/×, 1/0, 对/错, 有/无 (any case); None when blank.
    Raises ValueError for anything else."""
    raw = compact(value).lower()
    if not raw:
        return None
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ValueError(f"“{value.strip()}”应为“是”或“否”（也可写 Y/N、√/×）")


def parse_whole(value: str) -> int:
    """A whole number ≥ 0 typed as text: "12", "１２", " 12 ", "12.0", "1,200".
    Raises ValueError for anything else (negative, fractional, "12人")."""
    raw = compact(value).replace(",", "")
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"“{value.strip()}”不是整数") from None
    if not number.is_integer() or number < 0:
        raise ValueError(f"“{value.strip()}”应为不小于0的整数")
    return int(number)


@functools.lru_cache(maxsize=256)
def _by_compact(labels: tuple[str, ...]) -> dict[str, str]:
    """compact(label) -> label, once per set of labels (an import asks it for
    every cell of every drop-down column)."""
    return {compact(label): label for label in labels}


def match_choice(value: str, choices: Mapping[str, T]) -> T:
    """The choice a typed label stands for.

    Accepted: the label itself; the label typed with spaces or full-width
    characters; and a short form that begins exactly one label and is at
    least two characters long ("行政" for "行政编制", "事业" for "事业编制").
    Refused, with the labels listed: anything else, including a short form
    that begins several labels (it is ambiguous) or a single character.
    """
    by_compact = _by_compact(tuple(choices))
    # The label as the drop-down wrote it (the common case) is already in
    # compact form (compact is idempotent), so it needs no normalising.
    if value in by_compact:
        return choices[by_compact[value]]
    raw = compact(value)
    if raw in by_compact:
        return choices[by_compact[raw]]
    options = "、".join(choices)
    if len(raw) >= 2:
        starting = [label for key, label in by_compact.items() if key.startswith(raw)]
        if len(starting) == 1:
            return choices[starting[0]]
        if len(starting) > 1:
            raise ValueError(f"“{value.strip()}”不明确，可能是：{'、'.join(starting)}，请写完整")
    raise ValueError(f"“{value.strip()}”无效，应为：{options}")
