"""Refusing a spreadsheet that is too large to read, before a reader allocates for it.

Why: the readers size their memory from what the file *says*. calamine
reserves room for the whole declared range (``<dimension ref="A1:XFD1048576"/>``
asks for 549,755,813,888 bytes) and then fills a dense rows x columns grid
between the first and last cell; openpyxl pads every row to the widest one and,
when not read-only, creates a cell object for every position of a merged range,
hyperlink range or iterated row. A 5 KB upload can therefore take tens of GB.
So every reader calls `check_xlsx` (or the CSV checks) with its own
`SheetLimits` first, and a `SheetRefused` carries the Chinese message the
reader turns into its own error type.

How an .xlsx is checked (it is a zip of XML parts):

1. The zip. The central directory is at most ``_MAX_DIRECTORY_BYTES`` (read
   from the end record before ``zipfile`` builds one object per entry), at most
   ``_MAX_PARTS`` parts, only stored or deflated, not encrypted, and the
   declared uncompressed sizes add up to at most ``limits.unpacked_bytes`` (zip
   bombs). Each part is then inflated here from its raw bytes: ``zipfile``
   stops at the declared size, but calamine's zip crate inflates to the end of
   the deflate stream, so a part that inflates to more than it declares is
   refused.
2. Every part (not only ``xl/worksheets/``: openpyxl follows any relationship
   target, calamine ignores XML namespaces) is scanned in pieces cut just
   before a ``<``, so no tag is ever split between two pieces. Per piece a
   normal file costs a few C-level searches and no Python work per cell:

   - ``<c`` and ``<row`` start tags must begin with ``r="…"`` holding a plain
     reference inside the limits (precompiled "at most N" regexes, so the
     search matches only an offending or unusual tag). Excel, WPS,
     LibreOffice, openpyxl, xlsxwriter and POI all write exactly that.
   - ``ref`` of ``dimension``, ``mergeCell``, ``hyperlink`` and ``comment``
     (the ranges a reader allocates or creates cells for) must be inside the
     limits; other ``ref``s (autoFilter, tables, shared formulas) and
     ``sqref`` are never expanded and are left alone. Only pieces holding
     "ref" at all are searched for those elements.
   - No DOCTYPE (entities could produce cells the scan does not see), only
     UTF-8 (a scan of bytes means nothing in UTF-16 or EBCDIC).
3. A part with a ``<c>``/``<row>`` tag without a plain leading ``r`` (some
   generators omit it: positions then come from counting), or with a
   namespace prefix on those tags, is scanned again tag by tag in Python,
   following both readers' counting rules (openpyxl: a row without ``r``
   follows the previous row, a cell without ``r`` the previous cell;
   calamine: every ``</row>``, matched or not, moves to the next row). Slow,
   but only such files pay for it; a reference that is not plain ASCII
   letters and digits is refused there.

Only .xlsx passes: calamine would also open .xls, .xlsb and .ods (and
expand an .ods's repeated rows), so those are refused by their signature or
main part. Any other file that is not a zip is left to the reader, whose own
message ("无法读取…") the user already knows.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

_MB = 1024 * 1024
_CHUNK = _MB  # inflated bytes per step; pieces are about this size
_MAX_CARRY = 8 * _MB  # a tag or text run longer than this without any "<" is refused
_MAX_TAG = 64 * 1024  # attributes read per tag: real ones are a few hundred bytes
_MAX_PARTS = 10_000
_MAX_DIRECTORY_BYTES = 4 * _MB
_UNSAFE = "文件结构异常（{}），无法安全读取，请在 Excel 中打开后另存为 .xlsx 再导入。"
_NOT_XLSX = "无法读取：只支持 .xlsx 格式（不支持 .xls、.xlsb、.ods 及加密的文件），请在 Excel 中另存为 .xlsx 后再导入。"
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx
_OTHER_FORMATS = frozenset({"xl/workbook.bin", "content.xml"})  # .xlsb, .ods


@dataclass(frozen=True)
class SheetLimits:
    """The largest sheet a reader accepts.

    ``rows`` and ``columns`` bound every cell position, declared or actual;
    ``unpacked_bytes`` bounds the sum of an .xlsx's uncompressed parts, or the
    size of a CSV file."""

    rows: int
    columns: int
    unpacked_bytes: int

    def describe(self) -> str:
        return f"最多{self.rows}行、{self.columns}列"


# The lists (tasks, duty catalogue, statutory items, territorial matters,
# township indicators, institutions): their templates have 4 to 12 columns and
# a few hundred to 20,000 rows. 65,536 rows is the old .xls limit: sheets saved
# from old files often carry formatting down to it, and it still costs a
# reader at most about 130 MB (calamine: rows x columns x 32 bytes).
LIST_LIMITS = SheetLimits(rows=65_536, columns=64, unpacked_bytes=256 * _MB)


class SheetRefused(ValueError):
    """The file is refused before reading; ``str()`` is the Chinese reason."""


def column_letters(number: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """A -> 1, XFD -> 16384 (letters in either case)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def too_large(
    limits: SheetLimits, *, row: int | None = None, column: int | None = None
) -> SheetRefused:
    """The refusal for a position beyond the limits (either part may be within)."""
    where = []
    if row is not None and row > limits.rows:
        where.append(f"第{row}行")
    if column is not None and column > limits.columns:
        where.append(f"第{column}列（{column_letters(column)}列）")
    return SheetRefused(
        f"表格过大：{'、'.join(where)}超出上限（{limits.describe()}），请删除多余的行列"
        "（Excel 中按 Ctrl+End 可定位到最后一格）或拆分后再导入。"
    )


