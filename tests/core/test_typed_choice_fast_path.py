"""match_choice keeps the normalised labels per label set and takes a label
typed exactly as the drop-down wrote it without normalising it (issue 16
§2: an import asks for every drop-down cell). Both give exactly what the
plain version gives, refusals included."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bianzhi.core.typed import compact, match_choice

LABELS = {"行政编制": "a", "事业编制": "b", "工勤编制": "c", "在岗": "d", "借调出": "e", "A B": "f", "ＡＢ": "g"}


def reference(value: str, choices: Mapping[str, Any]) -> Any:
    """The plain version: normalise everything on every call."""
    raw = compact(value)
    by_compact = {compact(label): label for label in choices}
    if raw in by_compact:
        return choices[by_compact[raw]]
    options = "、".join(choices)
    if len(raw) >= 2:
        starting = [label for key, label in by_compact.items() if key.startswith(raw)]
        if len(starting) == 1:
            return choices[starting[0]]
        if len(starting) > 1:
            raise ValueError(f"“{value.strip()}”不明确，可能是：{'、'.join(starting)}，请写完整")
    raise ValueError(f"“{value.strip()}”无效，应为：{options}")


def outcome(fn: Any, value: str, choices: Mapping[str, Any]) -> tuple[str, Any]:
    try:
        return "ok", fn(value, choices)
    except ValueError as error:
        return "error", str(error)


@given(st.one_of(
    st.sampled_from([*LABELS, "行政", "事业 编制", "　在岗　", "借调", "编制", "AB", "a b", "", " ", "X"]),
    st.text(alphabet="行政事业编制在岗借调出 　ＡＢAB", max_size=6),
))
def test_every_value_gives_what_the_plain_version_gives(value: str) -> None:
    for choices in (LABELS, {"是": True, "否": False}, {k: v for k, v in list(LABELS.items())[:3]}):
        assert outcome(match_choice, value, choices) == outcome(reference, value, choices)


def test_identity_number_checks_give_what_the_plain_versions_give() -> None:
    from bianzhi.core import idnumber

    def check_reference(first17: str) -> str:
        total = sum(w * (ord(c) - 48) for w, c in zip(idnumber._WEIGHTS, first17, strict=True))
        return idnumber._CHECK_CHARS[total % 11]

    for n in range(0, 10**17, 7_777_777_777_777):
        digits = f"{n:017d}"
        assert idnumber.check_digit(digits) == check_reference(digits)
    for text in ("", "0123", "１２３", "12a", "²³", "٣٤", "1234567890"):
        assert idnumber._is_ascii_digits(text) == all("0" <= c <= "9" for c in text)
