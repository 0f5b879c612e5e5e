"""The `bianzhi` command: a click group whose subcommands are thin shells
over core functions and app services. Each subcommand lives in its own module
of this package and is registered here."""

from __future__ import annotations

import sys
from typing import Any

import click

from bianzhi import __version__
from bianzhi.cli.chinese import ChineseClickException, chinese_error


class _MainGroup(click.Group):
    """The `bianzhi` group: a refused service call, from whichever subcommand,
    ends as "错误：<its Chinese message>" and exit code 1, never a traceback;
    click's usage errors end in Chinese too (exit code 2); the subcommands
    need no ``except`` of their own for either."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:
            raise chinese_error(exc) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            # A subcommand's options are parsed here, so its usage errors
            # (missing option, bad value) pass through this one place.
            raise chinese_error(exc) from exc
        except Exception as exc:
            # Imported only now: `bianzhi allocate` runs without Django set up,
            # and the error module is loaded anyway when one was raised.
            from bianzhi.kernel.errors import ServiceError

            if isinstance(exc, ServiceError):
                raise ChineseClickException(str(exc)) from exc
            if _missing_table(exc):
                raise ChineseClickException(UNMIGRATED_MESSAGE) from exc
            raise


UNMIGRATED_MESSAGE = "数据库尚未初始化或未升级到当前版本，请先运行：bianzhi migrate"


def _missing_table(exc: BaseException) -> bool:
    """SQLite's "no such table" / PostgreSQL's "relation … does not exist":
    the database was never migrated (or is behind the code)."""
    if "django.db" not in sys.modules:  # Django never loaded: not a database error
        return False
    from django.db import DatabaseError

    text = str(exc)
    return isinstance(exc, DatabaseError) and (
        "no such table" in text or ("relation" in text and "does not exist" in text)
    )


@click.group(cls=_MainGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "-V", "--version", prog_name="bianzhi",
    message="%(prog)s 版本 %(version)s", help="显示版本号并退出。",
)
def main() -> None:
    """乡镇机构编制资源配置系统（bianzhi）命令行工具。"""


def _register() -> None:
    from bianzhi.cli import allocate

    main.add_command(allocate.allocate_command)

    from bianzhi.cli import web

    for command in (web.migrate_command, web.demo_command, web.createuser_command,
                    web.regions_group, web.serve_command, web.collectstatic_command):
        main.add_command(command)

    from bianzhi.cli import jobs

    main.add_command(jobs.worker_command)

    from bianzhi.cli import imports, rules

    main.add_command(imports.import_group)
    main.add_command(rules.rules_group)

    from bianzhi.cli import tasks

    main.add_command(tasks.notify_command)

    from bianzhi.cli import docs

    main.add_command(docs.docs_group)
    main.add_command(docs.snapshot_group)
    imports.import_group.add_command(docs.main_duties_command)

    from bianzhi.cli import duties

    imports.import_group.add_command(duties.catalogue_command)
    imports.import_group.add_command(duties.statutory_command)
    imports.import_group.add_command(duties.matters_command)
    main.add_command(duties.duties_group)

    from bianzhi.cli import ops

    for command in (ops.backup_command, ops.restore_command, ops.migrate_db_command,
                    ops.check_command):
        main.add_command(command)

    from bianzhi.cli import audit

    main.add_command(audit.audit_group)

    from bianzhi.cli import registers

    for command in (registers.cases_import_command, registers.assets_import_command,
                    registers.grids_import_command, registers.matters_import_command):
        imports.import_group.add_command(command)
    main.add_command(registers.export_group)

    from bianzhi.cli.chinese import localize

    localize(main)


_register()
