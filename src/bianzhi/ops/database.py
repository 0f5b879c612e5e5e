"""What backup, restore and the move to PostgreSQL need to know about a
database connection: its engine, its tables and their row counts, whether it
is empty, and how to hand it to the PostgreSQL client tools."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

from bianzhi.kernel.errors import ServiceError

# SQLite's own bookkeeping, not data of the system.
_INTERNAL_TABLES = frozenset({"sqlite_sequence", "sqlite_stat1", "sqlite_stat4"})


def engine_of(connection: BaseDatabaseWrapper) -> str:
    """"sqlite" or "postgresql"; anything else is refused."""
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise ServiceError(f"不支持的数据库类型：{vendor}（仅支持 SQLite 与 PostgreSQL）。")
    return vendor


def table_names(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(name for name in names if name not in _INTERNAL_TABLES)


def table_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows per table, every table of the database (not only Django's models)."""
    counts: dict[str, int] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name in table_names(connection):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608 - a table name from introspection
            counts[name] = int(cursor.fetchone()[0])
    return counts


def is_empty(connection: BaseDatabaseWrapper) -> bool:
    """No tables at all: a database nobody has migrated yet."""
    return not table_names(connection)


def sqlite_path(connection: BaseDatabaseWrapper) -> Path:
    return Path(str(connection.settings_dict["NAME"]))


def libpq_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Environment for pg_dump/pg_restore/psql pointing at ``connection``'s
    database (the password travels in PGPASSWORD, never on a command line)."""
    s = connection.settings_dict
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", s.get("HOST")),
        ("PGPORT", s.get("PORT")),
        ("PGUSER", s.get("USER")),
        ("PGPASSWORD", s.get("PASSWORD")),
        ("PGDATABASE", s.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def pg_tool(name: str) -> str:
    """The path of pg_dump/pg_restore, or a Chinese error saying what to install."""
    found = shutil.which(name)
    if found is None:
        raise ServiceError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（Debian：postgresql-client，"
            "版本不低于数据库服务器）。"
        )
    return found
