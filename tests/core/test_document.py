"""Title lines of official documents (GB/T 9704 §7.3.3: balanced, 梯形)."""

from __future__ import annotations

from bianzhi.core.document import title_lines


def test_a_title_that_fits_stays_on_one_line() -> None:
    assert title_lines("蓬莱镇主要职责、机构设置和人员编制方案", 20) == (
        "蓬莱镇主要职责、机构设置和人员编制方案",
    )


def test_a_title_one_character_too_long_is_split_evenly_not_leaving_one_alone() -> None:
    lines = title_lines("关于大英县乡镇机构编制资源优化配置情况的报告", 20)
    assert lines == ("关于大英县乡镇机构编制", "资源优化配置情况的报告")


def test_upper_lines_are_no_shorter_and_no_line_exceeds_the_width() -> None:
    title = "关于大英县乡镇街道机构编制资源优化配置工作和三定方案执行情况的总结评估报告"
    lines = title_lines(title, 20)
    assert "".join(lines) == title
    assert all(2 <= len(line) <= 20 for line in lines)
    assert [len(line) for line in lines] == sorted((len(line) for line in lines), reverse=True)


def test_a_break_never_puts_closing_punctuation_first_or_an_opening_mark_last() -> None:
    title = "关于大英县所属各乡镇（街道）机构编制情况的报告和说明"
    # The even cut (13) would start the second line with "）".
    assert title[13] == "）"
    lines = title_lines(title, 13)
    assert "".join(lines) == title
    assert not any(line[0] in "，。、）》" or line[-1] in "（《" for line in lines)