def _unpacked_too_large(limits: SheetLimits) -> SheetRefused:
    return SheetRefused(
        f"表格过大：解压后超过 {limits.unpacked_bytes // _MB} MB 的上限，请拆分后再导入。"
    )


# ---------------------------------------------------------------------------
# CSV


def check_csv_size(data: bytes, limits: SheetLimits, *, size: int | None = None) -> None:
    """Refuse a CSV file (``data``, or a file of ``size`` bytes not read yet)
    larger than ``limits.unpacked_bytes`` before decoding it."""
    if (len(data) if size is None else size) > limits.unpacked_bytes:
        raise SheetRefused(
            f"表格过大：文件超过 {limits.unpacked_bytes // _MB} MB 的上限，请拆分后再导入。"
        )


def check_csv_record(number: int, width: int, limits: SheetLimits) -> None:
    """Refuse record ``number`` (1-based) with ``width`` fields beyond the limits;
    called for each record as it is read, so reading stops at the first one."""
    if number > limits.rows or width > limits.columns:
        raise too_large(limits, row=number, column=width)


# ---------------------------------------------------------------------------
# The patterns. Built per limits and cached: a reader's limits are constants.


def _at_most(limit: str, low: str, high: str, first_low: str) -> str:
    """A regex for strings over ``low``-``high`` (first character from
    ``first_low``) that are not longer than ``limit`` and, at equal length,
    not greater: for digits without leading zeros and for column letters,
    exactly the numbers 1 .. limit."""

    def span(a: str, b: str) -> str:
        return a if a == b else f"[{a}-{b}]"

    length = len(limit)
    options = []
    if length > 1:
        options.append(f"{span(first_low, high)}{span(low, high)}{{0,{length - 2}}}")
    for index, char in enumerate(limit):
        smallest = first_low if index == 0 else low
        if char > smallest:
            rest = length - index - 1
            tail = f"{span(low, high)}{{{rest}}}" if rest else ""
            options.append(re.escape(limit[:index]) + span(smallest, chr(ord(char) - 1)) + tail)
    options.append(re.escape(limit))
    return "(?:" + "|".join(options) + ")"


@dataclass(frozen=True)
class _Patterns:
    cell: re.Pattern[bytes]  # a <c> start tag not beginning with a plain in-limits r
    row: re.Pattern[bytes]  # the same for <row>
    safe_range: re.Pattern[bytes]  # "A1" or "A1:B2" inside the limits


