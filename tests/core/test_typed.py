"""What people type into cells: the one reading used by every import."""

from __future__ import annotations

import datetime as dt

import pytest

from bianzhi.core import typed

QUOTA_TYPES = {"行政编制": "行政编制", "事业编制": "事业编制", "工勤编制": "工勤编制"}


@pytest.mark.parametrize(
    "cell",
    ["2015-03-01", "2015/3/1", "2015.3.1", "2015年3月1日", "20150301", "２０１５－０３－０１", " 2015 / 3 / 1 "],
)
def test_every_usual_way_of_writing_a_date_reads_as_that_date(cell: str) -> None:
    assert typed.parse_date_text(cell) == dt.date(2015, 3, 1)


@pytest.mark.parametrize("cell", ["2015-02-30", "15-3-1", "3/1/2015", "2015年3月", "明天"])
def test_an_impossible_or_unclear_date_is_refused_in_chinese(cell: str) -> None:
    with pytest.raises(ValueError, match="日期"):
        typed.parse_date_text(cell)


def test_an_excel_serial_number_reads_as_its_date_and_a_small_number_does_not() -> None:
    assert typed.date_from_serial(42064.0) == dt.date(2015, 3, 1)
    with pytest.raises(ValueError, match="不是有效日期"):
        typed.date_from_serial(12.0)


@pytest.mark.parametrize(("cell", "answer"), [("是", True), ("Y", True), ("√", True), ("yes", True),
                                              ("否", False), ("n", False), ("×", False), ("", None)])
def test_yes_and_no_are_read_in_their_usual_forms(cell: str, answer: bool | None) -> None:
    assert typed.parse_yes_no(cell) is answer


def test_a_yes_no_cell_with_anything_else_is_refused() -> None:
    with pytest.raises(ValueError, match="应为“是”或“否”"):
        typed.parse_yes_no("可能")


@pytest.mark.parametrize("cell", ["行政", "行政编制", " 行政 编制 ", "行政编"])
def test_a_short_form_that_names_one_choice_is_accepted(cell: str) -> None:
    assert typed.match_choice(cell, QUOTA_TYPES) == "行政编制"


def test_a_short_form_that_begins_two_choices_is_refused_as_ambiguous() -> None:
    with pytest.raises(ValueError, match="不明确，可能是：乡镇机关、乡镇事业单位"):
        typed.match_choice("乡镇", {"乡镇机关": 1, "乡镇事业单位": 2, "派驻机构": 3})


@pytest.mark.parametrize("cell", ["行", "编制", "公务员"])
def test_one_character_or_an_unknown_word_is_refused_with_the_choices(cell: str) -> None:
    with pytest.raises(ValueError, match="应为：行政编制、事业编制、工勤编制"):
        typed.match_choice(cell, QUOTA_TYPES)


@pytest.mark.parametrize(("cell", "number"), [("12", 12), ("１２", 12), (" 12 ", 12), ("12.0", 12), ("1,200", 1200)])
def test_whole_numbers_typed_as_text_are_read(cell: str, number: int) -> None:
    assert typed.parse_whole(cell) == number


@pytest.mark.parametrize("cell", ["-1", "1.5", "12人"])
def test_a_negative_fractional_or_worded_number_is_refused(cell: str) -> None:
    with pytest.raises(ValueError):
        typed.parse_whole(cell)


def test_folding_keeps_no_full_width_space_at_the_ends() -> None:
    assert typed.fold("\u3000５１０９２３\u3000") == "510923"
