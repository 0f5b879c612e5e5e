"""The roster import benchmark's baseline (bench/roster_resource.py,
django-import-export) and the product's import store the same persons for
the same file: the benchmark compares their times only because of this."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bench.bench_roster import _COMPARED
from bench.roster_resource import import_rows
from tests.staffing import PENGLAI, id_number

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.roster.importing import HEADERS, roster_import
from bianzhi.roster.models import Person

pytestmark = pytest.mark.django_db


def _stored() -> dict[str, tuple[Any, ...]]:
    return {v[0]: v[1:] for v in Person.objects.values_list("id_number", *_COMPARED)}


def test_the_baseline_stores_what_the_product_import_stores(office: Any, tmp_path: Path) -> None:
    rows = []
    for n in range(1, 13):
        seconded = n % 5 == 0
        rows.append([
            id_number(n, female=n % 3 == 0), f"人员{n}", PENGLAI, "综合办公室" if n % 2 else "",
            "行政编制" if n % 2 else "事业编制", "领导" if n % 4 == 0 else "一般", "是" if n % 3 == 0 else "否",
            "借调出" if seconded else "在岗", "县委办公室" if seconded else "", date(2023, 3, 1) if seconded else None,
            date(2010 + n, 1 + n % 12, 1), "考录", None, "大学本科", f"ZF{n:04d}" if n % 3 == 0 else "",
            date(2030, 12, 31) if n % 3 == 0 else None, "优秀" if n % 7 == 0 else "称职",
        ])
    path = tmp_path / "名册.xlsx"
    path.write_bytes(write_workbook("实名制名册", HEADERS, rows))

    roster_import(actor=None, source=path, filename=path.name)
    product = _stored()
    Person.objects.all().delete()
    import_rows(path)
    baseline = _stored()
    assert len(product) == 12 and product == baseline
