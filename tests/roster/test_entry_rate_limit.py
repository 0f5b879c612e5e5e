"""The 入编 form answers whether an identity number is registered elsewhere,
so it is rate-limited per user: N submissions a minute, counted in the
database (shared by every app server), then HTTP 429 with a Chinese message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tests.staffing import PENGLAI, TONGWEI_TOWNSHIP, approve, enter, id_number

from bianzhi.roster.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def three_a_minute(settings: Any) -> None:
    settings.BIANZHI_ROSTER_ENTRIES_PER_MINUTE = 3


def _entry(number: str, name: str = "新人") -> dict[str, str]:
    return {
        "id_number": number, "name": name, "township": PENGLAI, "institution": "",
        "quota_type": "行政编制", "post_category": "general", "entry_date": "2024-09-01",
        "entry_way": "exam", "education": "", "document_number": "大组通〔2024〕3号",
    }


def test_probing_numbers_through_the_entry_form_is_stopped_with_429(
    login: Any, daying_officer: Any, penglai: Any
) -> None:
    approve(TONGWEI_TOWNSHIP, admin=5)
    elsewhere = [enter(serial, code=TONGWEI_TOWNSHIP).id_number for serial in range(1, 5)]
    client = login(daying_officer)
    for number in elsewhere[:3]:
        answer = client.post("/roster/enter/", _entry(number))
        assert answer.status_code == 200 and "已在其他地区在册" in answer.content.decode()
    refused = client.post("/roster/enter/", _entry(elsewhere[3]))
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "操作过于频繁" in body and "已在其他地区在册" not in body


def test_a_refused_submission_saves_nothing_and_other_users_are_counted_apart(
    login: Any, daying_officer: Any, superuser: Any, penglai: Any
) -> None:
    client = login(daying_officer)
    for serial in range(1, 4):
        assert client.post("/roster/enter/", _entry(id_number(serial))).status_code == 302
    assert client.post("/roster/enter/", _entry(id_number(4))).status_code == 429
    assert not Person.objects.filter(id_number=id_number(4)).exists()
    # The page itself still opens; only submissions are limited.
    assert client.get("/roster/enter/").status_code == 200
    assert login(superuser).post("/roster/enter/", _entry(id_number(4))).status_code == 302


def test_submissions_older_than_a_minute_no_longer_count(login: Any, daying_officer: Any, penglai: Any) -> None:
    client = login(daying_officer)
    for serial in range(1, 4):
        client.post("/roster/enter/", _entry(id_number(serial)))
    assert client.post("/roster/enter/", _entry(id_number(4))).status_code == 429
    from bianzhi.roster.models import EntryAttempt

    for attempt in EntryAttempt.objects.all():
        EntryAttempt.objects.filter(pk=attempt.pk).update(at=attempt.at - timedelta(seconds=61))
    assert client.post("/roster/enter/", _entry(id_number(4))).status_code == 302
