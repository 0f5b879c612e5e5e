"""Every command of `bianzhi` reports a missing option, an unknown option, an
option without its value and a value of the wrong type in Chinese (click
writes "Error: Missing option '--from'." otherwise). The walk covers every
command of the tree, so a command added later is checked without more code.

Only parse errors are provoked: they happen before a command runs, so the
walk never migrates, loads the demo or starts a server."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from bianzhi.cli.main import main


def _walk(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found.extend(_walk(command, (*path, name)))
        else:
            found.append(((*path, name), command))
    return found


COMMANDS = _walk(main)
IDS = [" ".join(p) for p, _ in COMMANDS]

# What may stand in Latin letters in a Chinese message: option and command
# names, metavars (upper case) and a few words users know.
_ALLOWED = {"bianzhi", "yes", "no", "xlsx", "csv", "json", "pdf", "docx", "Excel", "PDF"}


def _english_words(output: str, path: tuple[str, ...]) -> list[str]:
    text = re.sub(r"--?[A-Za-z][\w-]*", " ", output)
    words = re.findall(r"[A-Za-z]{2,}", text)
    names = {part for name in path for part in name.split("-")}
    return [w for w in words if not w.isupper() and w not in _ALLOWED and w not in names]


def _assert_chinese_usage_error(result: click.testing.Result, path: tuple[str, ...]) -> None:
    assert result.exit_code == 2, result.output
    assert "错误：" in result.output and "用法：" in result.output, result.output
    assert "Error" not in result.output and "Usage" not in result.output
    assert _english_words(result.output, path) == [], result.output


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_an_unknown_option_is_reported_in_chinese(path: tuple[str, ...], command: click.Command) -> None:
    result = CliRunner().invoke(main, prog_name="bianzhi", args=[*path, "--no-such-option"])
    _assert_chinese_usage_error(result, path)
    assert "没有选项 --no-such-option" in result.output


REQUIRED = [(p, c) for p, c in COMMANDS if any(param.required for param in c.params)]


@pytest.mark.parametrize(("path", "command"), REQUIRED, ids=[" ".join(p) for p, _ in REQUIRED])
def test_a_missing_required_option_or_argument_is_named_in_chinese(
    path: tuple[str, ...], command: click.Command
) -> None:
    result = CliRunner().invoke(main, prog_name="bianzhi", args=list(path))
    _assert_chinese_usage_error(result, path)
    assert re.search(r"错误：(缺少(选项|参数) \S+|.*缺少)", result.output), result.output


VALUED = [
    (p, c, o)
    for p, c in COMMANDS
    for o in c.params
    if isinstance(o, click.Option) and not o.is_flag and not o.count and o.nargs == 1
]


@pytest.mark.parametrize(
    ("path", "command", "option"), VALUED, ids=[f"{' '.join(p)} {o.opts[0]}" for p, _, o in VALUED]
)
def test_an_option_given_without_its_value_is_reported_in_chinese(
    path: tuple[str, ...], command: click.Command, option: click.Option
) -> None:
    result = CliRunner().invoke(main, prog_name="bianzhi", args=[*path, option.opts[0]])
    _assert_chinese_usage_error(result, path)


TYPED = [
    (p, c, o)
    for p, c, o in VALUED
    if isinstance(o.type, click.types.IntParamType | click.types.FloatParamType | click.Choice | click.DateTime)
    or (isinstance(o.type, click.Path) and o.type.exists)
]


@pytest.mark.parametrize(
    ("path", "command", "option"), TYPED, ids=[f"{' '.join(p)} {o.opts[0]}" for p, _, o in TYPED]
)
def test_a_value_of_the_wrong_kind_is_refused_in_chinese(
    path: tuple[str, ...], command: click.Command, option: click.Option
) -> None:
    result = CliRunner().invoke(main, prog_name="bianzhi", args=[*path, option.opts[0], "不存在的值", "--help-is-not-reached"])
    assert result.exit_code == 2, result.output
    assert "Error" not in result.output and "Invalid value" not in result.output
    assert _english_words(result.output, path) == [], result.output


def test_the_reported_case_names_the_missing_option() -> None:
    result = CliRunner().invoke(main, prog_name="bianzhi", args=["docs", "evaluation", "510923"])
    assert result.exit_code == 2
    assert "错误：缺少选项 --from" in result.output
    assert "请用“bianzhi docs evaluation -h”查看帮助。" in result.output


def test_an_unknown_command_is_reported_in_chinese() -> None:
    result = CliRunner().invoke(main, prog_name="bianzhi", args=["docs", "nothing"])
    assert result.exit_code == 2 and "错误：没有命令 nothing" in result.output
