"""``kernel.urls.pk_url`` gives exactly what ``reverse`` gives, for any id,
once the pattern is cached."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bianzhi.kernel.urls import pk_url


@pytest.mark.parametrize("name", ["person-detail", "roster:detail", "institution-ledger", "institutions:detail"])
@pytest.mark.parametrize("pk", [1, 7, 42, 987654321, 10**12])
def test_pk_url_is_reverse_for_every_id(name: str, pk: int) -> None:
    cache: dict[str, tuple[str, str]] = {}
    assert pk_url(cache, name, pk) == reverse(name, args=[pk])
    assert pk_url(cache, name, pk + 1) == reverse(name, args=[pk + 1])  # from the cache
