"""API tokens: a new hashed token per request, with expiry, name, client
address and last use; refused (401, in Chinese) once expired or revoked;
revocable by the owner (page, API, logout) and by an 编办管理员 over the
owner's region; every issue and revocation audited."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from bianzhi.accounts.models import ApiToken
from bianzhi.audit.models import AuditRecord

PASSWORD = "Xq7-test-pass"
TOKEN_URL = "/api/v1/auth/token/"
REVOKE_URL = "/api/v1/auth/token/revoke/"
PROTECTED = "/api/v1/regions/"


def _issue(user: Any, *, name: str = "", address: str = "127.0.0.1") -> str:
    response = APIClient().post(
        TOKEN_URL,
        {"username": user.username, "password": PASSWORD, "name": name},
        format="json",
        REMOTE_ADDR=address,
    )
    assert response.status_code == 200, response.content
    key: str = response.json()["token"]
    return key


def _get(key: str, url: str = PROTECTED) -> Any:
    return APIClient().get(url, HTTP_AUTHORIZATION=f"Token {key}")


def _token(key: str) -> ApiToken:
    return ApiToken.objects.get(key_hash=hashlib.sha256(key.encode()).hexdigest())


# --- issuing ------------------------------------------------------------------


def test_every_request_issues_a_new_token_and_each_works(daying_officer: Any) -> None:
    first, second = _issue(daying_officer), _issue(daying_officer)
    assert first != second
    assert _get(first).status_code == 200 and _get(second).status_code == 200
    assert ApiToken.objects.filter(user=daying_officer).count() == 2


def test_only_a_hash_of_the_key_is_stored(daying_officer: Any) -> None:
    key = _issue(daying_officer)
    token = _token(key)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    # The key itself appears in no column of the table.
    table = ApiToken._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        assert not any(key in str(value) for row in cursor.fetchall() for value in row)


def test_a_token_carries_name_client_address_expiry_and_last_use(daying_officer: Any) -> None:
    before = timezone.now()
    response = APIClient().post(
        TOKEN_URL,
        {"username": "daying", "password": PASSWORD, "name": "统计脚本"},
        format="json",
        REMOTE_ADDR="10.1.2.3",
    )
    body = response.json()
    token = _token(body["token"])
    assert body["name"] == token.name == "统计脚本"
    assert token.client_address == "10.1.2.3"
    # A working day by default (BIANZHI_API_TOKEN_HOURS=8).
    assert settings.BIANZHI_API_TOKEN_HOURS == 8
    assert before + timedelta(hours=8) <= token.expires_at <= timezone.now() + timedelta(hours=8)
    assert token.last_used_at is None
    assert _get(body["token"]).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at >= before


def test_the_client_address_is_the_proxys_client_only_behind_a_trusted_proxy(
    daying_officer: Any, settings: Any
) -> None:
    def issue() -> ApiToken:
        response = APIClient().post(
            TOKEN_URL,
            {"username": "daying", "password": PASSWORD},
            format="json",
            REMOTE_ADDR="192.0.2.1",
            HTTP_X_FORWARDED_FOR="10.9.8.7",
        )
        return _token(response.json()["token"])

    settings.BIANZHI_TRUSTED_PROXIES = 0
    assert issue().client_address == "192.0.2.1"  # a typed header is not believed
    settings.BIANZHI_TRUSTED_PROXIES = 1
    assert issue().client_address == "10.9.8.7"


def test_the_lifetime_follows_the_setting(daying_officer: Any, settings: Any) -> None:
    settings.BIANZHI_API_TOKEN_HOURS = 2
    token = _token(_issue(daying_officer))
    assert token.expires_at - token.created_at == timedelta(hours=2)


def test_the_lifetime_is_read_from_the_environment(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIANZHI_")}
    env.update({"BIANZHI_VAR_DIR": str(tmp_path), "BIANZHI_API_TOKEN_HOURS": "4"})
    code = "import bianzhi.web.settings as s; print(s.BIANZHI_API_TOKEN_HOURS)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "4.0", done.stderr
    env["BIANZHI_API_TOKEN_HOURS"] = "八小时"
    refused = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0 and "BIANZHI_API_TOKEN_HOURS" in refused.stderr


def test_issuing_is_audited_without_the_key(daying_officer: Any) -> None:
    key = _issue(daying_officer, name="统计脚本", address="10.1.2.3")
    token = _token(key)
    record = AuditRecord.objects.get(object_type="accounts.apitoken", object_id=str(token.pk))
    assert record.action == "create" and record.actor == daying_officer
    assert record.region_code == "510923"
    assert record.after["name"] == "统计脚本" and record.after["client_address"] == "10.1.2.3"
    text = str(record.before) + str(record.after) + record.object_label
    assert key not in text and token.key_hash not in text


def test_a_locked_account_gets_no_token(daying_officer: Any) -> None:
    client = APIClient()
    for _ in range(5):
        client.post(TOKEN_URL, {"username": "daying", "password": "x"}, format="json")
    response = client.post(TOKEN_URL, {"username": "daying", "password": PASSWORD}, format="json")
    assert response.status_code == 403 and "锁定" in response.json()["detail"]
    assert not ApiToken.objects.exists()


# --- refusing -----------------------------------------------------------------


def test_an_expired_token_is_refused_in_chinese(daying_officer: Any) -> None:
    key = _issue(daying_officer)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _get(key)
    assert response.status_code == 401
    assert response.json()["detail"] == "API 令牌已过期，请重新获取。"


def test_a_revoked_token_is_refused_in_chinese(daying_officer: Any) -> None:
    key = _issue(daying_officer)
    ApiToken.objects.update(revoked_at=timezone.now())
    response = _get(key)
    assert (
        response.status_code == 401 and response.json()["detail"] == "API 令牌已注销，请重新获取。"
    )


def test_unknown_and_old_drf_tokens_are_refused(daying_officer: Any) -> None:
    # A 40-hex key as rest_framework.authtoken issued them: no longer valid.
    response = _get("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b")
    assert response.status_code == 401 and response.json()["detail"] == "API 令牌无效，请重新获取。"
    malformed = APIClient().get(PROTECTED, HTTP_AUTHORIZATION="Token a b")
    assert malformed.status_code == 401
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS


def test_a_deactivated_account_cannot_use_its_token(daying_officer: Any) -> None:
    key = _issue(daying_officer)
    type(daying_officer).objects.filter(pk=daying_officer.pk).update(is_active=False)
    response = _get(key)
    assert response.status_code == 401 and response.json()["detail"] == "该账号已停用。"


@pytest.mark.django_db
def test_the_migration_drops_the_old_token_table() -> None:
    # Databases from before 0002 hold rest_framework.authtoken's table and
    # migration records: the migration's SQL removes both.
    from importlib import import_module

    migration = import_module("bianzhi.accounts.migrations.0002_api_tokens").Migration
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {quote('authtoken_token')} (key varchar(40) PRIMARY KEY)")
        cursor.execute(
            f"INSERT INTO {quote('django_migrations')} (app, name, applied) VALUES (%s, %s, %s)",
            ["authtoken", "0001_initial", timezone.now()],
        )
        for statement in migration.operations[-1].sql:
            cursor.execute(statement)
        cursor.execute(f"SELECT COUNT(*) FROM {quote('django_migrations')} WHERE app = 'authtoken'")
        assert cursor.fetchone()[0] == 0
    assert "authtoken_token" not in connection.introspection.table_names()


# --- revoking -----------------------------------------------------------------


def test_a_client_revokes_the_token_it_uses(daying_officer: Any) -> None:
    used, other = _issue(daying_officer), _issue(daying_officer)
    response = APIClient().post(REVOKE_URL, HTTP_AUTHORIZATION=f"Token {used}")
    assert response.status_code == 204
    assert _get(used).status_code == 401
    assert _get(other).status_code == 200
    record = AuditRecord.objects.get(
        object_type="accounts.apitoken", object_id=str(_token(used).pk), action="update"
    )
    assert record.actor == daying_officer and record.after["revoked_by"] == "daying"


def test_revoking_without_a_token_says_so(daying_officer: Any) -> None:
    client = APIClient()
    client.force_login(daying_officer)
    response = client.post(REVOKE_URL)
    assert response.status_code == 400 and "API 令牌" in response.json()["detail"]
    assert APIClient().post(REVOKE_URL).status_code == 401


def test_logout_revokes_all_tokens_when_asked(client: Any, daying_officer: Any) -> None:
    keys = [_issue(daying_officer), _issue(daying_officer)]
    client.force_login(daying_officer)
    response = client.post(reverse("accounts:logout"), {"revoke_tokens": "1"}, follow=True)
    assert "_auth_user_id" not in client.session
    assert "已注销 2 个 API 令牌" in response.content.decode()
    assert all(_get(key).status_code == 401 for key in keys)
    assert AuditRecord.objects.filter(object_type="accounts.apitoken", action="update").count() == 2


def test_a_plain_logout_leaves_the_tokens_working(client: Any, daying_officer: Any) -> None:
    key = _issue(daying_officer)
    client.force_login(daying_officer)
    page = client.get(reverse("web:home")).content.decode()
    assert "同时注销我的全部API令牌" in page  # the offer, on every page's logout form
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
    assert _get(key).status_code == 200


def test_the_token_page_lists_own_tokens_without_their_keys(
    client: Any, daying_officer: Any
) -> None:
    key = _issue(daying_officer, name="统计脚本", address="10.1.2.3")
    client.force_login(daying_officer)
    body = client.get(reverse("accounts:tokens")).content.decode()
    assert "统计脚本" in body and "10.1.2.3" in body and key[:8] in body
    assert key not in body and _token(key).key_hash not in body


def test_the_owner_revokes_a_token_on_the_page_with_a_reason(
    client: Any, daying_officer: Any
) -> None:
    key = _issue(daying_officer)
    token = _token(key)
    client.force_login(daying_officer)
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 200  # the confirmation
    assert _get(key).status_code == 200
    client.post(url, {"reason": "脚本停用"})
    assert _get(key).status_code == 401
    token.refresh_from_db()
    assert token.revoked_by == daying_officer
    record = AuditRecord.objects.get(object_id=str(token.pk), action="update")
    assert record.reason == "脚本停用"
    # Revoking again changes and audits nothing.
    client.post(url)
    assert AuditRecord.objects.filter(object_id=str(token.pk), action="update").count() == 1


def test_revoke_all_on_the_page(client: Any, daying_officer: Any) -> None:
    keys = [_issue(daying_officer), _issue(daying_officer)]
    client.force_login(daying_officer)
    assert client.get(reverse("accounts:tokens_revoke_all")).status_code == 405
    client.post(reverse("accounts:tokens_revoke_all"))
    assert all(_get(key).status_code == 401 for key in keys)


def test_the_county_officer_lists_and_revokes_a_township_users_token(
    client: Any, daying_officer: Any, penglai_user: Any
) -> None:
    key = _issue(penglai_user, name="蓬莱镇报表")
    token = _token(key)
    client.force_login(daying_officer)
    assert "蓬莱镇报表" in client.get(reverse("accounts:tokens")).content.decode()
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert _get(key).status_code == 401
    record = AuditRecord.objects.get(object_id=str(token.pk), action="update")
    assert record.actor == daying_officer and record.reason == "管理员注销"
    assert record.region_code == "510923100"


def test_a_superuser_revokes_anyones_token(
    client: Any, superuser: Any, tongwei_officer: Any
) -> None:
    key = _issue(tongwei_officer)
    client.force_login(superuser)
    client.post(reverse("accounts:token_revoke", args=[_token(key).pk]))
    assert _get(key).status_code == 401


@pytest.mark.parametrize("who", ["tongwei_officer", "suining_viewer", "penglai_user"])
def test_others_cannot_see_or_revoke_a_token(
    client: Any, daying_officer: Any, who: str, request: Any
) -> None:
    # 通渭县's officer: another county; 遂宁市's viewer: above, but no 编办管理员;
    # 蓬莱镇's user: below. All get a 404 and the token keeps working.
    key = _issue(daying_officer, name="大英县脚本")
    url = reverse("accounts:token_revoke", args=[_token(key).pk])
    client.force_login(request.getfixturevalue(who))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert "大英县脚本" not in client.get(reverse("accounts:tokens")).content.decode()
    assert _get(key).status_code == 200


def test_the_service_refuses_an_actor_without_the_right(
    daying_officer: Any, tongwei_officer: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    from bianzhi.accounts.services import api_token_revoke, api_tokens_revoke_all

    token = _token(_issue(daying_officer))
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, actor=tongwei_officer)
    with pytest.raises(PermissionDenied):
        api_tokens_revoke_all(user=daying_officer, actor=tongwei_officer)
    token.refresh_from_db()
    assert token.revoked_at is None
