import pytest

from bianzhi.core.staffing_plans import (
    VACANCIES_FIRST,
    WITHIN_VACANCY,
    TransferDirection,
    blocks,
    check_plan,
    quota_after_transfer,
    vacancy,
)


def test_vacancy_is_approved_minus_headcount_never_negative() -> None:
    assert vacancy(10, 7) == 3
    assert vacancy(10, 12) == 0


def test_a_plan_beyond_the_vacancy_is_blocked_and_an_unplanned_vacancy_is_a_warning() -> None:
    problems = check_plan(
        planned={("A", "行政编制"): 3},
        vacancies={("A", "行政编制"): 2, ("B", "事业编制"): 1},
        names={"A": "甲镇", "B": "乙镇"},
    )
    assert [(p.rule, p.township_code) for p in problems] == [(WITHIN_VACANCY, "A"), (VACANCIES_FIRST, "B")]
    assert "超出空编2名" in problems[0].message
    assert blocks(problems) == problems[:1]


def test_a_plan_within_the_vacancies_has_no_block() -> None:
    assert blocks(check_plan(planned={("A", "行政编制"): 2}, vacancies={("A", "行政编制"): 2}, names={})) == []


def test_transfers_move_the_quota_and_an_up_transfer_cannot_exceed_it() -> None:
    assert quota_after_transfer(current=5, direction=TransferDirection.DOWN, count=3) == 8
    assert quota_after_transfer(current=5, direction=TransferDirection.UP, count=5) == 0
    with pytest.raises(ValueError, match="超过乡镇现有核定编制5名"):
        quota_after_transfer(current=5, direction=TransferDirection.UP, count=6)
    with pytest.raises(ValueError):
        quota_after_transfer(current=5, direction=TransferDirection.DOWN, count=0)
