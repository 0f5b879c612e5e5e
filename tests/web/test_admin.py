"""The admin namespace is skipped by the URL walk; it is staff-only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def test_officers_are_not_let_into_the_admin(client: Any, daying_officer: Any) -> None:
    client.force_login(daying_officer)
    response = client.get(reverse("admin:regions_region_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_the_admin_is_read_only_even_for_superusers(
    client: Any, superuser: Any, regions: Any
) -> None:
    client.force_login(superuser)
    assert client.get(reverse("admin:regions_region_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    assert (
        client.get(reverse("admin:regions_region_delete", args=[regions["51"].pk])).status_code
        == 403
    )
