"""Resident identity numbers (身份证号) under GB 11643-1999.

Layout of the 18 characters::

    510923 19900307 123 X
    ^^^^^^ ^^^^^^^^ ^^^ ^
    region birth    seq check digit (ISO 7064 MOD 11-2, "X" stands for 10)

The 17th character (last of the sequence code) is odd for men, even for women.

Contract:

* `validate_id_number` is the one way in: it normalises the text and either
  returns an `IdNumber` or raises `IdNumberError` whose message (Chinese) says
  exactly what is wrong. Checks run in a fixed order and the first failure is
  reported, so a user fixes one thing at a time.
* `IdNumber` built directly is not checked; build it through
  `validate_id_number`.
* An `IdNumber`'s repr is masked so that logs and tracebacks do not leak the
  number; use `.value` for the full text.
"""

from __future__ import annotations

import operator
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

# ISO 7064 MOD 11-2 weights for positions 1..17 (2^(18-i) mod 11).
_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_WEIGHT_SUM = sum(_WEIGHTS)
# Check character for (Σ weight·digit) mod 11 = 0, 1, …, 10.
_CHECK_CHARS = "10X98765432"

ID_NUMBER_LENGTH = 18
# Nobody on a roster was born before this; earlier dates are typing errors.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
# Shown digits of a masked number: the region prefix and the last four.
_MASK_HEAD = 6
_MASK_TAIL = 4

Gender = Literal["男", "女"]


class IdNumberError(ValueError):
    """An invalid identity number. `str(error)` is a Chinese message for the
    user; `code` is a stable English key for programs (form field errors,
    tests): "empty", "length", "characters", "region", "birth-date",
    "sequence", "check-digit"."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class IdNumber:
    """A validated 18-character identity number (upper-case X)."""

    value: str

    def __repr__(self) -> str:
        return f"IdNumber({mask_id_number(self.value)!r})"

    __str__ = __repr__

    @property
    def region_code(self) -> str:
        """The 6-digit administrative-division code where it was issued."""
        return self.value[:6]

    @property
    def birth_date(self) -> date:
        return _parse_birth_date(self.value[6:14])

    @property
    def sequence(self) -> str:
        return self.value[14:17]

    @property
    def gender(self) -> Gender:
        """男 for an odd 17th digit, 女 for an even one."""
        return "男" if int(self.value[16]) % 2 == 1 else "女"

    def age(self, on: date) -> int:
        """Age in full years (周岁) on `on`. Someone born on 29 February turns
        a year older on 1 March in common years. Raises ValueError when `on`
        is before the birth date."""
        born = self.birth_date
        if on < born:
            raise ValueError(f"日期{on.isoformat()}早于出生日期")
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def normalize_id_number(text: str) -> str:
    """Full-width characters become half-width (NFKC), every kind of space is
    removed and a lower-case x becomes X. Nothing else is changed."""
    # NFKC leaves ASCII text as it is: skip it for the common case.
    folded = text if text.isascii() else unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).replace("x", "X")


def check_digit(first17: str) -> str:
    """The check character ("0"–"9" or "X") for the first 17 digits.

    Raises IdNumberError when `first17` is not exactly 17 ASCII digits.
    """
    if len(first17) != ID_NUMBER_LENGTH - 1 or not _is_ascii_digits(first17):
        raise IdNumberError("characters", "前17位必须全部是数字")
    # sum(w * digit) with the digits as bytes (digit = byte - 48), in C.
    total = sum(map(operator.mul, _WEIGHTS, first17.encode("ascii"))) - 48 * _WEIGHT_SUM
    return _CHECK_CHARS[total % 11]


def validate_id_number(text: str, *, today: date) -> IdNumber:
    """Normalise `text` and check it; return the IdNumber or raise IdNumberError.

    Checks, in order: not empty; 18 characters; first 17 are digits and the
    last is a digit or X; region prefix is not 000000; birth date (digits
    7–14) is a real date, not before 1900-01-01 and not after `today`
    (default: the current date); sequence code is not 000; check digit.
    """
    value = normalize_id_number(text)
    if not value:
        raise IdNumberError("empty", "身份证号不能为空")
    if len(value) != ID_NUMBER_LENGTH:
        raise IdNumberError("length", f"长度不是18位（实为{len(value)}位）")
    if not _is_ascii_digits(value[:17]):
        position = next(i for i, c in enumerate(value[:17], start=1) if c not in "0123456789")
        raise IdNumberError("characters", f"第{position}位不是数字（前17位必须全部是数字）")
    if value[17] not in "0123456789X":
        raise IdNumberError("characters", "第18位（校验码）必须是数字或X")
    # Every real division code starts with a province code 11–91; 000000 is
    # the commonest placeholder typed into forms.
    if value[:6] == "000000":
        raise IdNumberError("region", "地址码（前6位）无效：不能为000000")

    try:
        born = _parse_birth_date(value[6:14])
    except ValueError:
        raise IdNumberError("birth-date", f"出生日期无效：{value[6:14]}不是真实的日期") from None
    if born < EARLIEST_BIRTH_DATE:
        raise IdNumberError("birth-date", f"出生日期无效：{born.isoformat()}早于1900年")
    if born > today:
        raise IdNumberError("birth-date", f"出生日期无效：{born.isoformat()}晚于今天")

    # Sequence numbers are counted from 001 (odd for men, even for women);
    # 000 is never issued.
    if value[14:17] == "000":
        raise IdNumberError("sequence", "顺序码（第15–17位）无效：不能为000")

    expected = check_digit(value[:17])
    if value[17] != expected:
        raise IdNumberError("check-digit", f"校验码错误，应为{expected}，实为{value[17]}")
    return IdNumber(value)


def mask_id_number(value: str) -> str:
    """Mask for display: first 6 and last 4 characters kept, 8 stars between
    (510923********123X). The text is normalised first. A text that is not 18
    characters long is masked entirely (same length, all stars), so a bad
    value on file is never shown and never raises."""
    text = normalize_id_number(value)
    if len(text) != ID_NUMBER_LENGTH:
        return "*" * len(text)
    hidden = ID_NUMBER_LENGTH - _MASK_HEAD - _MASK_TAIL
    return text[:_MASK_HEAD] + "*" * hidden + text[-_MASK_TAIL:]


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() alone accepts superscripts and other scripts' digits;
    # among ASCII characters it accepts only 0-9.
    return not text or (text.isascii() and text.isdigit())


def _parse_birth_date(yyyymmdd: str) -> date:
    return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
