from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from bianzhi.accounts.services import department_create, user_create
from bianzhi.audit.models import AuditRecord


def test_it_creates_a_user_with_roles_and_an_audit_record(regions: Any) -> None:
    user = user_create(
        username="u1", password="Xq7-test-pass", region=regions["510923"], roles=["officer"]
    )
    assert user.role_set() == {"officer"}
    record = AuditRecord.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert record.action == "create" and record.region_code == "510923"


def test_it_applies_the_password_validators(regions: Any) -> None:
    with pytest.raises(ValidationError):
        user_create(username="u2", password="123456", region=regions["510923"], roles=["viewer"])


def test_a_township_user_must_belong_to_a_township(regions: Any) -> None:
    with pytest.raises(ValidationError, match="乡镇"):
        user_create(username="u3", password=None, region=regions["510923"], roles=["township"])


def test_a_department_user_needs_a_department_of_the_county(regions: Any) -> None:
    with pytest.raises(ValidationError, match="部门"):
        user_create(username="u4", password=None, region=regions["510923"], roles=["department"])
    dept = department_create(county=regions["510923"], name="县财政局")
    user = user_create(
        username="u4",
        password=None,
        region=regions["510923"],
        roles=["department"],
        department=dept,
    )
    assert user.department == dept


def test_non_superusers_need_a_region(db: Any) -> None:
    with pytest.raises(ValidationError):
        user_create(username="u5", password=None, region=None, roles=["viewer"])
