"""Every command of `bianzhi` answers --help in Chinese, and every top-level
command is documented in the README (the CLI is what many users see first)."""

from __future__ import annotations

import re
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
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "[required]", "[default:"):
        assert english not in result.output
    # click's type names (TEXT, FILE, INTEGER…) read as 文本, 文件, 整数…
    # (`allocate` writes its own help, with placeholders it explains.)
    options = result.output.split("选项：", 1)[-1].splitlines()
    terms = [line.strip().split("  ", 1)[0] for line in options if line.startswith("  -")]
    if tuple(path) != ("allocate",):
        assert not [t for t in terms if re.search(r"\b(TEXT|FILE|INTEGER|FLOAT|PATH|DIRECTORY)\b", t)]


def test_option_descriptions_line_up_with_chinese_in_the_option_column() -> None:
    result = CliRunner().invoke(main, ["export", "cases", "--help"])
    lines = [line for line in result.output.splitlines() if line.startswith("  -")]
    # Every description starts in the same terminal column (a Chinese
    # character is two columns wide).
    columns = {_width(line[: line.index("  ", 3)]) + len(line[line.index("  ", 3):]) - len(line[line.index("  ", 3):].lstrip()) for line in lines}
    assert len(lines) >= 3 and len(columns) == 1, result.output


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


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
