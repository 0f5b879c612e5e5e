"""Fixtures shared by tests/duties and tests/agencies (star-imported by their conftest):
``department`` 县农业农村局 with its user ``dept_user``, ``longsheng_user``
(隆盛镇 乡镇用户). ``penglai_user`` and ``daying_officer`` (编办管理员 + 审核人)
come from the shared conftest."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import PASSWORD

LONGSHENG = "510923101"

__all__ = ["LONGSHENG", "department", "dept_user", "longsheng_user"]


@pytest.fixture
def department(regions: Any) -> Any:
    from bianzhi.accounts.services import department_create

    return department_create(county=regions["510923"], name="县农业农村局")


@pytest.fixture
def dept_user(department: Any) -> Any:
    from bianzhi.accounts.services import user_create

    return user_create(
        username="nongye",
        password=PASSWORD,
        region=department.county,
        roles=["department"],
        department=department,
        validate=False,
    )


@pytest.fixture
def longsheng_user(regions: Any) -> Any:
    from bianzhi.accounts.services import user_create

    return user_create(
        username="longsheng",
        password=PASSWORD,
        region=regions[LONGSHENG],
        roles=["township"],
        validate=False,
    )
