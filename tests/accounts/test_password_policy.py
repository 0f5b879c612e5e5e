"""The password policy (issue 14 §2): length 10, three of four character
classes, not the username, not one of the last five, expiry with a forced
change; an administrator's reset forces a change at the next login."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from tests.conftest import PASSWORD

from bianzhi.accounts import services
from bianzhi.accounts.models import SecurityPolicy
from bianzhi.accounts.passwords import character_classes
from bianzhi.kernel.errors import ServiceError

GOOD = ["Gx9#kettle-2026", "Hy8$lantern-2027", "Jz7%marble-2028", "Kq6&needle-2029",
        "Lw5*orchid-2030", "Mv4!pepper-2031"]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1#xyz", "至少 10 个字符"),
        ("abcdefghij1", "至少 3 类"),
        ("Penglai-2026x", "不能包含用户名"),
    ],
)
def test_weak_passwords_are_refused(penglai_user: Any, password: str, message: str) -> None:
    with pytest.raises(ServiceError, match=message):
        services.password_change(user=penglai_user, old_password=PASSWORD, new_password=password)


def test_character_classes_are_counted() -> None:
    assert character_classes("abc") == 1
    assert character_classes("abcDEF123") == 3
    assert character_classes("aB1#") == 4
    assert character_classes("密码abc1") == 3  # a Chinese character counts as "other"


def test_none_of_the_last_five_passwords_may_come_back(penglai_user: Any) -> None:
    old = PASSWORD
    for new in GOOD[:5]:
        services.password_change(user=penglai_user, old_password=old, new_password=new)
        old = new
    for reused in GOOD[:4]:  # GOOD[4] is the current one: refused as "the same"
        with pytest.raises(ServiceError, match="最近 5 次"):
            services.password_change(user=penglai_user, old_password=old, new_password=reused)
    # The sixth one back is allowed again... after one more change pushes GOOD[0] out.
    services.password_change(user=penglai_user, old_password=old, new_password=GOOD[5])
    services.password_change(user=penglai_user, old_password=GOOD[5], new_password=GOOD[0])


def test_an_expired_password_must_be_changed_before_anything_else(
    client: Any, penglai_user: Any, clock: Any
) -> None:
    clock(date(2026, 3, 1))
    services.password_change(user=penglai_user, old_password=PASSWORD, new_password=GOOD[0])
    client.force_login(penglai_user)
    assert client.get(reverse("web:home")).status_code == 200
    clock(date(2026, 5, 29))  # day 89
    assert client.get(reverse("web:home")).status_code == 200
    clock(date(2026, 6, 1))  # day 92 > 90
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    assert client.get("/api/v1/regions/").status_code == 403
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200 and "须修改后才能继续" in page.content.decode()
    client.post(reverse("accounts:password_change"), {
        "old_password": GOOD[0], "new_password": GOOD[1], "new_password2": GOOD[1],
    })
    assert client.get(reverse("web:home")).status_code == 200


def test_the_expiry_is_the_security_administrators_setting(penglai_user: Any, clock: Any) -> None:
    from bianzhi.accounts.passwords import password_expired

    at = clock(date(2026, 3, 1))
    services.password_change(user=penglai_user, old_password=PASSWORD, new_password=GOOD[0])
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"expiry_days": 30})
    assert password_expired(penglai_user, at + timedelta(days=31))
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"expiry_days": 0})
    assert not password_expired(penglai_user, at + timedelta(days=3000))


def test_demo_and_fixture_accounts_do_not_expire(penglai_user: Any, clock: Any) -> None:
    from bianzhi.accounts.passwords import must_change_password

    assert penglai_user.password_changed_at is None
    assert not must_change_password(penglai_user, clock(date(2040, 1, 1)))


def test_the_own_password_change_needs_the_old_password_and_is_audited(penglai_user: Any) -> None:
    from bianzhi.audit.models import AuditRecord

    with pytest.raises(ServiceError, match="原密码不正确"):
        services.password_change(user=penglai_user, old_password="wrong", new_password=GOOD[0])
    services.password_change(user=penglai_user, old_password=PASSWORD, new_password=GOOD[0])
    assert penglai_user.check_password(GOOD[0]) and penglai_user.password_changed_at is not None
    assert AuditRecord.objects.filter(actor=penglai_user, reason="用户修改本人密码").exists()


def test_django_validators_stay(penglai_user: Any) -> None:
    with pytest.raises(ServiceError):
        services.password_change(user=penglai_user, old_password=PASSWORD, new_password="Password123")
