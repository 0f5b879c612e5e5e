"""Writes for regions: importing the official division tree shipped in ``data/divisions``."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from bianzhi.audit.services import AuditEntry, audit_record_many, object_type_of
from bianzhi.regions.models import CODE_LENGTH, LEVEL_ORDER, Level, Region

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

DATA_DIR = Path(__file__).resolve().parent / "data" / "divisions"
BATCH_SIZE = 2000

# (level, file, column naming the parent's code)
_FILES: list[tuple[str, str, str | None]] = [
    (Level.PROVINCE, "provinces.csv", None),
    (Level.CITY, "cities.csv", "provinceCode"),
    (Level.COUNTY, "areas.csv", "cityCode"),
    (Level.TOWNSHIP, "streets.csv", "areaCode"),
]

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass
class RegionImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def division_rows(data_dir: Path = DATA_DIR) -> Iterator[DivisionRow]:
    """All rows of the shipped tree, parents before children."""
    for level, filename, parent_column in _FILES:
        with (data_dir / filename).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield DivisionRow(
                    code=row["code"].strip(),
                    name=row["name"].strip(),
                    level=level,
                    parent_code=row[parent_column].strip() if parent_column else None,
                )


def _selected(row: DivisionRow, only: Sequence[str]) -> bool:
    """A row is imported if it lies under one of ``only`` or is an ancestor of one."""
    return any(row.code.startswith(c) or c.startswith(row.code) for c in only)


@transaction.atomic
def regions_import(
    *,
    only: Sequence[str] = (),
    rows: Iterable[DivisionRow] | None = None,
    progress: ProgressCallback | None = None,
    actor: User | None = None,
) -> RegionImportResult:
    """Create or update regions from the official tree; idempotent.

    ``only``: codes of regions to import with their ancestors and descendants
    (empty: the whole country). ``rows`` replaces the shipped data (tests).
    ``progress(done, total)`` is called after each batch.

    Existing regions whose name changed are renamed; nothing is deleted
    (a vanished code may still be referenced by history). A re-run with the
    same data writes nothing. Every created or renamed region gets one audit
    record (action ``import``).

    Steps: 1. read and filter the rows; 2. per level, parents first, split into
    new / renamed / unchanged against one query of existing codes;
    3. bulk_create new rows and bulk_update renamed ones in batches;
    4. write the audit records in bulk.
    """
    # 1. read
    only = [c.strip() for c in only if c.strip()]
    for code in only:
        if len(code) not in CODE_LENGTH.values() or not code.isdigit():
            raise ValueError(f"区划代码格式不正确：{code}")
    selected = [
        r for r in (rows if rows is not None else division_rows()) if not only or _selected(r, only)
    ]
    total = len(selected)
    result = RegionImportResult()
    done = 0
    audit: list[AuditEntry] = []
    region_type = object_type_of(Region)

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    # 2-3. level by level so that parents exist (with ids) before children
    by_code: dict[str, Region] = {}
    for level in LEVEL_ORDER:
        level_rows = [r for r in selected if r.level == level]
        result.by_level[level] = len(level_rows)
        if not level_rows:
            continue
        parent_codes = {r.parent_code for r in level_rows if r.parent_code}
        missing = parent_codes - by_code.keys()
        if missing:
            by_code.update({p.code: p for p in Region.objects.filter(code__in=missing)})
        # One read of the whole level (at most 41,352 narrow rows) instead of a
        # huge IN list, which SQLite limits in size.
        existing = {
            r.code: r for r in Region.objects.filter(level=level).only("id", "code", "name")
        }
        to_create: list[Region] = []
        to_update: list[tuple[Region, str]] = []
        unchanged = 0
        for row in level_rows:
            current = existing.get(row.code)
            if current is None:
                parent = by_code.get(row.parent_code) if row.parent_code else None
                if row.parent_code and parent is None:
                    raise ValueError(f"区划 {row.code} 的上级 {row.parent_code} 不存在")
                to_create.append(
                    Region(
                        code=row.code,
                        name=row.name,
                        level=level,
                        parent=parent,
                        **Region.codes_for(code=row.code, level=level, parent=parent),
                    )
                )
            elif current.name != row.name:
                to_update.append((current, current.name))
                current.name = row.name
            else:
                unchanged += 1
        for start in range(0, len(to_create), BATCH_SIZE):
            chunk = to_create[start : start + BATCH_SIZE]
            Region.objects.bulk_create(chunk)
            tick(len(chunk))
        if to_update:
            Region.objects.bulk_update([r for r, _ in to_update], ["name"], batch_size=BATCH_SIZE)
        tick(len(to_update) + unchanged)
        # Re-read ids rather than rely on bulk_create returning them on every backend.
        ids = dict(Region.objects.filter(level=level).values_list("code", "id"))
        if level != Level.TOWNSHIP:
            wanted = {r.code for r in level_rows}
            by_code.update(
                {r.code: r for r in Region.objects.filter(level=level) if r.code in wanted}
            )
        created_ids = {r.code: ids[r.code] for r in to_create}
        result.unchanged += unchanged
        result.created += len(to_create)
        result.updated += len(to_update)
        audit.extend(
            AuditEntry(
                object_type=region_type,
                object_id=str(created_ids[r.code]),
                object_label=r.name,
                region_code=r.code,
                after={"code": r.code, "name": r.name, "level": level},
            )
            for r in to_create
        )
        audit.extend(
            AuditEntry(
                object_type=region_type,
                object_id=str(r.pk),
                object_label=r.name,
                region_code=r.code,
                before={"name": old},
                after={"name": r.name},
            )
            for r, old in to_update
        )
    # 4. audit
    audit_record_many(actor=actor, action="import", entries=audit, reason="导入统计用区划代码")
    if progress is not None and done < total:
        progress(total, total)
    return result
