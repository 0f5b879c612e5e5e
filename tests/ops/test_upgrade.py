"""A database created by the last release migrates to the newest schema and
keeps its data. The file (tests/ops/data/release.sqlite3.gz) is regenerated
only when a release is cut: `python tests/ops/make_release_db.py`."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

from tests.ops.conftest import bianzhi, on_sqlite, sqlite_tables

RELEASE_DB = Path(__file__).parent / "data" / "release.sqlite3.gz"


@on_sqlite
def test_the_last_release_database_migrates_to_head_and_keeps_its_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "bianzhi.sqlite3"
    with gzip.open(RELEASE_DB, "rb") as src, db.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    before = sqlite_tables(db)

    bianzhi("migrate", data_dir=data)

    after = sqlite_tables(db)
    check = bianzhi("check", data_dir=data, check=False)
    assert "[正常] 数据库结构：已是当前版本" in check.stdout
    # Every row of the old release is still there; migrations may only add
    # rows (content types, permissions of new models) and columns.
    for table, rows in before.items():
        assert table in after, f"table {table} dropped"
        if rows and after[table] and len(after[table][0]) != len(rows[0]):
            # A migration added columns: every old row is still there by its key.
            assert {r[0] for r in rows} <= {r[0] for r in after[table]}, table
        else:
            missing = set(rows) - set(after[table])
            assert not missing, f"{table}: {len(missing)} rows lost or changed"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM accounts_user WHERE username='daying'").fetchone()[0] == 1
