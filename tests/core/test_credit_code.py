import pytest

from bianzhi.core.credit_code import (
    CreditCodeError,
    check_character,
    mask_credit_code,
    validate_credit_code,
)

# A published code (国家市场监督管理总局's own is 11100000000013127D).
KNOWN = "11100000000013127D"


def test_a_published_code_passes_and_is_normalised() -> None:
    assert check_character(KNOWN[:17]) == "D"
    assert validate_credit_code(" 11100000000013127d ") == KNOWN
    # Full-width characters typed by an input method are accepted too.
    assert validate_credit_code("１１１０００００００００１３１２７Ｄ") == KNOWN


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "不能为空"),
        ("1110000000001312", "应为 18 位"),
        ("11100000000013127O", "无效字符"),
        ("11100000000013127E", "最后一位应为 D"),
    ],
)
def test_a_bad_code_is_refused_with_the_reason(text: str, fragment: str) -> None:
    with pytest.raises(CreditCodeError, match=fragment):
        validate_credit_code(text)


def test_masking_keeps_the_region_and_the_check_character() -> None:
    assert mask_credit_code(KNOWN) == "11100000*********D"
