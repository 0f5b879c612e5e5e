"""User administration in the browser (issue 14 §1): 三权分立 of the three
administrators, the region tree bounding each, every action audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from tests.conftest import DAYING, PENGLAI, TONGWEI

from bianzhi.accounts import services
from bianzhi.accounts.models import User
from bianzhi.audit.models import AuditRecord
from bianzhi.kernel.errors import ServiceError
from bianzhi.regions.models import Region

NEW_PASSWORD = "Gx9#kettle-2026"


def _create(client: Any, code: str = PENGLAI, username: str = "wang") -> Any:
    return client.post(reverse("accounts:user_create"), {
        "username": username, "full_name": "王五", "region_code": code,
        "department": "", "password": NEW_PASSWORD,
    })


def test_the_sysadmin_creates_an_account_without_roles_that_must_change_its_password(
    client: Any, sysadmin: Any
) -> None:
    client.force_login(sysadmin)
    response = _create(client)
    user = User.objects.get(username="wang")
    assert response.status_code == 302 and response["Location"].endswith(f"/users/{user.pk}/")
    assert user.region.code == PENGLAI and user.role_set() == frozenset()
    assert user.must_change_password and user.check_password(NEW_PASSWORD)
    record = AuditRecord.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert record.actor == sysadmin and record.after["must_change_password"] is True


def test_the_sysadmin_cannot_create_outside_its_region(client: Any, sysadmin: Any) -> None:
    client.force_login(sysadmin)
    response = _create(client, code=TONGWEI)
    assert response.status_code == 200 and "不在您的管理范围内" in response.content.decode()
    assert not User.objects.filter(username="wang").exists()


def test_an_administrator_cannot_see_or_touch_users_beside_its_region(
    client: Any, tongwei_sysadmin: Any, daying_officer: Any
) -> None:
    client.force_login(tongwei_sysadmin)
    url = reverse("accounts:user_detail", args=[daying_officer.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "disable"}).status_code == 404
    assert "daying" not in client.get(reverse("accounts:users")).content.decode()
    daying_officer.refresh_from_db()
    assert daying_officer.is_active
    with pytest.raises(PermissionDenied):
        services.admin_user_active_set(actor=tongwei_sysadmin, user=daying_officer, active=False)


def test_a_county_administrator_cannot_manage_the_city_above(
    sysadmin: Any, suining_viewer: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.admin_password_reset(actor=sysadmin, user=suining_viewer, password=NEW_PASSWORD)


def test_disable_enable_reset_and_unlock_are_audited(client: Any, sysadmin: Any, penglai_user: Any) -> None:
    client.force_login(sysadmin)
    url = reverse("accounts:user_detail", args=[penglai_user.pk])
    client.post(url, {"action": "disable", "reason": "调离"})
    penglai_user.refresh_from_db()
    assert not penglai_user.is_active
    client.post(url, {"action": "enable"})
    client.post(url, {"action": "reset_password", "password": NEW_PASSWORD})
    for _ in range(5):
        services.login_failure_record(username="penglai")
    assert services.login_locked_until(username="penglai") is not None
    client.post(url, {"action": "unlock"})
    assert services.login_locked_until(username="penglai") is None
    penglai_user.refresh_from_db()
    assert penglai_user.is_active and penglai_user.must_change_password
    reasons = list(
        AuditRecord.objects.filter(object_type="accounts.user", object_id=str(penglai_user.pk), actor=sysadmin)
        .order_by("id").values_list("reason", flat=True)
    )
    assert reasons == ["调离", "启用账号", "重置密码", "解除登录锁定"]
    # Never deleted: there is no delete action at all.
    assert client.post(url, {"action": "delete"}).status_code == 403


def test_a_disabled_user_is_logged_out(client: Any, sysadmin: Any, penglai_user: Any) -> None:
    from django.test import Client

    other = Client()
    other.force_login(penglai_user)
    assert other.get(reverse("web:home")).status_code == 200
    services.admin_user_active_set(actor=sysadmin, user=penglai_user, active=False)
    assert other.get(reverse("web:home")).status_code == 302


def test_the_sysadmin_cannot_grant_roles_nor_read_the_audit_trail(
    client: Any, sysadmin: Any, penglai_user: Any
) -> None:
    client.force_login(sysadmin)
    url = reverse("accounts:user_detail", args=[penglai_user.pk])
    assert client.post(url, {"action": "roles", "roles": ["officer"]}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.admin_roles_set(actor=sysadmin, user=penglai_user, roles=["township", "viewer"])
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("audit:export_csv")).status_code == 403


def test_the_secadmin_grants_roles_but_cannot_manage_accounts(
    client: Any, secadmin: Any, penglai_user: Any
) -> None:
    client.force_login(secadmin)
    url = reverse("accounts:user_detail", args=[penglai_user.pk])
    client.post(url, {"action": "roles", "roles": ["township", "viewer"]})
    penglai_user.refresh_from_db()
    assert penglai_user.role_set() == {"township", "viewer"}
    assert AuditRecord.objects.filter(actor=secadmin, after={"roles": ["township", "viewer"]}).exists()
    assert client.post(url, {"action": "disable"}).status_code == 403
    assert client.post(url, {"action": "reset_password", "password": NEW_PASSWORD}).status_code == 403
    assert client.get(reverse("audit:list")).status_code == 403


def test_the_auditor_reads_and_exports_the_trail_and_changes_nothing(
    client: Any, auditor: Any, penglai_user: Any
) -> None:
    client.force_login(auditor)
    assert client.get(reverse("audit:list")).status_code == 200
    assert client.get(reverse("audit:logins")).status_code == 200
    assert client.get(reverse("accounts:users")).status_code == 403
    url = reverse("accounts:user_detail", args=[penglai_user.pk])
    assert client.post(url, {"action": "disable"}).status_code == 403
    assert client.post(reverse("accounts:policy"), {}).status_code == 403


def test_no_account_holds_two_of_the_three_administrator_roles(secadmin: Any, penglai_user: Any) -> None:
    with pytest.raises(ServiceError, match="三权分立"):
        services.admin_roles_set(actor=secadmin, user=penglai_user, roles=["sysadmin", "auditor"])
    with pytest.raises(ServiceError, match="三权分立"):
        services.admin_roles_set(actor=secadmin, user=penglai_user, roles=["auditor", "township"])
    with pytest.raises(ServiceError, match="三权分立"):
        services.user_create(username="x", password=None, region=Region.objects.get(code=DAYING),
                             roles=["sysadmin", "secadmin"], validate=False)


def test_nobody_manages_their_own_account_here(secadmin: Any) -> None:
    with pytest.raises(ServiceError, match="自己的账号"):
        services.admin_roles_set(actor=secadmin, user=secadmin, roles=["officer"])


def test_the_superuser_only_sets_up_the_three_administrators(
    client: Any, superuser: Any, penglai_user: Any
) -> None:
    client.force_login(superuser)
    response = client.post(reverse("accounts:user_create"), {
        "username": "audit1", "full_name": "", "region_code": DAYING, "department": "",
        "password": NEW_PASSWORD, "admin_role": "auditor",
    })
    assert response.status_code == 302
    assert User.objects.get(username="audit1").role_set() == {"auditor"}
    assert AuditRecord.objects.filter(actor=superuser, object_label="audit1").exists()
    with pytest.raises(ServiceError, match="超级管理员"):
        services.admin_roles_set(actor=superuser, user=penglai_user, roles=["officer"])


def test_the_secadmin_sets_the_policy_and_it_is_audited(client: Any, secadmin: Any, sysadmin: Any) -> None:
    from bianzhi.accounts.models import SecurityPolicy

    values = {"min_length": 12, "min_classes": 4, "history": 6, "expiry_days": 60, "max_sessions": 2}
    client.force_login(sysadmin)
    assert client.post(reverse("accounts:policy"), values).status_code == 403
    client.force_login(secadmin)
    assert client.post(reverse("accounts:policy"), values).status_code == 302
    policy = SecurityPolicy.current()
    assert (policy.min_length, policy.min_classes, policy.history, policy.expiry_days) == (12, 4, 6, 60)
    assert AuditRecord.objects.filter(actor=secadmin, object_label="安全策略").exists()
    # Below the level-3 floor is refused.
    assert client.post(reverse("accounts:policy"), {**values, "min_length": 6}).status_code == 200
    assert SecurityPolicy.current().min_length == 12
