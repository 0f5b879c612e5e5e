"""Chinese help and errors for every `bianzhi` command.

click writes its own headings ("Usage:", "Options:", "Commands:") and the
help option's text in English. `localize` gives every command of the tree a
class that writes them in Chinese, so a command added later is covered
without doing anything (a test walks the tree to prove it).

A refused service call (``bianzhi.kernel.errors.ServiceError``) becomes a
`ChineseClickException` in one place, the `bianzhi` group (`cli/main.py`).
"""

from __future__ import annotations

from typing import Any

import click

HELP_TEXT = "显示本帮助并退出。"
_METAVARS = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}


def _section(formatter: click.HelpFormatter, title: str, rows: list[tuple[str, str]]) -> None:
    formatter.write_paragraph()
    formatter.write(f"{' ' * formatter.current_indent}{title}：\n")
    formatter.indent()
    formatter.write_dl(rows)
    formatter.dedent()


class ChineseHelpMixin:
    """Overrides for click.Command/click.Group (mixed in before them)."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option  # type: ignore[no-any-return]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = [
            _METAVARS.get(piece, piece)
            for piece in self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        ]
        formatter.write(f"用法：{ctx.command_path} {' '.join(pieces)}\n")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            record
            for param in self.get_params(ctx)  # type: ignore[attr-defined]
            if isinstance(param, click.Option)
            and (record := param.get_help_record(ctx)) is not None
        ]
        if rows:
            _section(formatter, "选项", rows)
        if isinstance(self, click.Group):
            commands = []
            for name in self.list_commands(ctx):
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    commands.append((name, command.get_short_help_str(limit=60)))
            if commands:
                _section(formatter, "命令", commands)


class ChineseClickException(click.ClickException):
    """An error shown as "错误：…" (click's own prefix is the English "Error:"),
    exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True, file=file)


_LOCALIZED: dict[type[Any], type[Any]] = {}


def localize(command: click.Command) -> None:
    """Give ``command`` and all its subcommands Chinese help, in place.

    Commands that already write their own Chinese help (they define
    ``format_help``) are left as they are.
    """
    cls = type(command)
    writes_own_help = cls.format_help is not click.Command.format_help
    if not writes_own_help and not issubclass(cls, ChineseHelpMixin):
        if cls not in _LOCALIZED:
            _LOCALIZED[cls] = type(f"Chinese{cls.__name__}", (ChineseHelpMixin, cls), {})
        command.__class__ = _LOCALIZED[cls]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize(sub)
