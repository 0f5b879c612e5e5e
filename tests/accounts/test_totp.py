"""Two-factor login with TOTP (issue 14 §2): required for the three
administrator roles, optional for others; recovery codes; an administrator
resets it; the token API takes a code."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from tests.conftest import DAYING, PASSWORD

from bianzhi.accounts import services, totp
from bianzhi.accounts.models import SecurityPolicy
from bianzhi.audit.models import LoginEvent


def _login(client: Any, username: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def test_an_administrator_without_a_second_factor_must_enrol_first(regions: Any, clock: Any) -> None:
    from bianzhi.accounts.services import user_create
    from bianzhi.regions.models import Region

    clock(datetime(2026, 3, 2, 9, 0))
    admin = user_create(username="newsys", password=PASSWORD, region=Region.objects.get(code=DAYING),
                        roles=["sysadmin"], validate=False)
    client = Client()
    _login(client, "newsys")
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:totp_setup")
    page = client.get(reverse("accounts:totp_setup")).content.decode()
    assert "<svg" in page  # the QR code, drawn on the server
    secret = admin.totp.secret
    clock(datetime(2026, 3, 2, 9, 0, 30))
    done = client.post(reverse("accounts:totp_setup"), {"code": totp.code_at(secret, services.clock.now())})
    assert "恢复码" in done.content.decode()
    assert client.get(reverse("web:home")).status_code == 200


def test_officers_log_in_with_a_password_alone(client: Any, daying_officer: Any) -> None:
    response = _login(client, "daying")
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_the_policy_can_require_it_of_everyone(client: Any, daying_officer: Any) -> None:
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"totp_for_all": True})
    _login(client, "daying")
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:totp_setup")


def test_with_a_second_factor_the_password_alone_does_not_log_in(
    client: Any, secadmin: Any, clock: Any
) -> None:
    response = _login(client, "secadmin")
    assert response["Location"] == reverse("accounts:login_otp")
    assert client.get(reverse("web:home")).status_code == 302  # not logged in yet
    wrong = client.post(reverse("accounts:login_otp"), {"code": "000000"})
    assert "动态口令不正确" in wrong.content.decode()
    later = clock(services.clock.now() + timedelta(seconds=60))
    ok = client.post(reverse("accounts:login_otp"), {"code": totp.code_at(secadmin.totp.secret, later)})
    assert ok.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    reasons = list(LoginEvent.objects.filter(user=secadmin).order_by("id").values_list("reason", flat=True))
    assert reasons == ["password_ok", "wrong_otp", "success"]


def test_a_code_is_accepted_once(secadmin: Any, clock: Any) -> None:
    at = clock(services.clock.now() + timedelta(seconds=90))
    code = totp.code_at(secadmin.totp.secret, at)
    assert services.totp_verify(user=secadmin, code=code)
    assert not services.totp_verify(user=secadmin, code=code)


def test_a_recovery_code_works_once(regions: Any) -> None:
    from bianzhi.accounts.services import user_create
    from bianzhi.regions.models import Region

    user = user_create(username="u1", password=PASSWORD, region=Region.objects.get(code=DAYING),
                       roles=["officer"], validate=False)
    device = services.totp_enrol_begin(user=user)
    codes = services.totp_enrol_confirm(user=user, code=totp.code_at(device.secret, services.clock.now()))
    assert len(codes) == 10
    assert services.totp_verify(user=user, code=codes[3].upper())
    assert not services.totp_verify(user=user, code=codes[3])


def test_the_secadmin_resets_a_second_factor_and_it_is_audited(secadmin: Any, auditor: Any) -> None:
    from bianzhi.audit.models import AuditRecord

    assert services.admin_totp_reset(actor=secadmin, user=auditor)
    assert not services.totp_enabled(auditor)
    assert AuditRecord.objects.filter(actor=secadmin, reason="重置动态口令", object_id=str(auditor.pk)).exists()


def test_the_token_api_asks_for_the_code(client: Any, secadmin: Any, clock: Any) -> None:
    url = reverse("api-token")
    body = {"username": "secadmin", "password": PASSWORD}
    assert client.post(url, body, content_type="application/json").status_code == 400
    bad = client.post(url, {**body, "otp": "123456"}, content_type="application/json")
    assert bad.status_code == 400 and "动态口令不正确" in bad.json()["detail"]
    at = clock(services.clock.now() + timedelta(seconds=60))
    good = client.post(url, {**body, "otp": totp.code_at(secadmin.totp.secret, at)},
                       content_type="application/json")
    assert good.status_code == 200 and good.json()["token"]


def test_the_admin_site_login_goes_through_the_site_login(client: Any) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
