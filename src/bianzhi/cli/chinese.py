"""Chinese help and errors for every `bianzhi` command.

click writes its own headings ("Usage:", "Options:", "Commands:") and the
help option's text in English. `localize` gives every command of the tree a
class that writes them in Chinese, so a command added later is covered
without doing anything (a test walks the tree to prove it).

A refused service call (``bianzhi.kernel.errors.ServiceError``) becomes a
`ChineseClickException` in one place, the `bianzhi` group (`cli/main.py`);
click's own usage errors (a missing option, a bad value, an unknown option)
become a `ChineseUsageError` there too, through `chinese_error`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import click

HELP_TEXT = "显示本帮助并退出。"
_METAVARS = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}
# click appends these English notes to an option's help text.
_OPTION_NOTES = (
    ("[required]", "［必填］"),
    ("[default: ", "［默认："),
    ("; required]", "；必填］"),
)


# click's default metavars of an option's value type.
_TYPE_NAMES = {
    "TEXT": "文本", "FILE": "文件", "INTEGER": "整数", "FLOAT": "数值", "PATH": "路径",
    "DIRECTORY": "目录", "FILENAME": "文件名", "BOOLEAN": "是/否", "UUID": "编号",
}
_TYPE_WORD = re.compile(r"\b(" + "|".join(_TYPE_NAMES) + r")\b")


def _chinese_metavars(option_text: str) -> str:
    return _TYPE_WORD.sub(lambda m: _TYPE_NAMES[m.group(1)], option_text)


def _chinese_notes(help_text: str) -> str:
    for english, chinese in _OPTION_NOTES:
        help_text = help_text.replace(english, chinese)
    # "[默认：x]" keeps click's closing bracket: make the pair match.
    if "［默认：" in help_text and help_text.endswith("]"):
        help_text = help_text[:-1] + "］"
    return help_text


def _display_width(text: str) -> int:
    """Terminal columns: a Chinese character takes two (click counts one,
    which misaligns a definition list as soon as a term holds Chinese)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _section(formatter: click.HelpFormatter, title: str, rows: list[tuple[str, str]]) -> None:
    formatter.write_paragraph()
    formatter.write(f"{' ' * formatter.current_indent}{title}：\n")
    indent = " " * (formatter.current_indent + 2)
    column = min(max(_display_width(term) for term, _ in rows), 30) + 2
    for term, text in rows:
        gap = column - _display_width(term)
        if not text:
            formatter.write(f"{indent}{term}\n")
        elif gap >= 2:
            formatter.write(f"{indent}{term}{' ' * gap}{text}\n")
        else:  # a long term: its text on the next line, in the text column
            formatter.write(f"{indent}{term}\n{indent}{' ' * column}{text}\n")


class ChineseHelpMixin:
    """Overrides for click.Command/click.Group (mixed in before them)."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option  # type: ignore[no-any-return]

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)  # type: ignore[misc,no-any-return]
        except click.UsageError as exc:
            # click's option parser raises some errors (an option without its
            # value) without a context; one is needed to show the usage line.
            if exc.ctx is None:
                exc.ctx = click.Context(self, info_name=info_name, parent=parent)  # type: ignore[arg-type]
            raise

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = [
            _METAVARS.get(piece, piece)
            for piece in self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        ]
        formatter.write(f"用法：{ctx.command_path} {' '.join(pieces)}\n")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (_chinese_metavars(record[0]), _chinese_notes(record[1]))
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


def _hint(param: click.Parameter | None) -> str:
    if param is None:
        return ""
    if isinstance(param, click.Option):
        return " / ".join(param.opts)
    return param.human_readable_name


def _has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def _bad_value(exc: click.BadParameter) -> str:
    """Why a value was refused, from the parameter's type (click's reasons are
    English; a callback of ours already says it in Chinese)."""
    reason = exc.message
    if _has_chinese(reason):
        return reason
    kind = exc.param.type if exc.param is not None else None
    if isinstance(kind, click.Choice):
        return "应为以下之一：" + "、".join(str(c) for c in kind.choices)
    if isinstance(kind, click.IntRange | click.FloatRange) and "range" in reason:
        return "超出允许的范围"
    if isinstance(kind, click.types.IntParamType):
        return "应为整数"
    if isinstance(kind, click.types.FloatParamType):
        return "应为数字"
    if isinstance(kind, click.DateTime):
        return "应为日期，如 2026-06-30"
    if isinstance(kind, click.Path | click.File):
        if "does not exist" in reason:
            return "文件或目录不存在"
        if "is a directory" in reason:
            return "应为文件，不是目录"
        if "is a file" in reason:
            return "应为目录，不是文件"
        return "无法读取这个文件或目录"
    if isinstance(kind, click.types.BoolParamType):
        return "应为 是/否（yes/no）"
    return "值无效"


def chinese_message(exc: click.ClickException) -> str:
    """The Chinese text of a click error."""
    if _has_chinese(exc.message) and not isinstance(exc, click.BadParameter):
        return exc.message
    if isinstance(exc, click.MissingParameter):
        what = "选项" if isinstance(exc.param, click.Option) else "参数"
        return f"缺少{what} {_hint(exc.param)}"
    if isinstance(exc, click.NoSuchOption):
        guess = f"（是否想用 {'、'.join(sorted(exc.possibilities))}？）" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{guess}"
    if isinstance(exc, click.BadOptionUsage):
        if "requires an argument" in exc.message:
            return f"选项 {exc.option_name} 后面需要一个值"
        return f"选项 {exc.option_name} 用法不对"
    if isinstance(exc, click.BadParameter):
        what = "选项" if isinstance(exc.param, click.Option) else "参数"
        return f"{what} {_hint(exc.param)} 的值无效：{_bad_value(exc)}"
    if isinstance(exc, click.FileError):
        return f"无法打开文件 {exc.ui_filename}"
    extra = re.match(r"Got unexpected extra arguments? \((.*)\)", exc.message)
    if extra:
        return f"多余的参数：{extra.group(1)}"
    command = re.match(r"No such command '(.*)'", exc.message)
    if command:
        return f"没有命令 {command.group(1)}"
    if isinstance(exc, click.UsageError):
        return "命令用法不对"
    return "命令出错"


class ChineseUsageError(click.UsageError):
    """A usage error shown in Chinese: the usage line, where to find help and
    the reason, exit code 2 (click's convention for usage errors)."""

    def show(self, file: Any = None) -> None:
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), err=True, file=file)
            click.echo(f"请用“{self.ctx.command_path} -h”查看帮助。\n", err=True, file=file)
        click.echo(f"错误：{self.format_message()}", err=True, file=file)


def chinese_error(exc: click.ClickException) -> click.ClickException:
    """A click error re-raised in Chinese (ours are returned as they are)."""
    if isinstance(exc, ChineseUsageError | ChineseClickException):
        return exc
    if isinstance(exc, click.UsageError):
        return ChineseUsageError(chinese_message(exc), ctx=exc.ctx)
    return ChineseClickException(chinese_message(exc))
