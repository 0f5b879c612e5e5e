"""The data folder is one fixed place, never the current folder, and a
database nobody migrated gets one Chinese line naming the command to run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def _run(args: list[str], *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("BIANZHI_")}
    full.update(env)
    full["PYTHONPATH"] = str(SRC)
    full["BIANZHI_LOG_DIR"] = "-"
    return subprocess.run([sys.executable, "-m", "bianzhi", *args], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_default_data_folder_is_the_users_data_directory_not_the_current_folder(
    tmp_path: Path,
) -> None:
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    xdg = tmp_path / "xdg"
    done = _run(["rules", "check", "510923"], cwd=elsewhere, env={"XDG_DATA_HOME": str(xdg)})
    assert done.returncode == 1
    # One line, in Chinese, naming the command; no traceback.
    assert done.stderr.strip() == "错误：数据库尚未初始化或未升级到当前版本，请先运行：bianzhi migrate"
    assert not (elsewhere / "var").exists()
    assert list(elsewhere.iterdir()) == []
    assert (xdg / "bianzhi" / "bianzhi.sqlite3").exists()


def test_bianzhi_data_dir_chooses_the_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = _run(["check"], cwd=tmp_path, env={"BIANZHI_DATA_DIR": str(data)})
    assert "请运行：bianzhi migrate" in done.stdout
    assert done.returncode == 1
    assert (data / "bianzhi.sqlite3").exists()
