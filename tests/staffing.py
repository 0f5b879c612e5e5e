"""Helpers for the institution, roster, rules and dashboard tests: approved
quotas, institutions and valid generated identity numbers for 大英县.

Import the fixtures into a test directory's conftest.py with
``from tests.staffing import *  # noqa: F403``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bianzhi.core.idnumber import check_digit

PENGLAI = "510923100"  # 蓬莱镇
HUILONG = "510923101"  # the second township of 大英县 in code order
TONGWEI_TOWNSHIP = "621121100"


def id_number(serial: int, *, prefix: str = "510923", born: str = "19900101", female: bool = False) -> str:
    """A valid identity number: region prefix, birth date, sequence from serial."""
    seq = (serial * 2 + (0 if female else 1)) % 1000 or 1
    first17 = f"{prefix}{born}{seq:03d}"
    return first17 + check_digit(first17)


def approve(code: str, *, admin: int = 0, institution: int = 0, previous: dict[str, int] | None = None,
            township_class: str | None = None) -> None:
    """Set a township's approved quotas (and class) directly: the townships
    app owns them; these tests only read them."""
    from bianzhi.regions.models import Region
    from bianzhi.townships.models import ApprovedQuota, QuotaLedgerEntry, Township

    region = Region.objects.get(code=code)
    for quota_type, count in (("行政编制", admin), ("事业编制", institution)):
        ApprovedQuota.objects.update_or_create(
            township=region, quota_type=quota_type, defaults={"count": count}
        )
        before = (previous or {}).get(quota_type)
        QuotaLedgerEntry.objects.create(
            township=region, quota_type=quota_type, before=before, after=count,
            document_number="测委编〔2024〕1号", date=date(2024, 1, 1),
        )
    if township_class:
        Township.objects.update_or_create(region=region, defaults={"township_class": township_class})


def enter(serial: int, code: str = PENGLAI, born: str = "19900101", **kwargs: Any) -> Any:
    """入编 one person through the service (actor: system)."""
    from bianzhi.regions.models import Region
    from bianzhi.roster.services import person_enter

    defaults: dict[str, Any] = {
        "name": f"人员{serial}",
        "quota_type": "行政编制",
        "entry_date": date(2015, 9, 1),
        "document_number": "测组通〔2015〕1号",
    }
    defaults.update(kwargs)
    return person_enter(
        actor=None, id_number=id_number(serial, prefix=code[:6], born=born), township=Region.objects.get(code=code),
        **defaults,
    ).person


@pytest.fixture
def penglai(regions: Any) -> Any:
    """蓬莱镇 with 10 admin and 10 institution quotas approved."""
    approve(PENGLAI, admin=10, institution=10)
    return regions[PENGLAI]


@pytest.fixture
def office(penglai: Any) -> Any:
    """综合办公室 of 蓬莱镇 with 3 admin quotas on its ledger."""
    from bianzhi.institutions.services import institution_create

    return institution_create(
        actor=None, township=penglai, name="综合办公室", kind="office",
        established_on=date(2020, 1, 1), document_number="大委编发〔2020〕1号",
        quotas={"行政编制": 3},
    )


@pytest.fixture
def scope_of(daying_officer: Any) -> Any:
    """scope_of(anything) -> the 大英县 officer's Scope."""
    from bianzhi.accounts.scope import scope_for

    return lambda _obj=None: scope_for(daying_officer)
