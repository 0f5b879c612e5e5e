"""蓬莱镇 with institutions, quotas, leadership posts and people, written
straight into the owning apps' tables (their services are tested there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.conftest import PENGLAI

D1, D2 = dt.date(2021, 6, 30), dt.date(2021, 12, 31)


@pytest.fixture
def penglai_data(regions: Any) -> Any:
    from bianzhi.institutions.models import Institution, InstitutionLedgerEntry, Nameplate
    from bianzhi.roster.models import Person
    from bianzhi.townships.models import ApprovedQuota, Township

    township = regions[PENGLAI]
    Township.objects.create(region=township, township_class="中心镇")
    ApprovedQuota.objects.create(township=township, quota_type="行政编制", count=30)
    ApprovedQuota.objects.create(township=township, quota_type="事业编制", count=20)

    def institution(name: str, kind: str, **items: int) -> Any:
        inst = Institution.objects.create(
            region=township, name=name, kind=kind, established_on=dt.date(2020, 1, 1)
        )
        for item, delta in items.items():
            InstitutionLedgerEntry.objects.create(
                institution=inst,
                region=township,
                item=item.replace("_", "-"),
                delta=delta,
                effective_on=dt.date(2020, 1, 1),
                document_number="大委编发〔2020〕1号",
                reason="核定",
            )
        return inst

    office = institution(
        "党政办公室", "office", 行政编制=18, leader_chief=2, leader_deputy=5, middle=1
    )
    Nameplate.objects.create(
        institution=office, name="党建工作办公室", added_on=dt.date(2020, 1, 1)
    )
    institution("综合行政执法办公室", "office", 行政编制=12)
    institution("便民服务中心", "public-institution", 事业编制=20)
    for i in range(40):
        Person.objects.create(
            id_number=f"51092319900101{i:03d}X"[:18],
            name=f"人员{i}",
            gender="男",
            birth_date=dt.date(1990, 1, 1),
            region=township,
            quota_type="行政编制" if i < 25 else "事业编制",
            entry_date=dt.date(2020, 1, 1) if i < 36 else dt.date(2021, 9, 1),
            is_enforcement_staff=i < 3,
            certificate_number="JF1" if i < 2 else "",
            certificate_expiry=dt.date(2025, 1, 1) if i < 2 else None,
            status="seconded-out" if i == 39 else "on-post",
        )
    return township
