"""The spreadsheet guard: what it refuses before any reader allocates, and
that ordinary workbooks pass untouched."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from tests.oversized import (
    SHEET,
    declare_size,
    declaring,
    plain_workbook,
    replace_parts,
    sheet_xml,
    with_cell,
    workbook_with_sheet,
)

from bianzhi.adapters.xlsx_limits import (
    LIST_LIMITS,
    SheetLimits,
    SheetRefused,
    check_csv_record,
    check_csv_size,
    check_xlsx,
    column_letters,
    column_number,
)

LIMITS = SheetLimits(rows=65_536, columns=64, unpacked_bytes=8 * 1024 * 1024)


def refusal(data: bytes, limits: SheetLimits = LIMITS) -> str:
    with pytest.raises(SheetRefused) as caught:
        check_xlsx(data, limits)
    return str(caught.value)


def cells(*refs: str) -> bytes:
    """Rows with one numeric cell at each reference."""
    out = b""
    for ref in refs:
        row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        out += f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'.encode()
    return out


# --- what real files look like passes -----------------------------------------------


def test_an_ordinary_workbook_with_several_sheets_and_styles_passes() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["代码", "名称", "人口"])
    for n in range(200):
        sheet.append([f"510923{n:03d}", "某镇", n * 10])
    sheet.merge_cells("A203:C203")
    sheet.auto_filter.ref = "A1:C1048576"  # a filter over whole columns is never expanded
    workbook.create_sheet("说明").append(['说明：ref="XFD1048576" 只是文字'])
    out = io.BytesIO()
    workbook.save(out)
    check_xlsx(out.getvalue(), LIMITS)


def test_a_sheet_as_excel_writes_it_passes() -> None:
    rows = b"".join(
        f'<row r="{n}" spans="1:3" x14ac:dyDescent="0.25"><c r="A{n}" s="1" t="s"><v>0</v></c>'
        f'<c r="C{n}"><v>{n}</v></c></row>'.encode()
        for n in range(1, 300)
    )
    check_xlsx(workbook_with_sheet(sheet_xml(rows, dimension="A1:C299")), LIMITS)


def test_a_file_that_is_not_a_zip_is_left_to_the_reader() -> None:
    check_xlsx(b"not a spreadsheet", LIMITS)
    check_xlsx(b"", LIMITS)
    check_xlsx(Path("/nonexistent/file.xlsx"), LIMITS)


def test_a_file_object_is_read_from_its_start_and_left_there() -> None:
    handle = io.BytesIO(plain_workbook())
    handle.seek(10)
    check_xlsx(handle, LIMITS)
    assert handle.tell() == 0


def test_a_path_is_checked_like_bytes(tmp_path: Path) -> None:
    path = tmp_path / "大.xlsx"
    path.write_bytes(declaring("A1:XFD1048576"))
    with pytest.raises(SheetRefused, match="表格过大"):
        check_xlsx(path, LIMITS)
    with pytest.raises(SheetRefused, match="表格过大"):
        check_xlsx(str(path), LIMITS)


# --- declared and actual positions --------------------------------------------------


def test_a_tiny_workbook_declaring_xfd1048576_is_refused_with_a_chinese_message() -> None:
    data = declaring("A1:XFD1048576")
    assert len(data) < 10_000
    assert refusal(data) == (
        "表格过大：第1048576行、第16384列（XFD列）超出上限（最多65536行、64列），"
        "请删除多余的行列（Excel 中按 Ctrl+End 可定位到最后一格）或拆分后再导入。"
    )


def test_a_single_cell_at_xfd1048576_without_a_dimension_is_refused() -> None:
    data = with_cell("XFD1048576", keep_dimension=False)
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    assert "第1048576行、第16384列（XFD列）" in refusal(data)


def test_a_cell_one_row_beyond_the_limit_is_refused_and_the_last_row_passes() -> None:
    assert "第65537行超出上限" in refusal(with_cell("A65537"))
    check_xlsx(with_cell("A65536"), LIMITS)


def test_a_cell_one_column_beyond_the_limit_is_refused_and_the_last_column_passes() -> None:
    assert "第65列（BM列）" in refusal(with_cell("BM2"))
    check_xlsx(with_cell("BL2"), LIMITS)


@pytest.mark.parametrize("rows", [1, 9, 10, 99, 5_000, 65_536, 99_999, 100_000, 1_100_000])
def test_the_row_limit_is_exact_for_any_limit(rows: int) -> None:
    limits = SheetLimits(rows=rows, columns=64, unpacked_bytes=LIMITS.unpacked_bytes)
    near = {1, 2, rows - 1, rows, rows + 1, rows + 9, rows * 10, 10 ** len(str(rows)) - 1}
    # Same length, first differing digit larger / smaller than the limit's.
    text = str(rows)
    for index in range(len(text)):
        for digit in "0123456789":
            candidate = int(text[:index] + digit + text[index + 1 :])
            if candidate > 0 and len(str(candidate)) == len(text):
                near.add(candidate)
    for row in sorted(n for n in near if n > 0):
        data = workbook_with_sheet(sheet_xml(cells(f"A{row}")))
        if row <= rows:
            check_xlsx(data, limits)
        else:
            with pytest.raises(SheetRefused, match=f"第{row}行超出上限"):
                check_xlsx(data, limits)


@pytest.mark.parametrize("columns", [1, 2, 25, 26, 27, 30, 52, 64, 702, 703, 16_383])
def test_the_column_limit_is_exact_for_any_limit(columns: int) -> None:
    limits = SheetLimits(rows=100, columns=columns, unpacked_bytes=LIMITS.unpacked_bytes)
    near = {1, 2, 26, 27, 52, 53, 676, 702, 703, 16_384, columns - 1, columns, columns + 1}
    for column in sorted(n for n in near if 0 < n <= 16_384):
        data = workbook_with_sheet(sheet_xml(cells(f"{column_letters(column)}1")))
        if column <= columns:
            check_xlsx(data, limits)
        else:
            with pytest.raises(SheetRefused, match=f"第{column}列"):
                check_xlsx(data, limits)


def test_column_letters_round_trip() -> None:
    for number in (1, 26, 27, 52, 53, 702, 703, 16_384):
        assert column_number(column_letters(number)) == number
    assert column_letters(16_384) == "XFD"


def test_a_row_element_beyond_the_limit_is_refused_even_without_cells() -> None:
    # openpyxl's read-only mode yields every empty row up to it.
    data = workbook_with_sheet(sheet_xml(b'<row r="1"/><row r="9999999"/>'))
    assert "第9999999行" in refusal(data)


@pytest.mark.parametrize(
    "ref",
    ["xfd1", "XFD01", "$XFD$1", "&#88;FD1", "A1048577 ", " XFD1"],
)
def test_a_cell_reference_in_an_unusual_form_is_refused(ref: str) -> None:
    data = workbook_with_sheet(sheet_xml(f'<row r="1"><c r="{ref}"><v>1</v></c></row>'.encode()))
    message = refusal(data)
    assert "表格过大" in message or "格式不规范" in message


def test_a_merged_range_hyperlink_or_comment_beyond_the_limits_is_refused() -> None:
    # openpyxl creates a cell object for every position of these ranges.
    merged = b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    link = b'<hyperlinks><hyperlink ref="A1:A2000000" display="x"/></hyperlinks>'
    for after in (merged, link):
        assert "表格过大" in refusal(workbook_with_sheet(sheet_xml(cells("A1"), after=after)))
    comments = b'<comments><commentList><comment ref="ZZ9" authorId="0"/></commentList></comments>'
    assert "第702列" in refusal(replace_parts(plain_workbook(), {"xl/comments1.xml": comments}))


def test_ranges_no_reader_expands_pass() -> None:
    after = (
        b'<autoFilter ref="A1:XFD1048576"/>'
        b'<dataValidations count="1"><dataValidation sqref="A2:A1048576" type="list"/></dataValidations>'
    )
    check_xlsx(workbook_with_sheet(sheet_xml(cells("A1"), dimension="A1:A1", after=after)), LIMITS)


def test_many_reference_like_words_in_texts_and_unexpanded_ranges_pass() -> None:
    words = b'ref="XFD1048576" ' * 20_000
    text = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + words + b"</t></is></c></row>"
    filters = b"<autoFilter" + b' ref="A1:XFD1048576"' * 20_000 + b"/>"
    check_xlsx(workbook_with_sheet(sheet_xml(text, dimension="A1", after=filters)), LIMITS)


def test_text_that_looks_like_a_reference_passes() -> None:
    text = b'<row r="1"><c r="A1" t="inlineStr"><is><t>ref="XFD1048576" r="ZZZ9"</t></is></c></row>'
    check_xlsx(workbook_with_sheet(sheet_xml(text, dimension="A1")), LIMITS)


# --- positions that come from counting ----------------------------------------------


def test_cells_and_rows_without_r_are_counted_like_the_readers_do() -> None:
    small = b"<row>" + b"<c><v>1</v></c>" * 3 + b"</row>"
    check_xlsx(workbook_with_sheet(sheet_xml(small * 3)), LIMITS)
    wide = b"<row>" + b"<c><v>1</v></c>" * 65 + b"</row>"
    assert "第65列（BM列）" in refusal(workbook_with_sheet(sheet_xml(wide)))
    tall = b"<row/>" * 65_536 + b"<row><c><v>1</v></c></row>"
    assert "第65537行" in refusal(workbook_with_sheet(sheet_xml(tall)))


def test_calamines_count_of_closing_row_tags_is_followed() -> None:
    # calamine does not check end tags: every </row> moves to the next row.
    rows = b'<row r="1"><c r="A1"><v>1</v></c></row>' + b"</row>" * 70_000
    data = workbook_with_sheet(sheet_xml(rows + b"<row><c><v>1</v></c></row>"))
    assert "第70002行" in refusal(data)


def test_a_cell_after_a_far_cell_without_r_is_counted_from_it() -> None:
    row = b'<row r="2"><c r="BL2"><v>1</v></c><c><v>2</v></c></row>'
    assert "第65列" in refusal(workbook_with_sheet(sheet_xml(row)))


def test_namespace_prefixed_cells_are_checked_too() -> None:
    sheet = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:sheetData><x:row r="1"><x:c r="XFD1"><x:v>1</x:v></x:c></x:row></x:sheetData>'
        b"</x:worksheet>"
    )
    assert "第16384列" in refusal(workbook_with_sheet(sheet))


def test_a_sheet_that_is_not_the_usual_part_is_checked_too() -> None:
    # openpyxl follows any relationship target: every part is scanned.
    odd = replace_parts(plain_workbook(), {"xl/elsewhere/data.xml": sheet_xml(cells("XFD1"))})
    assert "第16384列" in refusal(odd)


# --- the zip --------------------------------------------------------------------------


def test_a_part_declaring_more_than_the_unpacked_limit_is_refused_before_inflating() -> None:
    data = declare_size(plain_workbook(), SHEET, 3 * 1024 * 1024 * 1024)
    assert refusal(data) == "表格过大：解压后超过 8 MB 的上限，请拆分后再导入。"


def test_a_zip_bomb_within_its_declared_size_is_refused_by_the_sum() -> None:
    bomb = replace_parts(plain_workbook(), {"xl/media/image1.png": b"\0" * (9 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert "解压后超过 8 MB" in refusal(bomb)


def test_a_part_that_inflates_to_more_than_it_declares_is_refused() -> None:
    # zipfile stops at the declared size; calamine's zip crate inflates on.
    data = replace_parts(plain_workbook(), {"xl/media/image1.png": b"\0" * (2 * 1024 * 1024)})
    lying = declare_size(data, "xl/media/image1.png", 1024)
    assert "解压后与声明的大小不符" in refusal(lying)


def test_doctype_and_other_encodings_are_refused() -> None:
    doctype = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY c "x">]><worksheet ' + MAIN_TAIL
    assert "DOCTYPE" in refusal(workbook_with_sheet(doctype))
    utf16 = sheet_xml(cells("A1")).replace(b"UTF-8", b"UTF-16").decode().encode("utf-16")
    assert "不是 UTF-8 编码" in refusal(workbook_with_sheet(utf16))
    latin = sheet_xml(cells("A1")).replace(b"UTF-8", b"ISO-8859-1")
    assert "不是 UTF-8 编码" in refusal(workbook_with_sheet(latin))


MAIN_TAIL = (
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
)


def test_an_encrypted_or_unusually_compressed_part_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr(SHEET, sheet_xml(cells("A1")))
    assert "不支持的压缩方式" in refusal(out.getvalue())


def test_only_xlsx_passes_of_the_formats_calamine_would_open() -> None:
    # .xls / encrypted .xlsx (an OLE compound file), .xlsb, .ods.
    compound = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    assert refusal(compound).startswith("无法读取：只支持 .xlsx 格式")
    for name in ("content.xml", "xl/workbook.bin", "XL/Workbook.bin"):
        other = replace_parts(plain_workbook(), {name: b"<x/>"})
        assert refusal(other).startswith("无法读取：只支持 .xlsx 格式")
    # An .xlsm (macros and printer settings are .bin parts too) is an .xlsx.
    xlsm = replace_parts(
        plain_workbook(),
        {"xl/vbaProject.bin": b"\0" * 100, "xl/printerSettings/printerSettings1.bin": b"\0"},
    )
    check_xlsx(xlsm, LIMITS)


# --- CSV ------------------------------------------------------------------------------


def test_csv_checks_refuse_size_rows_and_columns() -> None:
    limits = SheetLimits(rows=10, columns=5, unpacked_bytes=100)
    check_csv_size(b"x" * 100, limits)
    with pytest.raises(SheetRefused, match="文件超过"):
        check_csv_size(b"x" * 101, limits)
    with pytest.raises(SheetRefused, match="文件超过"):
        check_csv_size(b"", limits, size=10**9)
    check_csv_record(10, 5, limits)
    with pytest.raises(SheetRefused, match="第11行"):
        check_csv_record(11, 1, limits)
    with pytest.raises(SheetRefused, match="第6列"):
        check_csv_record(1, 6, limits)


def test_the_list_limits_cover_the_old_xls_row_count() -> None:
    assert LIST_LIMITS.rows == 65_536
    check_xlsx(with_cell("BL65536"), LIST_LIMITS)
