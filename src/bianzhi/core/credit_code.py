"""Unified social credit codes (统一社会信用代码) under GB 32100-2015.

Layout of the 18 characters::

    9 1 510923 MA6XXXXXX X
    ^ ^ ^^^^^^ ^^^^^^^^^ ^
    | | region organisation code (9)  check character
    | kind
    registering authority

The characters are the digits and the capital letters except I, O, Z, S, V
(31 in all); the check character is 31 - (Σ weight·value mod 31), 0 when that
is 31. ``validate_credit_code`` normalises the text (full-width characters,
spaces, lower case) and returns it, or raises ``CreditCodeError`` whose
message (Chinese) says what is wrong.
"""

from __future__ import annotations

import unicodedata

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}
_WEIGHTS: tuple[int, ...] = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


class CreditCodeError(ValueError):
    """An invalid code; ``str(error)`` is the Chinese message for the user."""


def check_character(first17: str) -> str:
    """The check character of the first 17 characters (all in ``CHARSET``)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate_credit_code(text: str) -> str:
    """The normalised code, or ``CreditCodeError``."""
    code = "".join(unicodedata.normalize("NFKC", text or "").split()).upper()
    if not code:
        raise CreditCodeError("统一社会信用代码不能为空。")
    if len(code) != LENGTH:
        raise CreditCodeError(f"统一社会信用代码应为 18 位，现为 {len(code)} 位。")
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        raise CreditCodeError(
            f"统一社会信用代码含无效字符“{''.join(bad)}”（不使用 I、O、Z、S、V）。"
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(f"统一社会信用代码校验位错误：最后一位应为 {expected}，请核对。")
    return code


def mask_credit_code(code: str) -> str:
    """The registering authority, kind and region shown, the rest starred
    except the check character (the way disclosures print it)."""
    if len(code) != LENGTH:
        return "*" * len(code)
    return code[:8] + "*" * 9 + code[17]
