"""`bianzhi migrate-db --to postgres://…` with the full demo: every table
copied with its count, sequences past the highest key, the source unchanged,
an occupied target refused."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from tests.ops.conftest import bianzhi, on_postgres, pg_sequences, pg_tables, sqlite_tables


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@on_postgres
def test_full_demo_moves_to_postgres_and_the_source_stays_as_it_was(
    demo_sqlite_full: Path, pg_database: Any
) -> None:
    source = demo_sqlite_full / "bianzhi.sqlite3"
    before = _sha(source)
    url = pg_database()

    done = bianzhi("migrate-db", "--to", url, data_dir=demo_sqlite_full, timeout=900)
    assert "行数核对一致" in done.stdout
    assert _sha(source) == before

    sqlite = sqlite_tables(source)
    pg = pg_tables(url)
    for table, rows in sqlite.items():
        if table in ("django_migrations", "bianzhi_cache"):
            continue  # written by migrate on the target; the cache is not data
        assert len(pg[table]) == len(rows), table
    assert len(sqlite["regions_region"]) > 40000
    # Same keys, not only the same counts.
    for table in ("regions_region", "audit_auditrecord", "accounts_user", "townships_township"):
        assert sorted(r[0] for r in pg[table]) == sorted(r[0] for r in sqlite[table]), table
    # Every sequence is at the highest copied key, so new rows get fresh ids.
    sequences = pg_sequences(url)
    assert sequences["audit_auditrecord_id_seq"] == max(r[0] for r in sqlite["audit_auditrecord"])

    # The copy is a working installation: it logs in and writes on PostgreSQL.
    bianzhi("createuser", "neu", "--superuser", "--password", "Xq7-test-pass",
            data_dir=demo_sqlite_full, database_url=url)
    check = bianzhi("check", data_dir=demo_sqlite_full, database_url=url, check=False)
    assert "[正常] 数据库结构" in check.stdout

    again = bianzhi("migrate-db", "--to", url, data_dir=demo_sqlite_full, check=False)
    assert again.returncode == 1 and "不是空的" in again.stderr
