"""The three separated administrators of 大英县 for the tests, each with a
second factor enrolled (they must have one), and a helper to enrol one."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import DAYING, PASSWORD


def enrol(user: Any) -> str:
    """Enrol a TOTP authenticator for ``user``; returns its secret."""
    from bianzhi.accounts import services, totp
    from bianzhi.kernel import clock

    device = services.totp_enrol_begin(user=user)
    services.totp_enrol_confirm(user=user, code=totp.code_at(device.secret, clock.now()))
    return device.secret


def _admin(username: str, role: str, code: str = DAYING) -> Any:
    from bianzhi.accounts.services import user_create
    from bianzhi.regions.models import Region

    user = user_create(username=username, password=PASSWORD, region=Region.objects.get(code=code),
                       roles=[role], validate=False)
    enrol(user)
    return user


@pytest.fixture
def sysadmin(regions: Any) -> Any:
    return _admin("sysadmin", "sysadmin")


@pytest.fixture
def secadmin(regions: Any) -> Any:
    return _admin("secadmin", "secadmin")


@pytest.fixture
def auditor(regions: Any) -> Any:
    return _admin("auditor", "auditor")


@pytest.fixture
def tongwei_sysadmin(regions: Any) -> Any:
    from tests.conftest import TONGWEI

    return _admin("tw_sysadmin", "sysadmin", TONGWEI)
