"""Helpers for the operations tests: the `bianzhi` command in a subprocess
with its own data folder, scratch PostgreSQL databases, whole-table
comparisons.

The subprocess tests run once per CI run, not in both passes of `make
pytest`: the SQLite ones in the SQLite pass, the PostgreSQL ones in the
PostgreSQL pass (BIANZHI_DATABASE_URL=postgres://…).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


def postgres_url() -> str:
    url = os.environ.get("BIANZHI_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


on_postgres = pytest.mark.skipif(
    not postgres_url(), reason="PostgreSQL pass only (BIANZHI_DATABASE_URL=postgres://…)"
)
on_sqlite = pytest.mark.skipif(
    bool(postgres_url()), reason="SQLite pass only (run once per CI run)"
)


def bianzhi(
    *args: str, data_dir: Path, database_url: str = "", check: bool = True, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """`bianzhi <args>` in a fresh process using ``data_dir`` and, if given,
    ``database_url`` (else the SQLite file in the data folder)."""
    env = dict(os.environ)
    env.pop("BIANZHI_DATABASE_URL", None)
    env.pop("BIANZHI_VAR_DIR", None)
    env.update({
        "BIANZHI_DATA_DIR": str(data_dir),
        "PYTHONPATH": os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]),
        "BIANZHI_DEMO_PASSWORD": "demo-2026",
    })
    if database_url:
        env["BIANZHI_DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, "-m", "bianzhi", *args], env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"bianzhi {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the demo (its two counties) on SQLite, built once per session."""
    data = tmp_path_factory.mktemp("demo-data")
    bianzhi("migrate", data_dir=data)
    bianzhi("demo", "--quick", data_dir=data)
    return data


@pytest.fixture(scope="session")
def demo_sqlite_full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full demo (every region of the country) on SQLite, built once per session."""
    data = tmp_path_factory.mktemp("demo-full")
    bianzhi("migrate", data_dir=data)
    bianzhi("demo", data_dir=data)
    return data


@pytest.fixture
def pg_database() -> Iterator[Callable[[], str]]:
    """Makes empty scratch PostgreSQL databases (URLs); drops them afterwards."""
    import psycopg

    base = postgres_url()
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    made: list[str] = []

    def make() -> str:
        name = f"bz_ops_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return base.rsplit("/", 1)[0] + "/" + name

    yield make
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, of an SQLite file."""
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )]
        return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        db.close()


def pg_tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, of a PostgreSQL database."""
    import psycopg

    with psycopg.connect(url) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()]
        return {
            n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names
        }


def pg_sequences(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {
            name: int(value or 0)
            for name, value in conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall()
        }
