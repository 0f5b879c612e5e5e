"""The API serializer helpers (accounts/api_base.py) give exactly what the
plain DRF field and ``reverse`` give, without their per-row cost."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bianzhi.accounts.api_base import ChoiceLabelField, pk_url
from bianzhi.roster.models import Person, PostCategory, Status


@pytest.mark.parametrize("name", ["person-detail", "roster:detail", "institution-ledger", "institutions:detail"])
@pytest.mark.parametrize("pk", [1, 7, 42, 987654321, 10**12])
def test_pk_url_is_reverse_for_every_id(name: str, pk: int) -> None:
    cache: dict[str, tuple[str, str]] = {}
    assert pk_url(cache, name, pk) == reverse(name, args=[pk])
    assert pk_url(cache, name, pk + 1) == reverse(name, args=[pk + 1])  # from the cache


def test_choice_label_field_is_the_models_display_label() -> None:
    person = Person(post_category=PostCategory.LEADER, status=Status.SECONDED_OUT)
    assert ChoiceLabelField("post_category").get_attribute(person) == person.get_post_category_display()
    assert ChoiceLabelField("status").get_attribute(person) == "借调出"
