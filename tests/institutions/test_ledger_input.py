"""Malformed numbers and dates in the ledger form: a Chinese form error,
never a crash, and no ledger entry."""

from __future__ import annotations

from typing import Any

import pytest

from bianzhi.institutions.models import InstitutionLedgerEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"delta": "99999999999999999999"}, "确保该值小于或等于2147483647"),
        ({"delta": "-99999999999999999999"}, "确保该值大于或等于-2147483648"),
        ({"delta": "NaN"}, "输入整数"),
        ({"effective_on": "2026-02-30"}, "输入一个有效的日期"),
        ({"effective_on": "9999-12-31"}, "日期须在 1900-01-01 至 2200-12-31 之间"),
    ],
)
def test_a_malformed_ledger_change_is_refused_and_not_recorded(
    login: Any, daying_officer: Any, office: Any, fields: dict[str, str], message: str
) -> None:
    entries = InstitutionLedgerEntry.objects.count()
    data = {
        "item": "行政编制",
        "delta": "1",
        "effective_on": "2024-01-01",
        "document_number": "大委编发〔2024〕1号",
        "reason": "增加",
    }
    data.update(fields)
    response = login(daying_officer).post(f"/institutions/{office.pk}/ledger/", data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert InstitutionLedgerEntry.objects.count() == entries
