"""Pinyin initials of region names, for finding a county by typing "dyx" for
大英县 (pypinyin, MIT).

Only provinces, cities and counties are searched this way (about 3,200 names
nationwide, not the 40,000 townships). Their initials are computed once per
process, on the first search, and kept; a region added later is computed on
its first lookup.
"""

from __future__ import annotations

import threading

from pypinyin import Style, lazy_pinyin

_LOCK = threading.Lock()
_CACHE: dict[str, str] = {}


def name_initials(name: str) -> str:
    """"大英县" -> "dyx"; characters without pinyin (digits, letters) are kept lowercased."""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(letters).lower()


def initials_of(names: dict[str, str]) -> dict[str, str]:
    """code -> initials for ``names`` (code -> name), from the process cache."""
    missing = {code: name for code, name in names.items() if code not in _CACHE}
    if missing:
        computed = {code: name_initials(name) for code, name in missing.items()}
        with _LOCK:
            _CACHE.update(computed)
    return {code: _CACHE[code] for code in names}
