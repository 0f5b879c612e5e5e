"""Writing cells so that text stays text: the one way every xlsx/csv writer
puts a value into a spreadsheet.

Names, 执法证号, plan titles, 设定依据 and the like are typed by users (or
come from their uploads) and end up in files that others open in Excel, WPS
or LibreOffice, some downloadable without login. Text starting with ``=``,
``+``, ``-`` or ``@`` must never be evaluated there (formula injection), and
must come back unchanged when the file is imported again.

- xlsx: openpyxl turns any str beginning with "=" into a formula cell, which
  Excel evaluates on opening and which reads back empty (no cached value).
  ``set_value``/``put``/``append`` write every str as a string cell (type
  "s") instead, and give text that looks like a formula the quote prefix
  (what Excel itself stores for a typed ``'=1+2``), so editing the cell in
  Excel later keeps it text too. Numbers, dates and booleans keep their types.
  A formula the program means to write is wrapped in ``Formula``.
- csv: a spreadsheet reads a CSV field starting with = + - @ (or tab/CR) as a
  formula, and CSV has no cell types, so ``csv_text`` prefixes such *text*
  with an apostrophe. Apply it to text columns only: numbers (-3 in a numeric
  column) are written as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell import Cell

# What a spreadsheet may take as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Formula(str):
    """A formula written by the program itself (e.g. ``Formula("=SUM(B2:B9)")``):
    the one kind of str the helpers leave to be evaluated."""

    __slots__ = ()


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def set_value(cell: Any, value: Any) -> Any:
    """Assign ``value`` to an openpyxl cell; a str (other than a ``Formula``)
    becomes a string cell whatever it starts with. Returns the cell."""
    cell.value = value
    if isinstance(value, str) and not isinstance(value, Formula):
        # Assigning set data type "f" for a leading "="; the writer then emits
        # <f> instead of the text. "s" makes it an inline string.
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def put(sheet: Any, row: int, column: int, value: Any = None) -> Any:
    """``sheet.cell(row, column, value)`` with text kept as text. As with
    openpyxl, None leaves the cell as it is (merged cells stay writable)."""
    cell = sheet.cell(row=row, column=column)
    if value is not None:
        set_value(cell, value)
    return cell


def append(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` with text kept as text; works on ordinary and
    write-only (streaming) worksheets alike."""
    sheet.append([_text_cell(sheet, v) if _needs_cell(v) else v for v in values])


def _needs_cell(value: Any) -> bool:
    # Other str already become string cells in append(); wrapping only these
    # keeps a 100,000-row roster export from building a cell per value.
    return isinstance(value, str) and not isinstance(value, Formula) and looks_like_formula(value)


def _text_cell(sheet: Any, value: str) -> Cell:
    # Imported here: the allocation command and the townships module load
    # openpyxl only when they write a workbook.
    from openpyxl.cell import WriteOnlyCell

    # Both kinds of worksheet accept a detached cell in append().
    cell: Cell = set_value(WriteOnlyCell(sheet), value)
    return cell


def csv_text(value: str) -> str:
    """A text field for a CSV file: a leading apostrophe when a spreadsheet
    would otherwise read it as a formula. Excel shows the apostrophe (CSV
    has no way to mark text); the value stays readable and inert."""
    return "'" + value if looks_like_formula(value) else value
