"""A small document model for official documents (公文), shared by Word and PDF.

Document builders (三定方案, 总结评估报告, 备案报告) produce a ``Document``:
a title and a list of blocks. The adapters ``bianzhi.adapters.docx_official``
and ``bianzhi.adapters.pdf_official`` lay the same blocks out following GB/T
9704-2012, so the two outputs cannot drift apart and the builders never see
a file format.

Heading levels follow the numbering of GB/T 9704 §7.3.3 (the text of a
heading carries its own number, e.g. "一、" / "（一）" / "1."): level 1 in
黑体, level 2 in 楷体, level 3 in 仿宋 bold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1..3


@dataclass(frozen=True)
class Paragraph:
    """Body text; ``indent`` = first-line indent of two characters (the usual)."""

    text: str
    indent: bool = True
    align: Align = "justify"
    bold: bool = False


@dataclass(frozen=True)
class Table:
    """A table with one header row. ``widths`` are relative column widths.

    ``numeric`` lists the columns (0-based) aligned right; ``total_row``
    marks the last row as a 合计 row (bold).
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()
    numeric: frozenset[int] = frozenset()
    caption: str = ""
    total_row: bool = False


@dataclass(frozen=True)
class Image:
    """A PNG picture (a chart), ``width_mm`` wide, height from its aspect ratio."""

    png: bytes
    width_px: int
    height_px: int
    width_mm: float = 150.0
    caption: str = ""

    @property
    def height_mm(self) -> float:
        return self.width_mm * self.height_px / self.width_px


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Signature:
    """落款: issuing bodies and date, right-aligned after the body (GB/T 9704 §7.3.5)."""

    lines: tuple[str, ...]
    date: str


Block = Heading | Paragraph | Table | Image | PageBreak | Signature


@dataclass(frozen=True)
class Document:
    """One official document.

    ``addressee`` is the 主送机关 line (left, no indent), ``number`` the
    文号 shown under the title when the document has one.
    """

    title: str
    blocks: tuple[Block, ...]
    addressee: str = ""
    number: str = ""
    subtitle: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (for headings "一、"; 1..99)."""
    digits = "零一二三四五六七八九"
    if not 0 < n < 100:
        raise ValueError(f"chinese_number supports 1..99, got {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    prefix = "" if tens == 1 else digits[tens]
    return prefix + "十" + (digits[ones] if ones else "")


# 禁则: punctuation that must not begin a line, and opening marks that must not end one.
NO_LINE_START = frozenset("，。、；：？！）》」』】”’%％")
NO_LINE_END = frozenset("（《「『【“‘")


def title_lines(title: str, per_line: int) -> tuple[str, ...]:
    """``title`` broken into balanced lines of at most ``per_line`` characters.

    GB/T 9704 §7.3.3: a title that needs more than one line is broken so
    that the lines are of similar length, the upper ones no shorter (梯形),
    instead of filling the first line and leaving one or two characters on
    the next. Each character counts as one (full width), which is safe for
    the occasional digit. A break never puts closing punctuation at the start
    of a line or an opening mark at its end.
    """
    length = len(title)
    if length <= per_line or per_line < 2:
        return (title,)
    count = -(-length // per_line)
    base, extra = divmod(length, count)
    cuts: list[int] = []
    position = 0
    for index in range(count - 1):
        position += base + (1 if index < extra else 0)
        cut = position
        for candidate in (cut, cut + 1, cut - 1, cut + 2, cut - 2):
            start = cuts[-1] if cuts else 0
            if not (start < candidate < length) or candidate - start > per_line:
                continue
            if title[candidate] in NO_LINE_START or title[candidate - 1] in NO_LINE_END:
                continue
            cut = candidate
            break
        cuts.append(cut)
        position = cut
    bounds = [0, *cuts, length]
    return tuple(title[a:b] for a, b in zip(bounds, bounds[1:], strict=False))
