"""Every command of `bianzhi` answers --help in Chinese, and every top-level
command is documented in the README (the CLI is what many users see first)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bianzhi.cli.main import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _walk(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found.extend(_walk(command, (*path, name)))
        else:
            found.append((*path, name))
    return found


COMMANDS = _walk(main)


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) or "bianzhi" for p in COMMANDS])
def test_every_command_has_chinese_help(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "用法：" in result.output
    for english in ("Usage:", "Options:", "Commands:", "Show this message"):
        assert english not in result.output


def test_every_option_has_a_description():
    for path in COMMANDS:
        command: click.Command = main
        for name in path:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"bianzhi {' '.join(path)} {param.opts[0]} 没有说明"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_top_level_command_is_in_the_readme(name):
    assert f"bianzhi {name}" in README


def test_version_is_shown_in_chinese():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "版本" in result.output
