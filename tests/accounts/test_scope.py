from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from bianzhi.accounts.scope import Scope
from bianzhi.regions.models import Region


def test_a_county_officer_sees_the_county_and_its_townships(
    daying_officer: Any, regions: Any
) -> None:
    scope = Scope.for_user(daying_officer)
    codes = set(scope.regions().values_list("code", flat=True))
    assert "510923" in codes and "510923100" in codes
    assert "621121" not in codes and "5109" not in codes
    assert len(codes) == 1 + Region.objects.filter(parent__code="510923").count()


def test_officer_may_edit_and_approve_within_the_county_only(
    daying_officer: Any, regions: Any
) -> None:
    scope = Scope.for_user(daying_officer)
    assert scope.can_edit(regions["510923100"]) and scope.can_approve(regions["510923"])
    assert not scope.can_edit(regions["621121"]) and not scope.can_view(regions["5109"])


def test_a_township_user_sees_only_the_township(penglai_user: Any, regions: Any) -> None:
    scope = Scope.for_user(penglai_user)
    assert list(scope.regions().values_list("code", flat=True)) == ["510923100"]
    assert not scope.can_edit(regions["510923100"])
    assert not scope.can_view(regions["510923"])


def test_a_city_viewer_sees_its_counties_but_edits_nothing(
    suining_viewer: Any, regions: Any
) -> None:
    scope = Scope.for_user(suining_viewer)
    assert scope.can_view(regions["510923100"])
    assert not scope.can_edit(regions["510923"]) and not scope.can_approve(regions["510923"])


def test_filter_scopes_related_models_through_the_region(
    daying_officer: Any, tongwei_officer: Any
) -> None:
    from bianzhi.accounts.models import User

    scope = Scope.for_user(daying_officer)
    assert list(scope.filter(User.objects.all()).values_list("username", flat=True)) == ["daying"]


def test_code_q_matches_codes_under_the_region(daying_officer: Any) -> None:
    scope = Scope.for_user(daying_officer)
    assert scope.code_q("region_code").children == [("region_code__startswith", "510923")]


def test_anonymous_inactive_and_roleless_users_see_nothing(
    daying_officer: Any, regions: Any
) -> None:
    assert not Scope.for_user(AnonymousUser()).regions().exists()
    daying_officer.is_active = False
    assert not Scope.for_user(daying_officer).regions().exists()
    roleless = Scope(region=regions["510923"], roles=frozenset())
    assert not roleless.regions().exists() and not roleless.can_view(regions["510923"])


def test_a_superuser_sees_everything(superuser: Any, regions: Any) -> None:
    scope = Scope.for_user(superuser)
    assert scope.regions().count() == len(regions)
    assert scope.can_approve(regions["621121"])


def test_acts_for_township_is_the_township_itself_or_an_officer_over_it(
    penglai_user: Any, daying_officer: Any, tongwei_officer: Any, suining_viewer: Any, regions: Any
) -> None:
    # One definition for duties (opinions, take-up), agencies (opinions,
    # evaluations) and grids (registers).
    from bianzhi.accounts.scope import acts_for_township

    penglai, other = regions["510923100"], regions["510923101"]
    assert acts_for_township(Scope.for_user(penglai_user), penglai)
    assert not acts_for_township(Scope.for_user(penglai_user), other)
    assert acts_for_township(Scope.for_user(daying_officer), other)
    assert not acts_for_township(Scope.for_user(tongwei_officer), penglai)
    assert not acts_for_township(Scope.for_user(suining_viewer), penglai)
    assert acts_for_township(None, penglai)


def test_the_own_township_check_is_written_once() -> None:
    import pathlib

    import bianzhi

    root = pathlib.Path(bianzhi.__file__).parent
    pattern = "Role.TOWNSHIP in scope.roles and scope.region is not None and scope.region.pk =="
    holders = sorted(str(p.relative_to(root)) for p in root.rglob("*.py") if pattern in p.read_text(encoding="utf-8"))
    assert holders == ["accounts/scope.py"]
