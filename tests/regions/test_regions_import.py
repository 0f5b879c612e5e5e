from __future__ import annotations

import csv
from typing import Any

import pytest

from bianzhi.audit.models import AuditRecord
from bianzhi.regions.models import Level, Region
from bianzhi.regions.services import DATA_DIR, DivisionRow, division_rows, regions_import


def test_the_shipped_tree_has_the_official_counts_and_its_licence() -> None:
    counts = {"provinces.csv": 31, "cities.csv": 342, "areas.csv": 2978, "streets.csv": 41352}
    for name, expected in counts.items():
        with (DATA_DIR / name).open(encoding="utf-8") as handle:
            assert sum(1 for _ in csv.DictReader(handle)) == expected
    assert (
        "WTFPL" in (DATA_DIR / "LICENSE").read_text()
        or "DO WHAT" in (DATA_DIR / "LICENSE").read_text()
    )


@pytest.mark.django_db
def test_a_province_imports_with_the_right_counts_and_parents() -> None:
    expected = {level: 0 for level in Level.values}
    for row in division_rows():
        if row.code.startswith("62"):
            expected[row.level] += 1
    result = regions_import(only=["62"])
    assert result.created == sum(expected.values())
    for level, count in expected.items():
        assert Region.objects.filter(level=level).count() == count
    township = Region.objects.get(code="621121100")
    assert township.parent.code == "621121"
    assert (township.province_code, township.city_code, township.county_code) == (
        "62",
        "6211",
        "621121",
    )
    assert Region.objects.filter(county_code="621121", level=Level.TOWNSHIP).count() == 18


@pytest.mark.django_db
def test_a_second_import_changes_nothing() -> None:
    first = regions_import(only=["510923"])
    records = AuditRecord.objects.count()
    assert first.created == 1 + 1 + 1 + 10 and records == first.created
    second = regions_import(only=["510923"])
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    assert AuditRecord.objects.count() == records


@pytest.mark.django_db
def test_renamed_regions_are_updated_and_audited() -> None:
    regions_import(only=["510923"])
    rows = [
        DivisionRow(
            code=r.code,
            name="新蓬莱镇" if r.code == "510923100" else r.name,
            level=r.level,
            parent_code=r.parent_code,
        )
        for r in division_rows()
        if r.code.startswith("51") and (len(r.code) < 6 or r.code.startswith("510923"))
    ]
    result = regions_import(rows=rows, only=["510923"])
    assert result.updated == 1
    assert Region.objects.get(code="510923100").name == "新蓬莱镇"
    record = AuditRecord.objects.filter(region_code="510923100").order_by("-id").first()
    assert (
        record is not None
        and record.before == {"name": "蓬莱镇"}
        and record.after == {"name": "新蓬莱镇"}
    )


@pytest.mark.django_db
def test_progress_is_reported_up_to_the_total() -> None:
    calls: list[tuple[int, int]] = []
    regions_import(only=["621121"], progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (1 + 1 + 1 + 18, 21)


@pytest.mark.django_db
def test_malformed_codes_are_refused() -> None:
    with pytest.raises(ValueError, match="区划代码"):
        regions_import(only=["51x"])


def test_region_contains_follows_the_codes(regions: Any) -> None:
    assert regions["5109"].contains(regions["510923100"])
    assert not regions["510923"].contains(regions["621121100"])
    assert regions["510923100"].ancestor_codes() == ["51", "5109", "510923"]
