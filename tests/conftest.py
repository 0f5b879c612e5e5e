"""Shared fixtures for the web tests: the two demo counties and named users.

Named users (healthchecks style), all with the password ``PASSWORD``:
``daying_officer`` (大英县 编办管理员 + 审核人), ``penglai_user`` (蓬莱镇 乡镇用户),
``tongwei_officer`` (通渭县 编办管理员: the outsider for 大英县),
``suining_viewer`` (遂宁市 只读).

Django is imported inside the fixtures only, so tests/core stays free of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

PASSWORD = "Xq7-test-pass"
DAYING = "510923"
PENGLAI = "510923100"
TONGWEI = "621121"
SUINING = "5109"


@pytest.fixture
def regions(db: Any) -> Any:
    """The region trees of 大英县 and 通渭县 (with their provinces and cities)."""
    from bianzhi.regions.services import regions_import

    regions_import(only=[DAYING, TONGWEI])
    from bianzhi.regions.models import Region

    return {r.code: r for r in Region.objects.all()}


def _user(username: str, code: str | None, roles: list[str]) -> Any:
    from bianzhi.accounts.services import user_create
    from bianzhi.regions.models import Region

    return user_create(
        username=username,
        password=PASSWORD,
        region=Region.objects.get(code=code) if code else None,
        roles=roles,
        is_superuser=code is None,
        validate=False,
    )


@pytest.fixture
def daying_officer(regions: Any) -> Any:
    return _user("daying", DAYING, ["officer", "approver"])


@pytest.fixture
def penglai_user(regions: Any) -> Any:
    return _user("penglai", PENGLAI, ["township"])


@pytest.fixture
def tongwei_officer(regions: Any) -> Any:
    return _user("tongwei", TONGWEI, ["officer"])


@pytest.fixture
def suining_viewer(regions: Any) -> Any:
    return _user("suining", SUINING, ["viewer"])


@pytest.fixture
def superuser(regions: Any) -> Any:
    return _user("admin", None, [])


@pytest.fixture(scope="module")
def module_demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The whole demo on top of the named users, loaded ONCE for a test module.

    Loading the demo runs every service with its rule guard and audit and takes
    tens of seconds; a module of page tests that only read it shares one load
    instead of paying it per test (per worker and per database pass). The load
    is committed; each test still runs in its own transaction (it must request
    ``db``), rolled back after it. At the module's end the database is emptied
    (``flush``, as after every live-server test), so no other module sees the
    demo. A module using this must not also create the named users.
    """
    from django.core.management import call_command

    from bianzhi.kernel.demo import DemoContext, demo_run
    from bianzhi.regions.services import regions_import

    _install_flush_past_audit_triggers()
    with django_db_blocker.unblock():
        regions_import(only=[DAYING, TONGWEI])
        users = {
            "daying_officer": _user("daying", DAYING, ["officer", "approver"]),
            "penglai_user": _user("penglai", PENGLAI, ["township"]),
            "tongwei_officer": _user("tongwei", TONGWEI, ["officer"]),
            "suining_viewer": _user("suining", SUINING, ["viewer"]),
            "superuser": _user("admin", None, []),
        }
        demo_run(context=DemoContext(password="x", full_country=False, echo=lambda _: None))
    yield users
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def login(client: Any) -> Any:
    """``login(user)`` → the test client logged in as ``user``."""

    def do(user: Any) -> Any:
        client.force_login(user)
        return client

    return do


@pytest.fixture
def clock() -> Iterator[Callable[[Any], Any]]:
    """``clock(at)`` freezes ``bianzhi.kernel.clock`` at ``at`` (a date: noon
    that day, local time; or a datetime) until the end of the test; call it
    again to move the clock. Returns the frozen moment."""
    from contextlib import ExitStack

    from bianzhi.kernel.clock import frozen

    with ExitStack() as stack:
        yield lambda at: stack.enter_context(frozen(at))


@pytest.fixture(autouse=True)
def _flush_past_audit_triggers() -> None:
    _install_flush_past_audit_triggers()


def _install_flush_past_audit_triggers() -> None:
    """Let the test harness empty the audit tables between transactional tests.

    The database refuses DELETE/TRUNCATE on the audit trail (audit migration
    0003), so Django's ``flush`` (run after every live-server test) would fail;
    in tests only, flushing drops those triggers and creates them again right
    after. Installed once, lazily, because Django is imported inside fixtures.
    """
    from django.db.backends.base.operations import BaseDatabaseOperations

    if getattr(BaseDatabaseOperations.execute_sql_flush, "_bianzhi", False):
        return
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: list[str]) -> None:
        from bianzhi.audit import dbguard

        vendor = self.connection.vendor
        with self.connection.cursor() as cursor:
            for statement in dbguard.drop_sql(vendor):
                cursor.execute(statement)
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                for statement in dbguard.create_sql(vendor):
                    cursor.execute(statement)

    execute_sql_flush._bianzhi = True  # type: ignore[attr-defined]
    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
