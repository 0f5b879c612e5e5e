"""GB 11643-1999 identity numbers: validation, parts, masking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bianzhi.core.idnumber import (
    EARLIEST_BIRTH_DATE,
    IdNumber,
    IdNumberError,
    check_digit,
    mask_id_number,
    normalize_id_number,
    validate_id_number,
)

# Frozen "today" for every test: birth dates are judged against it.
TODAY = date(2024, 6, 30)

# The worked example of GB 11643-1999 (a woman born 1949-12-31 in Beijing).
STANDARD_EXAMPLE = "11010519491231002X"


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


def make_id(region: str, born: date, sequence: str) -> str:
    return with_check(f"{region}{born:%Y%m%d}{sequence}")


# --- check digit -------------------------------------------------------------


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),  # GB 11643-1999 example
        ("44052418800101001", "4"),  # GB 11643-1999 example
        ("00000000000000000", "1"),  # sum 0 -> "1"
    ],
)
def test_check_digit_matches_the_standard(first17: str, expected: str) -> None:
    assert check_digit(first17) == expected


@pytest.mark.parametrize("bad", ["", "1234", "1101051949123100X", "110105194912310021"])
def test_check_digit_needs_exactly_17_digits(bad: str) -> None:
    with pytest.raises(IdNumberError):
        check_digit(bad)


# --- validation: the accepted side ------------------------------------------


def test_it_accepts_the_standard_example() -> None:
    number = validate_id_number(STANDARD_EXAMPLE, today=TODAY)
    assert number.value == STANDARD_EXAMPLE
    assert number.region_code == "110105"
    assert number.birth_date == date(1949, 12, 31)
    assert number.sequence == "002"
    assert number.gender == "女"


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",  # lower-case x
        " 110105 19491231 002X ",  # spaces around and inside
        "110105\u300019491231002X",  # full-width (ideographic) space
        "１１０１０５１９４９１２３１００２ｘ",  # full-width digits and x
    ],
)
def test_it_normalises_what_people_type(typed: str) -> None:
    assert validate_id_number(typed, today=TODAY).value == STANDARD_EXAMPLE


def test_gender_comes_from_the_parity_of_the_17th_digit() -> None:
    man = validate_id_number(make_id("510923", date(1990, 3, 7), "123"), today=TODAY)
    woman = validate_id_number(make_id("510923", date(1990, 3, 7), "124"), today=TODAY)
    assert (man.gender, woman.gender) == ("男", "女")


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1990, 3, 7), date(2024, 3, 6), 33),  # day before the birthday
        (date(1990, 3, 7), date(2024, 3, 7), 34),  # on the birthday
        (date(2000, 2, 29), date(2023, 2, 28), 22),  # leap-day birthday, common year
        (date(2000, 2, 29), date(2023, 3, 1), 23),
        (date(2000, 2, 29), date(2024, 2, 29), 24),
        (date(2000, 1, 1), date(2000, 1, 1), 0),
    ],
)
def test_age_counts_full_years(born: date, on: date, age: int) -> None:
    number = validate_id_number(make_id("510923", born, "123"), today=TODAY)
    assert number.age(on) == age


def test_age_before_birth_is_an_error() -> None:
    number = validate_id_number(STANDARD_EXAMPLE, today=TODAY)
    with pytest.raises(ValueError):
        number.age(date(1949, 12, 30))


def test_born_today_is_accepted() -> None:
    assert validate_id_number(make_id("510923", TODAY, "123"), today=TODAY)


def test_repr_is_masked() -> None:
    number = validate_id_number(STANDARD_EXAMPLE, today=TODAY)
    assert STANDARD_EXAMPLE not in repr(number)
    assert STANDARD_EXAMPLE not in str(number)
    assert "110105********002X" in repr(number)


# --- validation: the rejected side, one message per fault -------------------


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "empty", "身份证号不能为空"),
        ("   ", "empty", "身份证号不能为空"),
        ("11010519491231002", "length", "长度不是18位（实为17位）"),
        ("11010519491231002X1", "length", "长度不是18位（实为19位）"),
        ("110105194912310O2X", "characters", "第16位不是数字（前17位必须全部是数字）"),
        ("11010519491231002Y", "characters", "第18位（校验码）必须是数字或X"),
        (with_check("00000019491231002"), "region", "地址码（前6位）无效：不能为000000"),
        (with_check("11010519490230002"), "birth-date", "出生日期无效：19490230不是真实的日期"),
        (with_check("11010518991231002"), "birth-date", "出生日期无效：1899-12-31早于1900年"),
        (with_check("11010520240701002"), "birth-date", "出生日期无效：2024-07-01晚于今天"),
        (with_check("11010519491231000"), "sequence", "顺序码（第15–17位）无效：不能为000"),
        ("110105194912310021", "check-digit", "校验码错误，应为X，实为1"),
        ("110105194912310020", "check-digit", "校验码错误，应为X，实为0"),
    ],
)
def test_it_rejects_with_a_precise_message(text: str, code: str, message: str) -> None:
    with pytest.raises(IdNumberError) as caught:
        validate_id_number(text, today=TODAY)
    assert caught.value.code == code
    assert str(caught.value) == message


def test_an_id_number_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        validate_id_number("123", today=TODAY)


def test_the_caller_must_say_what_today_is() -> None:
    # The core never reads the clock: the apps pass kernel.clock.today(),
    # which tests can freeze.
    with pytest.raises(TypeError):
        validate_id_number(STANDARD_EXAMPLE)  # type: ignore[call-arg]
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(IdNumberError, match="晚于今天"):
        validate_id_number(make_id("510923", tomorrow, "123"), today=TODAY)


# --- masking -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("51092319900307123X", "510923********123X"),
        ("51092319900307123x", "510923********123X"),
        (" 510923 19900307 123X", "510923********123X"),
        ("5109231990", "**********"),  # not 18 long: nothing shown
        ("", ""),
    ],
)
def test_mask_id_number(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked


def test_normalize_only_folds_width_spaces_and_x() -> None:
    assert normalize_id_number(" ５１０ x\t") == "510X"


# --- properties --------------------------------------------------------------

regions = st.text(alphabet="0123456789", min_size=6, max_size=6).filter(lambda r: r != "000000")
births = st.dates(min_value=EARLIEST_BIRTH_DATE, max_value=TODAY)
sequences = st.integers(min_value=1, max_value=999).map(lambda n: f"{n:03d}")


@given(region=regions, born=births, sequence=sequences)
def test_any_well_formed_number_with_its_check_digit_validates(
    region: str, born: date, sequence: str
) -> None:
    text = make_id(region, born, sequence)
    number = validate_id_number(text, today=TODAY)
    assert number == IdNumber(text)
    assert number.region_code == region
    assert number.birth_date == born
    assert number.gender == ("男" if int(sequence[-1]) % 2 else "女")


@given(
    region=regions,
    born=births,
    sequence=sequences,
    position=st.integers(min_value=0, max_value=17),
    data=st.data(),
)
def test_changing_any_one_character_breaks_it(
    region: str, born: date, sequence: str, position: int, data: st.DataObject
) -> None:
    text = make_id(region, born, sequence)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != text[position]]))
    changed = text[:position] + replacement + text[position + 1 :]
    # MOD 11-2 detects every single-character substitution, so whichever check
    # fires first, the changed number never validates.
    with pytest.raises(IdNumberError):
        validate_id_number(changed, today=TODAY)


@given(region=regions, born=births, sequence=sequences)
def test_masking_keeps_length_18_and_the_ends(region: str, born: date, sequence: str) -> None:
    text = make_id(region, born, sequence)
    masked = mask_id_number(text)
    assert len(masked) == 18
    assert masked[:6] == text[:6] and masked[-4:] == text[-4:]
    assert masked[6:14] == "*" * 8


@given(st.text(max_size=30))
def test_arbitrary_text_either_validates_or_raises_id_number_error(text: str) -> None:
    try:
        number = validate_id_number(text, today=TODAY)
    except IdNumberError:
        return
    assert len(number.value) == 18
