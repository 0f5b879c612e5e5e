"""`bianzhi backup` / `bianzhi restore`: a round trip through the archive
gives back every table's contents and the uploaded files, on SQLite and on
PostgreSQL; restore refuses a database that holds data unless --force."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from tests.ops.conftest import bianzhi, on_postgres, on_sqlite, pg_tables, sqlite_tables

# Written by the backup and the restore themselves: the record of the backup
# (finished after the dump), the audit record of the restore and the audit
# chain head it advances.
OWN_WRITES = {"ops_backuprecord", "audit_auditrecord", "audit_auditchainhead"}


def _assert_same(source: dict[str, list[Any]], restored: dict[str, list[Any]]) -> None:
    assert set(restored) == set(source)
    for table, rows in source.items():
        if table not in OWN_WRITES:
            assert restored[table] == rows, table
    # The restore adds exactly one audit record (its own) to the ones backed up.
    assert len(restored["audit_auditrecord"]) == len(source["audit_auditrecord"]) + 1
    assert len(source["audit_auditrecord"]) > 100
    # The chain head moved on to the restore's own record.
    (head,) = restored["audit_auditchainhead"]
    assert head[1] == max(r[0] for r in restored["audit_auditrecord"])


def _media(data: Path) -> dict[str, str]:
    media = data / "media"
    return {
        str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in media.rglob("*") if p.is_file()
    }


@on_sqlite
def test_sqlite_round_trip_gives_back_every_table_and_upload(demo_sqlite: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(demo_sqlite, source)
    (source / "media" / "uploads").mkdir(parents=True, exist_ok=True)
    (source / "media" / "uploads" / "附件.pdf").write_bytes(b"%PDF-1.4 test")
    archive = tmp_path / "backups" / "b.tar.gz"

    out = bianzhi("backup", "--out", str(archive), data_dir=source)
    assert "并已校验" in out.stdout
    target = tmp_path / "target"
    done = bianzhi("restore", str(archive), data_dir=target)
    assert "行数核对一致" in done.stdout

    _assert_same(sqlite_tables(source / "bianzhi.sqlite3"), sqlite_tables(target / "bianzhi.sqlite3"))
    assert _media(target) == _media(source)
    assert "uploads/附件.pdf" in _media(target)


@on_sqlite
def test_restore_refuses_a_database_with_data_unless_forced(demo_sqlite: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(demo_sqlite, source)
    archive = tmp_path / "b.tar.gz"
    bianzhi("backup", "--out", str(archive), data_dir=source)
    target = tmp_path / "target"
    bianzhi("restore", str(archive), data_dir=target)  # now it holds data
    (target / "media" / "stray.txt").write_text("not in the backup")

    refused = bianzhi("restore", str(archive), data_dir=target, check=False)
    assert refused.returncode == 1
    assert "不是空的" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr

    bianzhi("restore", "--force", str(archive), data_dir=target)
    restored = sqlite_tables(target / "bianzhi.sqlite3")
    assert restored["regions_region"] == sqlite_tables(source / "bianzhi.sqlite3")["regions_region"]
    assert not (target / "media" / "stray.txt").exists()


@on_sqlite
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    bogus = tmp_path / "x.tar.gz"
    bogus.write_bytes(b"not an archive")
    done = bianzhi("restore", str(bogus), data_dir=tmp_path / "d", check=False)
    assert done.returncode == 1
    assert "不是有效的备份文件" in done.stderr


@on_postgres
def test_postgres_round_trip_gives_back_every_table(pg_database: Any, tmp_path: Path) -> None:
    source_url = pg_database()
    data = tmp_path / "data"
    bianzhi("migrate", data_dir=data, database_url=source_url)
    bianzhi("demo", "--quick", data_dir=data, database_url=source_url)
    archive = tmp_path / "pg.tar.gz"
    bianzhi("backup", "--out", str(archive), data_dir=data, database_url=source_url)

    target_url = pg_database()
    target_data = tmp_path / "target"
    done = bianzhi("restore", str(archive), data_dir=target_data, database_url=target_url)
    assert "行数核对一致" in done.stdout
    _assert_same(pg_tables(source_url), pg_tables(target_url))

    refused = bianzhi("restore", str(archive), data_dir=target_data, database_url=target_url,
                      check=False)
    assert refused.returncode == 1 and "--force" in refused.stderr
    bianzhi("restore", "--force", str(archive), data_dir=target_data, database_url=target_url)
    assert pg_tables(target_url)["regions_region"] == pg_tables(source_url)["regions_region"]
