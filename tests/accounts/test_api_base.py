"""``ChoiceLabelField`` (accounts/api_base.py) gives exactly what the plain
DRF field gives, without its per-row signature inspection."""

from __future__ import annotations

from bianzhi.accounts.api_base import ChoiceLabelField
from bianzhi.roster.models import Person, PostCategory, Status


def test_choice_label_field_is_the_models_display_label() -> None:
    person = Person(post_category=PostCategory.LEADER, status=Status.SECONDED_OUT)
    assert ChoiceLabelField("post_category").get_attribute(person) == person.get_post_category_display()
    assert ChoiceLabelField("status").get_attribute(person) == "借调出"