_CACHE: dict[SheetLimits, _Patterns] = {}


def _patterns(limits: SheetLimits) -> _Patterns:
    cached = _CACHE.get(limits)
    if cached is not None:
        return cached
    number = _at_most(str(limits.rows), "0", "9", "1")
    letters = _at_most(column_letters(limits.columns), "A", "Z", "A")
    cell = f"{letters}{number}"
    # "<c" followed by another whitespace, "/" or ">" (no r first), or by one
    # space and anything but r="<cell in limits>".
    patterns = _Patterns(
        cell=re.compile(f'<c(?:[\\t\\n\\r\\f\\v/>]| (?!r="{cell}"))'.encode()),
        row=re.compile(f'<row(?:[\\t\\n\\r\\f\\v/>]| (?!r="{number}"))'.encode()),
        safe_range=re.compile(f"{cell}(?::{cell})?".encode()),
    )
    _CACHE[limits] = patterns
    return patterns


# A plain reference as every writer produces it (letters optional: <row r="5">).
_PLAIN_R = re.compile(rb' r="([A-Z]{0,3})([0-9]+)"')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_NAME = rb"[^\s<>/=:\"'!?]+"
# A start tag's attributes up to its end (values may hold anything but their quote).
_ATTRIBUTES = rb"(?:\s+[^\s<>/=\"']+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*"
_TAG_REST = re.compile(rb"(" + _ATTRIBUTES + rb")\s*(/?)>")
# The elements whose range a reader allocates or creates cells for:
# calamine and openpyxl's read-only mode size the sheet from <dimension>;
# openpyxl creates a cell per position of a merged range, a hyperlink range
# and a comment. (autoFilter, tables, shared formulas and sqref lists are
# never expanded and are left alone.)
_EXPANDED = re.compile(
    rb"<(?:" + _NAME + rb":)?(?:dimension|mergeCell|hyperlink|comment)(?=[\s/>])"
)
_REF_ATTRIBUTE = re.compile(rb"(?:^|\s)ref\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_RANGE = re.compile(rb"\$?([A-Za-z]{1,4})\$?([0-9]{1,12})(?::\$?([A-Za-z]{1,4})\$?([0-9]{1,12}))?")
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_ROOT = re.compile(rb"<[^?!]")
_WIDE = re.compile(rb"\xfe\xff|\xff\xfe|\x00\x00\xfe\xff|\x00\x00\x00<|<\x00|\x00<")


# ---------------------------------------------------------------------------
# The zip


def check_xlsx(source: bytes | str | os.PathLike[str] | IO[bytes], limits: SheetLimits) -> None:
    """Raise `SheetRefused` if the workbook could make a reader allocate
    beyond ``limits``; return quietly for a file the reader may open (and for
    one that is not a zip at all: the reader then says it cannot read it).
    A file object is read from its start and left at its start."""
    if isinstance(source, bytes | bytearray | memoryview):
        _check_file(io.BytesIO(source), limits)
    elif isinstance(source, str | os.PathLike):
        try:
            handle = open(source, "rb")  # noqa: SIM115 (closed below)
        except OSError:
            return  # the reader reports a missing or unreadable file
        with handle:
            _check_file(handle, limits)
    else:
        source.seek(0)
        try:
            _check_file(source, limits)
        finally:
            source.seek(0)


def _check_file(handle: IO[bytes], limits: SheetLimits) -> None:
    import zipfile

    handle.seek(0)
    if handle.read(8) == _COMPOUND_FILE:
        # calamine opens .xls (and sees the cells of an encrypted .xlsx) too,
        # with its own allocations: only .xlsx is read here.
        raise SheetRefused(_NOT_XLSX)
    directory = _directory_size(handle)
    if directory is None:
        return  # not a zip: the reader reports it
    entries, size = directory
    if entries > _MAX_PARTS or size > _MAX_DIRECTORY_BYTES:
        raise SheetRefused(_UNSAFE.format(f"压缩包内的文件过多：{entries} 个"))
    handle.seek(0)
    try:
        parts = zipfile.ZipFile(handle).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        # calamine's zip crate may still open what zipfile does not: refuse.
        raise SheetRefused(_UNSAFE.format("压缩包目录无法解析")) from None
    if len(parts) > _MAX_PARTS:
        raise SheetRefused(_UNSAFE.format(f"压缩包内的文件过多：{len(parts)} 个"))
    # calamine falls back to .xlsb and .ods (whose repeated rows and cells it
    # expands) when a zip does not open as .xlsx: refuse their main parts.
    if any(part.filename.lower() in _OTHER_FORMATS for part in parts):
        raise SheetRefused(_NOT_XLSX)
    if sum(part.file_size for part in parts) > limits.unpacked_bytes:
        raise _unpacked_too_large(limits)
    for part in parts:
        if part.flag_bits & 0x1:
            raise SheetRefused(_UNSAFE.format("文件已加密"))
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SheetRefused(_UNSAFE.format("使用了不支持的压缩方式"))
    patterns = _patterns(limits)
    for part in parts:
        count, prefixed = _scan(_inflate(handle, part), part.filename, limits, patterns)
        if count:
            _count(_inflate(handle, part), limits, prefixed=prefixed)


def _directory_size(handle: IO[bytes]) -> tuple[int, int] | None:
    """(entries, bytes) of the central directory from the end record, or None
    when there is no end record (not a zip)."""
    handle.seek(0, os.SEEK_END)
    length = handle.tell()
    tail_start = max(0, length - 22 - 65535)
    handle.seek(tail_start)
    tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    entries, size, offset = struct.unpack("<xxxxxxxxxxHLL", tail[at : at + 20])
    if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        # ZIP64: the locator just before the end record points at the real one.
        locator = tail[at - 20 : at] if at >= 20 else b""
        if len(locator) != 20 or locator[:4] != b"PK\x06\x07":
            return None
        (record_at,) = struct.unpack("<8xQ4x", locator)
        handle.seek(record_at)
        record = handle.read(56)
        if len(record) != 56 or record[:4] != b"PK\x06\x06":
            return None
        entries64, size64 = struct.unpack("<32xQQ8x", record)
        return entries64, size64
    return entries, size


def _inflate(handle: IO[bytes], part: object) -> Iterator[bytes]:
    """The uncompressed bytes of ``part`` (a ZipInfo) in chunks of at most
    ``_CHUNK``, inflated from the raw stream; refused if they do not add up
    to exactly the declared size."""
    import zipfile

    assert isinstance(part, zipfile.ZipInfo)
    handle.seek(part.header_offset)
    header = handle.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise SheetRefused(_UNSAFE.format("压缩包内的文件头损坏"))
    name_length, extra_length = struct.unpack("<26xHH", header)
    start = part.header_offset + 30 + name_length + extra_length
    declared, remaining = part.file_size, part.compress_size
    corrupt = SheetRefused(_UNSAFE.format(f"“{part.filename}”解压后与声明的大小不符"))
    position = start
    if part.compress_type == zipfile.ZIP_STORED:
        if remaining != declared:
            raise corrupt
        while remaining > 0:
            handle.seek(position)
            data = handle.read(min(_CHUNK, remaining))
            if not data:
                raise corrupt
            position += len(data)
            remaining -= len(data)
            yield data
        return
    inflater = zlib.decompressobj(-15)
    produced = 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            data = inflater.unconsumed_tail
        elif remaining > 0:
            handle.seek(position)
            data = handle.read(min(_CHUNK, remaining))
            if not data:
                raise corrupt
            position += len(data)
            remaining -= len(data)
        else:
            data = b""
        try:
            out = inflater.decompress(data, _CHUNK)
        except zlib.error:
            raise SheetRefused(_UNSAFE.format(f"“{part.filename}”无法解压")) from None
        produced += len(out)
        if produced > declared:
            raise corrupt
        if out:
            yield out
        elif not data:
            break  # the stream ends before its end marker
    if produced != declared:
        raise corrupt


def _pieces(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The same bytes cut just before a ``<``: no tag is split between two pieces."""
    carry = b""
    for chunk in chunks:
        cut = chunk.rfind(b"<")
        if cut < 0:
            carry += chunk
            if len(carry) > _MAX_CARRY:
                raise SheetRefused(_UNSAFE.format("含有超长的内容"))
            continue
        piece = carry + chunk[:cut] if carry else chunk[:cut]
        carry = chunk[cut:]
        if piece:
            yield piece
    if carry:
        yield carry


# ---------------------------------------------------------------------------
# The scan


def _scan(
    chunks: Iterable[bytes], name: str, limits: SheetLimits, patterns: _Patterns
) -> tuple[bool, bool]:
    """Refuse what is beyond the limits. Returns whether the part needs
    counting (a <c> or <row> tag without a plain leading r, or with a
    namespace prefix) and whether it has such prefixed tags."""
    count = prefixed = False
    first = prolog = True
    for piece in _pieces(chunks):
        if first:
            _check_encoding(piece, name)
            first = False
        if prolog:
            prolog = _check_prolog(piece)
        if not count:
            for pattern in (patterns.cell, patterns.row):
                match = pattern.search(piece)
                if match is None:
                    continue
                plain = _PLAIN_R.match(piece, match.end() - 1)
                if plain is not None and match.group().endswith(b" "):
                    letters, digits = plain.group(1), plain.group(2)
                    row = int(digits)
                    column = column_number(letters.decode("ascii")) if letters else 1
                    if row > limits.rows or column > limits.columns:
                        raise too_large(limits, row=row, column=column)
                # No r first, or an unusual one ("A01", "5" on a cell): count.
                count = True
        if not prefixed and _PREFIXED.search(piece):
            count = prefixed = True
        if b"ref" in piece:
            _check_ranges(piece, limits, patterns)
    return count, prefixed


def _check_prolog(piece: bytes) -> bool:
    """Refuse a DOCTYPE before the first element (the only place XML allows
    one). True while the first element has not started yet."""
    root = _ROOT.search(piece)
    if b"<!DOCTYPE" in piece[: root.start() if root else len(piece)]:
        raise SheetRefused(_UNSAFE.format("含有 DOCTYPE 声明"))
    return root is None


def _check_encoding(start: bytes, name: str) -> None:
    declared = _DECLARATION.match(start)
    encoding = declared.group(1).decode("ascii", "replace").lower() if declared else "utf-8"
    if _WIDE.match(start) or encoding not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise SheetRefused(_UNSAFE.format(f"“{name}”不是 UTF-8 编码"))


def _check_ranges(piece: bytes, limits: SheetLimits, patterns: _Patterns) -> None:
    """Refuse a ``ref`` of an expanded element (see ``_EXPANDED``) beyond the limits."""
    for tag in _EXPANDED.finditer(piece):
        rest = _TAG_REST.match(piece, tag.end(), tag.end() + _MAX_TAG)
        if rest is None:
            raise SheetRefused(_UNSAFE.format("含有不规范的标记"))
        for found in _REF_ATTRIBUTE.finditer(rest.group(1)):
            value = found.group(1) if found.group(1) is not None else found.group(2)
            if not patterns.safe_range.fullmatch(value):
                raise _range_refusal(value, limits)


def _range_refusal(value: bytes, limits: SheetLimits) -> SheetRefused:
    parsed = _RANGE.fullmatch(value)
    if parsed is None:
        return SheetRefused(
            _UNSAFE.format(f"单元格范围“{value[:40].decode('utf-8', 'replace')}”无法识别")
        )
    ends = [(parsed.group(1), parsed.group(2))]
    if parsed.group(3):
        ends.append((parsed.group(3), parsed.group(4)))
    row = max(int(digits) for _, digits in ends)
    column = max(column_number(letters.decode("ascii")) for letters, _ in ends)
    if row > limits.rows or column > limits.columns:
        return too_large(limits, row=row, column=column)
    # Inside the limits but not plain (lowercase, "$", leading zeros).
    return SheetRefused(_UNSAFE.format(f"单元格范围“{value.decode('ascii')}”格式不规范"))


# ---------------------------------------------------------------------------
# Counting (parts with <c>/<row> tags without a plain leading r)

# A </row>, or a <c> or <row> tag whose attributes (group 3) are None when it
# does not parse. Without namespace prefixes unless the part uses them: the
# prefix costs a second look at every tag.
_TOKEN = re.compile(rb"<(?:(/)row|(c|row))(?=[\s/>])(?:(" + _ATTRIBUTES + rb")\s*(/?)>)?")
_PREFIXED_TOKEN = re.compile(
    rb"<(?:(/)(?:" + _NAME + rb":)?row|(?:" + _NAME + rb":)?(c|row))(?=[\s/>])"
    rb"(?:(" + _ATTRIBUTES + rb")\s*(/?)>)?"
)
_R_ATTRIBUTE = re.compile(rb"(?:^|\s)r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL_REF = re.compile(rb"\$?([A-Za-z]{1,3})\$?([0-9]{1,12})")
_ROW_REF = re.compile(rb"[0-9]{1,12}")


def _count(chunks: Iterable[bytes], limits: SheetLimits, *, prefixed: bool) -> None:
    """Follow the cell positions as openpyxl and calamine count them and
    refuse the first one beyond the limits (positions are 1-based here)."""
    # openpyxl: the row is set by <row r> or is the previous one + 1; the
    # column is set by <c r> or is the previous one + 1.
    # calamine (no end-tag check, empty elements expanded): the row is set by
    # <row r> and moves on at every </row> (and <row/>); a cell without r takes
    # the column after the previous cell's, which restarts at </row>.
    opx_row = opx_col = 0
    cal_row, cal_next_col = 1, 1
    rows, columns = limits.rows, limits.columns
    tokens = _PREFIXED_TOKEN if prefixed else _TOKEN
    for piece in _pieces(chunks):
        for token in tokens.finditer(piece):
            closing, element, attributes, empty = token.groups()
            if closing:
                cal_row += 1
                cal_next_col = 1
                continue
            # A tag the readers cannot parse either is counted as one without r.
            found = _R_ATTRIBUTE.search(attributes) if attributes else None
            value = None if found is None else found.group(1) or found.group(2) or b""
            if element == b"row":
                number = None if value is None else _row_number(value)
                opx_row = opx_row + 1 if number is None else number
                opx_col = 0
                if number is not None:
                    cal_row = number
                if opx_row > rows or cal_row > rows:
                    raise too_large(limits, row=max(opx_row, cal_row))
                if empty:
                    cal_row += 1
                    cal_next_col = 1
            elif value is not None:
                row, column = _cell_position(value)
                opx_col = column
                cal_next_col = column + 1
                if row > rows or column > columns:
                    raise too_large(limits, row=row, column=column)
            else:
                opx_col += 1
                if opx_row > rows or opx_col > columns:
                    raise too_large(limits, row=opx_row, column=opx_col)
                if cal_row > rows or cal_next_col > columns:
                    raise too_large(limits, row=cal_row, column=cal_next_col)
                cal_next_col += 1


def _row_number(value: bytes) -> int:
    if not _ROW_REF.fullmatch(value):
        raise SheetRefused(
            _UNSAFE.format(f"行号“{value[:40].decode('utf-8', 'replace')}”格式不规范")
        )
    return int(value)


def _cell_position(value: bytes) -> tuple[int, int]:
    parsed = _CELL_REF.fullmatch(value)
    if parsed is None:
        raise SheetRefused(
            _UNSAFE.format(f"单元格位置“{value[:40].decode('utf-8', 'replace')}”格式不规范")
        )
    return int(parsed.group(2)), column_number(parsed.group(1).decode("ascii"))
