"""Display width of text in a terminal or a spreadsheet column.

Chinese characters take two columns; padding with `str.ljust` would count
them as one and misalign every table that mixes Chinese and digits.
"""

from __future__ import annotations

import unicodedata

# Chinese punctuation that must not start a line (禁则): wrapping keeps it on
# the line before, one column past the width, rather than orphaning it.
# "=" too, so that an option example "人口=0.4" is not split after the name.
_NO_LINE_START = set("，。、；：？！）》」』】”’%％=")


def char_width(ch: str) -> int:
    """Columns one character occupies: 0 (combining), 1 or 2 (wide/fullwidth)."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns `text` occupies on a terminal."""
    return sum(char_width(ch) for ch in text)


def pad(text: str, width: int, align: str = "left") -> str:
    """`text` padded with spaces to `width` columns ("left", "right" or "center")."""
    gap = max(0, width - display_width(text))
    if align == "right":
        return " " * gap + text
    if align == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


def wrap(text: str, width: int) -> list[str]:
    """Split `text` into lines of at most `width` columns.

    Latin words and numbers are kept whole (a word longer than the width gets
    a line of its own); Chinese may break between any two characters, except
    before closing punctuation. Existing newlines are kept.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            if token == " " and not line:
                continue
            fits = display_width(line) + display_width(token) <= width
            if fits or not line or token[0] in _NO_LINE_START:
                line += token
                continue
            lines.append(line.rstrip())
            line = "" if token == " " else token
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: runs of narrow non-space characters, single wide
    characters, and single spaces."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch == " " or char_width(ch) == 2:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens
