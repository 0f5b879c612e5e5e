"""`bianzhi migrate-db --to postgres://…`: copy the whole current database
(typically the SQLite file an office started with) into an empty PostgreSQL
database.

The target gets the schema by running the migrations (so it is exactly what
this release expects), then loses the rows migrate itself inserted (content
types, permissions) and receives every model's rows with their primary keys,
in one transaction: PostgreSQL checks Django's foreign keys at commit
(DEFERRABLE INITIALLY DEFERRED), so the order of the tables does not matter.
Values go through each field's own conversion (booleans, JSON, dates), not
as raw SQLite text. Sequences are reset past the highest key, every table's
count is compared with the source, and the source is only read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import dj_database_url
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, models, transaction

from bianzhi.kernel.errors import ServiceError
from bianzhi.ops import database

TARGET = "bianzhi_migrate_target"
BATCH = 2000


def copied_models() -> list[type[models.Model]]:
    """Every table Django manages: concrete, managed models including the
    automatic many-to-many tables."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


@contextmanager
def _target(url: str) -> Iterator[str]:
    if not url.startswith(("postgres://", "postgresql://")):
        raise ServiceError("--to 应为 PostgreSQL 地址，如 postgres://用户:密码@主机:5432/库名")
    # configure_settings fills in the defaults Django gives configured databases.
    configured = connections.configure_settings(
        {"default": connections.settings["default"], TARGET: dj_database_url.parse(url)}
    )
    connections.settings[TARGET] = configured[TARGET]
    try:
        yield TARGET
    finally:
        connections[TARGET].close()
        del connections[TARGET]
        del connections.settings[TARGET]


def database_copy(
    *, to_url: str, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy everything into the empty PostgreSQL database at ``to_url``;
    returns rows per table (equal in source and target, or an error)."""
    with _target(to_url) as alias:
        target = connections[alias]
        try:
            target.ensure_connection()
        except Exception as exc:
            raise ServiceError(f"连接不上目标数据库：{exc}") from exc
        if target.vendor != "postgresql":
            raise ServiceError("目标数据库应为 PostgreSQL。")
        if not database.is_empty(target):
            raise ServiceError("目标数据库不是空的（已有数据表）。请新建一个空库再迁移。")
        call_command("migrate", database=alias, interactive=False, verbosity=0)
        call_command("createcachetable", database=alias, verbosity=0)
        model_list = copied_models()
        counts: dict[str, int] = {}
        with transaction.atomic(using=alias):
            with target.cursor() as cursor:
                # The append-only triggers of the audit tables (issue 14) would
                # refuse emptying the fresh target; a copy is not a change of
                # the trail, so they are off for this transaction only.
                cursor.execute("SET LOCAL session_replication_role = replica")
                tables = ", ".join(target.ops.quote_name(m._meta.db_table) for m in model_list)
                cursor.execute(f"TRUNCATE {tables} CASCADE")
            for model in model_list:
                counts[model._meta.db_table] = _copy_model(model, source_alias="default",
                                                           target_alias=alias)
                if progress is not None:
                    progress(model._meta.db_table, counts[model._meta.db_table])
            with target.cursor() as cursor:
                for sql in target.ops.sequence_reset_sql(no_style(), model_list):
                    cursor.execute(sql)
        wrong = []
        for model in model_list:
            table = model._meta.db_table
            in_source = model._base_manager.using("default").count()
            in_target = model._base_manager.using(alias).count()
            if not in_source == in_target == counts[table]:
                wrong.append(f"{table}（源 {in_source}，目标 {in_target}）")
        if wrong:
            raise ServiceError("迁移后行数不一致：" + "；".join(wrong[:10]))
        return counts


def _copy_model(model: type[models.Model], *, source_alias: str, target_alias: str) -> int:
    fields = model._meta.concrete_fields
    target = connections[target_alias]
    quote = target.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = (
        model._base_manager.using(source_alias)
        .order_by("pk")
        .values_list(*[f.attname for f in fields])
        .iterator(chunk_size=BATCH)
    )
    count = 0
    batch: list[list[Any]] = []
    with target.cursor() as cursor:
        for row in rows:
            batch.append(
                [f.get_db_prep_save(value, connection=target) for f, value in zip(fields, row, strict=True)]
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
