"""The roster import streams a big file (issue 16 §2): rows are validated
as they are read, kept as tuples (RowList), and the audit trail is written
batch by batch as the persons are. These check that what it stores and
records is what a plain list of dicts and a plain ORM read give."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from tests.staffing import PENGLAI, enter, id_number

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.audit.models import AuditRecord
from bianzhi.core.idnumber import mask_id_number
from bianzhi.roster import importing
from bianzhi.roster.importing import HEADERS, RowList, roster_import, roster_import_parse
from bianzhi.roster.models import Person

ROWS = [
    {"id_number": "1", "name": "甲", "region_id": 3, "birth_date": date(1990, 1, 1)},
    {"id_number": "2", "name": "乙", "region_id": 4, "birth_date": date(1991, 2, 3)},
    {"id_number": "3", "name": "丙", "region_id": 3, "birth_date": None},
]


def test_a_row_list_reads_like_the_list_of_dicts_it_was_given() -> None:
    rows = RowList(ROWS)
    assert rows == ROWS and list(rows) == ROWS and len(rows) == 3
    assert rows[1] == ROWS[1] and rows[-1] == ROWS[-1] and rows[0:2] == ROWS[0:2] and rows[5:] == []
    assert rows.column("region_id") == [3, 4, 3]
    assert [list(r) for r in rows] == [list(r) for r in ROWS]  # keys keep their order
    other = RowList()
    other.append_values(rows.keys or (), rows.values(2))
    assert other == [ROWS[2]] and RowList() == []


def test_a_row_list_refuses_rows_with_other_keys() -> None:
    rows = RowList(ROWS[:1])
    with pytest.raises(ValueError):
        rows.append({"name": "丁", "id_number": "4", "region_id": 3, "birth_date": None})


def _file(rows: list[dict[str, Any]]) -> io.BytesIO:
    lines = []
    for row in rows:
        values: dict[str, Any] = {h: None for h in HEADERS}
        values.update(row)
        lines.append([values[h] for h in HEADERS])
    return io.BytesIO(write_workbook("实名制名册", HEADERS, lines))


@pytest.mark.django_db
def test_a_streamed_import_stores_and_audits_every_row_in_file_order(penglai: Any, monkeypatch: Any) -> None:
    # Small batches, so the persons and their audit records are written in
    # several interleaved rounds, as a big file's are.
    monkeypatch.setattr(importing, "BATCH", 3)
    enter(1, name="旧名")  # on file: the import changes this one
    rows = [
        {"身份证号": id_number(n), "姓名": f"人员{n}", "乡镇代码": PENGLAI, "编制类型": "行政编制",
         "入编日期": date(2015, 9, 1), "年度考核": "优秀" if n % 2 else "称职"}
        for n in range(1, 9)
    ]
    before = AuditRecord.objects.count()
    result = roster_import(actor=None, source=_file(rows), filename="名册.xlsx", region=penglai)
    assert (result.created, result.updated, result.audit_records) == (7, 1, 8)

    # The plain reference: the stored persons, read back one by one.
    for row in rows:
        person = Person.objects.get(id_number=row["身份证号"], exited_on__isnull=True)
        assert (person.name, person.region.code, person.quota_type) == (row["姓名"], PENGLAI, "行政编制")
        assert person.assessment_grade == ("优秀" if row["年度考核"] == "优秀" else "称职")
    records = list(AuditRecord.objects.order_by("pk")[before:])
    assert len(records) == 8 and all(r.action == "import" for r in records)
    # New persons in file order, then the changed one; each record names its person.
    created = [r for r in records if r.before is None]
    assert [r.object_label for r in created] == [f"人员{n}" for n in range(2, 9)]
    for record in created:
        person = Person.objects.get(pk=int(record.object_id))
        assert record.after["身份证号"] == mask_id_number(person.id_number)
        assert record.after["姓名"] == person.name and record.region_code == PENGLAI
    changed = next(r for r in records if r.before is not None)
    assert changed.before["姓名"] == "旧名" and changed.after["姓名"] == "人员1"


@pytest.mark.django_db
def test_rows_naming_a_township_outside_the_region_are_refused_with_their_row(penglai: Any) -> None:
    # The township lookup now holds every township of the importer's region
    # (not only those the file names): one outside it is still refused.
    plan = roster_import_parse(
        source=_file([
            {"身份证号": id_number(1), "姓名": "甲", "乡镇代码": PENGLAI, "编制类型": "行政编制"},
            {"身份证号": id_number(2), "姓名": "乙", "乡镇代码": "621121100", "编制类型": "行政编制"},
        ]),
        filename="名册.xlsx", region=penglai,
    )
    assert [(e.row, e.column) for e in plan.errors] == [(3, "乡镇代码")]
