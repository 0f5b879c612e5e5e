"""bianzhi.kernel.clock: the one "now" and "today", frozen in tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bianzhi.kernel import clock as kernel_clock

UTC = dt.UTC


def test_today_is_the_local_date_in_china() -> None:
    # 2021-05-27 17:00 UTC is 2021-05-28 01:00 in Asia/Shanghai.
    with kernel_clock.frozen(dt.datetime(2021, 5, 27, 17, 0, tzinfo=UTC)) as at:
        assert kernel_clock.now() == at and kernel_clock.now().tzinfo is not None
        assert kernel_clock.today() == dt.date(2021, 5, 28)


def test_a_date_freezes_at_noon_and_blocks_nest() -> None:
    before = kernel_clock.now()
    with kernel_clock.frozen(dt.date(2021, 5, 28)):
        assert kernel_clock.today() == dt.date(2021, 5, 28)
        with kernel_clock.frozen(dt.datetime(2021, 6, 1, 9, 30)):  # naive: local time
            assert kernel_clock.now() == dt.datetime(2021, 6, 1, 1, 30, tzinfo=UTC)
        assert kernel_clock.today() == dt.date(2021, 5, 28)
    assert kernel_clock.now() >= before  # running again


def test_the_fixture_freezes_for_the_rest_of_the_test(clock: Any) -> None:
    clock(dt.date(2030, 1, 1))
    assert kernel_clock.today() == dt.date(2030, 1, 1)
    clock(dt.date(2030, 1, 2))
    assert kernel_clock.today() == dt.date(2030, 1, 2)


def test_the_fixture_let_go_after_its_test() -> None:
    assert kernel_clock.today() != dt.date(2030, 1, 2)
