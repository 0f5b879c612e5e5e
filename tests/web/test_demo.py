from __future__ import annotations

from typing import Any

import pytest

from bianzhi.accounts.models import User
from bianzhi.audit.models import AuditRecord
from bianzhi.kernel.demo import DEMO_STEPS, DemoContext, DemoRefused, demo_run
from bianzhi.regions.models import Region


def _quick(password: str = "demo-2026") -> DemoContext:
    return DemoContext(password=password, full_country=False, echo=lambda _: None)


@pytest.mark.django_db
def test_the_demo_creates_the_counties_and_its_users() -> None:
    demo_run(context=_quick())
    assert Region.objects.filter(county_code="510923", level="township").count() == 10
    assert Region.objects.filter(county_code="621121", level="township").count() == 18
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {"admin", "daying", "tongwei", "penglai", "suining", "daying-dept",
                          "sysadmin", "secadmin", "auditor"}
    assert users["admin"].is_superuser
    # The three separated administrators (三权分立), one role each, for 大英县.
    for name in ("sysadmin", "secadmin", "auditor"):
        assert users[name].role_set() == {name} and users[name].region.code == "510923"
    assert users["daying"].role_set() == {"officer", "approver"}
    assert users["penglai"].region.code == "510923100"
    assert users["suining"].region.code == "5109" and users["suining"].role_set() == {"viewer"}
    assert users["tongwei"].check_password("demo-2026")


@pytest.mark.django_db
def test_the_demo_is_idempotent() -> None:
    demo_run(context=_quick())
    counts = (Region.objects.count(), User.objects.count(), AuditRecord.objects.count())
    demo_run(context=_quick())
    assert (Region.objects.count(), User.objects.count(), AuditRecord.objects.count()) == counts


@pytest.mark.django_db
def test_the_demo_refuses_to_run_in_production(monkeypatch: Any) -> None:
    monkeypatch.setenv("BIANZHI_PRODUCTION", "1")
    with pytest.raises(DemoRefused):
        demo_run(context=_quick())
    assert not User.objects.exists()


def test_apps_register_their_steps_in_order() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    names = [s.name for s in sorted(DEMO_STEPS, key=lambda s: s.order)]
    assert names.index("行政区划") < names.index("演示用户")
