"""The published duty list: the PDF is rendered once per version of the list
(shared cache), and anonymous clients are limited per address (429)."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from tests.conftest import DAYING, PENGLAI

from bianzhi.duties import exports
from bianzhi.duties.services.statutory import statutory_item_set
from bianzhi.kernel.ratelimit import rate_limit_hit

PDF_URL = reverse("duties-public:township-duties-pdf", args=[PENGLAI])


@pytest.fixture
def renders(regions: Any) -> Any:
    """Counts WeasyPrint runs (and skips them: each takes a second or two)."""
    with mock.patch.object(
        exports, "html_to_pdf", side_effect=lambda html: b"%PDF " + html.encode()
    ) as fake:
        yield fake


def _add_statutory_item(regions: Any, code: str, name: str) -> None:
    statutory_item_set(
        actor=None, county=regions[DAYING], code=code, name=name, power_type="行政检查"
    )


def test_the_second_request_gets_the_stored_pdf(client: Any, regions: Any, renders: Any) -> None:
    _add_statutory_item(regions, "FD-001", "农村宅基地日常巡查")
    first = client.get(PDF_URL)
    second = Client().get(PDF_URL)  # another client: the copy is shared
    assert first.status_code == second.status_code == 200
    assert renders.call_count == 1
    assert first.content == second.content and "农村宅基地日常巡查" in first.content.decode()


def test_a_change_to_the_list_renders_it_anew(client: Any, regions: Any, renders: Any) -> None:
    _add_statutory_item(regions, "FD-001", "农村宅基地日常巡查")
    client.get(PDF_URL)
    _add_statutory_item(regions, "FD-002", "燃气安全检查")
    changed = client.get(PDF_URL)
    assert renders.call_count == 2 and "燃气安全检查" in changed.content.decode()
    client.get(PDF_URL)
    assert renders.call_count == 2


def test_the_pdf_is_kept_in_the_shared_database_cache(
    client: Any, regions: Any, renders: Any
) -> None:
    from django.core.cache import cache
    from django.db import connection

    client.get(PDF_URL)
    # In the database every app server reads, not in one process's memory.
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM bianzhi_cache")
        keys = [key for (key,) in cursor.fetchall()]
    assert any("duties:duty-list-pdf:" in key for key in keys)
    cache.clear()
    client.get(PDF_URL)
    assert renders.call_count == 2


@override_settings(BIANZHI_ANON_RATE_LIMIT=3, BIANZHI_ANON_RATE_WINDOW=60)
def test_anonymous_requests_beyond_the_limit_get_429_in_chinese(regions: Any, renders: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    urls = [
        reverse("duties-public:township-duties", args=[PENGLAI]),
        reverse("duties-public:township-duties-xlsx", args=[PENGLAI]),
        PDF_URL,
    ]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    refused = client.get(PDF_URL)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "访问过于频繁" in refused.content.decode()
    assert renders.call_count == 1
    # Another address has its own count.
    assert Client(REMOTE_ADDR="203.0.113.8").get(PDF_URL).status_code == 200


@override_settings(BIANZHI_ANON_RATE_LIMIT=1)
def test_logged_in_users_are_not_limited(login: Any, daying_officer: Any, renders: Any) -> None:
    client = login(daying_officer)
    assert [client.get(PDF_URL).status_code for _ in range(3)] == [200, 200, 200]


def test_the_count_starts_again_in_the_next_window(db: Any) -> None:
    start = 1_800_000_000.0  # the start of a 60-second window
    hits = [
        rate_limit_hit(scope="t", address="203.0.113.7", limit=2, window=60, now=start + i)
        for i in range(3)
    ]
    assert hits == [None, None, 58]
    assert (
        rate_limit_hit(scope="t", address="203.0.113.7", limit=2, window=60, now=start + 60) is None
    )
