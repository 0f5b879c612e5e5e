"""`bianzhi` web commands, run in-process against the test database."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from bianzhi.accounts.models import User
from bianzhi.cli.main import main
from bianzhi.regions.models import Region


@pytest.mark.django_db
def test_regions_import_only_imports_the_subtree() -> None:
    result = CliRunner().invoke(main, ["regions", "import", "--only", "621121"])
    assert result.exit_code == 0, result.output
    assert "新增 21" in result.output
    assert Region.objects.count() == 21


@pytest.mark.django_db
def test_createuser_creates_an_officer() -> None:
    CliRunner().invoke(main, ["regions", "import", "--only", "510923"])
    result = CliRunner().invoke(
        main,
        [
            "createuser",
            "zhang",
            "--region",
            "510923",
            "--role",
            "officer",
            "--role",
            "approver",
            "--password",
            "Xq7-test-pass",
        ],
    )
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="zhang").role_set() == {"officer", "approver"}


@pytest.mark.django_db
def test_createuser_explains_errors_in_chinese() -> None:
    result = CliRunner().invoke(main, ["createuser", "li", "--region", "999999", "--password", "x"])
    assert result.exit_code != 0 and "不存在" in result.output


@pytest.mark.parametrize(
    "command", [["migrate"], ["demo"], ["createuser"], ["regions", "import"], ["serve"]]
)
def test_every_web_command_has_chinese_help(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output)


def test_demo_refuses_in_production(monkeypatch: Any) -> None:
    monkeypatch.setenv("BIANZHI_PRODUCTION", "1")
    result = CliRunner().invoke(main, ["demo", "--quick"])
    assert result.exit_code != 0 and "生产环境" in result.output


def test_serve_starts_two_workers_per_core_and_one_more_unless_told() -> None:
    # gunicorn's recommendation; the old fixed 2 left a 2-core server idle
    # while its workers waited for the database (docs/benchmarks.md, 负载测试).
    from bianzhi.cli.web import default_workers

    assert (default_workers(1), default_workers(2), default_workers(8)) == (3, 5, 17)
    assert default_workers() >= 3
