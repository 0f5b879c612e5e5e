"""Spreadsheets built to exhaust a reader's memory, for the tests of
``bianzhi.adapters.xlsx_limits`` and of every upload page.

The files are a few kilobytes; what they *declare* (a dimension, a cell
reference, a part's uncompressed size) is what a reader would allocate for.
``Unreachable`` stands in for a parser (openpyxl's ``load_workbook``,
calamine's ``CalamineWorkbook``) so that a test fails, instead of the test
process running out of memory, when a file gets past the guard.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from functools import cache
from typing import Any

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@cache
def plain_workbook() -> bytes:
    """A one-cell workbook as openpyxl writes it (built once)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "表头"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_xml(rows: bytes = b"", *, dimension: str | None = None, after: bytes = b"") -> bytes:
    """A worksheet part: an optional ``<dimension>``, ``rows`` as sheetData,
    then ``after`` (merged cells, hyperlinks …)."""
    declared = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
        + MAIN
        + b">"
        + declared
        + b"<sheetData>"
        + rows
        + b"</sheetData>"
        + after
        + b"</worksheet>"
    )


def replace_parts(base: bytes, parts: dict[str, bytes]) -> bytes:
    """``base`` (an .xlsx) with ``parts`` replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info.filename))
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def workbook_with_sheet(sheet: bytes, base: bytes | None = None) -> bytes:
    """``base`` (default `plain_workbook`) whose first sheet is ``sheet``."""
    return replace_parts(base or plain_workbook(), {SHEET: sheet})


def declaring(ref: str, base: bytes | None = None) -> bytes:
    """``base`` (a real workbook: a template, an export) whose first sheet
    declares ``ref`` as its used range, the rest unchanged."""
    source = base or plain_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(source)).read(SHEET)
    tag = f'<dimension ref="{ref}"/>'.encode()
    if b"<dimension" in sheet:
        sheet = re.sub(rb"<dimension [^>]*/>", tag, sheet)
    else:
        sheet = sheet.replace(b"<sheetData", tag + b"<sheetData", 1)
    return replace_parts(source, {SHEET: sheet})


def with_cell(ref: str, base: bytes | None = None, *, keep_dimension: bool = True) -> bytes:
    """``base`` with one more cell (an inline string) at ``ref``, appended in
    a row of its own; without ``keep_dimension`` the sheet declares no range."""
    source = base or plain_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(source)).read(SHEET)
    row = re.fullmatch(r"[A-Z]+([0-9]+)", ref)
    assert row is not None
    cell = (
        f'<row r="{row.group(1)}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    )
    sheet = sheet.replace(b"</sheetData>", cell + b"</sheetData>", 1)
    if not keep_dimension:
        sheet = re.sub(rb"<dimension [^>]*/>", b"", sheet)
    return replace_parts(source, {SHEET: sheet})


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` (a zip) whose part ``name`` declares ``size`` uncompressed
    bytes, in its local header and in the central directory."""
    buffer = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    struct.pack_into("<L", buffer, info.header_offset + 22, size)
    at = buffer.find(b"PK\x01\x02")
    while at >= 0:
        (name_length,) = struct.unpack_from("<H", buffer, at + 28)
        if bytes(buffer[at + 46 : at + 46 + name_length]) == name.encode():
            struct.pack_into("<L", buffer, at + 24, size)
        at = buffer.find(b"PK\x01\x02", at + 4)
    return bytes(buffer)


class Unreachable:
    """A parser that must not be reached: records the call, then fails."""

    def __init__(self) -> None:
        self.calls: list[Any] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(args)
        raise AssertionError("the spreadsheet parser was reached")

    # CalamineWorkbook.from_object / from_path
    def from_object(self, *args: Any, **kwargs: Any) -> Any:
        return self(*args, **kwargs)

    def from_path(self, *args: Any, **kwargs: Any) -> Any:
        return self(*args, **kwargs)


class Spy:
    """Wraps a real parser and counts its calls."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real(*args, **kwargs)

    def from_object(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real.from_object(*args, **kwargs)


def upload(data: bytes, name: str = "表.xlsx") -> io.BytesIO:
    """A file for the test client's multipart POST."""
    handle = io.BytesIO(data)
    handle.name = name
    return handle
