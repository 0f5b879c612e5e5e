"""Every non-Python file under src/bianzhi reaches the wheel.

The offline bundle installs the wheel, not the source tree: a file type missing
from [tool.setuptools.package-data] works in development and fails only on the
customer's server (the favicon did: "Missing staticfiles manifest entry").
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "bianzhi"


def _patterns() -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]


def _shipped(path: Path, patterns: dict[str, list[str]]) -> bool:
    relative = path.relative_to(PACKAGE.parent)
    for package, globs in patterns.items():
        if package == "*":
            # "*" patterns match a file name inside any package directory.
            if any(fnmatch.fnmatch(path.name, glob) for glob in globs):
                return True
            continue
        base = Path(*package.split("."))
        try:
            inside = relative.relative_to(base)
        except ValueError:
            continue
        if any(fnmatch.fnmatch(str(inside), glob) for glob in globs):
            return True
    return False


def test_every_data_file_in_the_package_is_listed_for_the_wheel() -> None:
    patterns = _patterns()
    missing = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*")
        if path.is_file()
        and path.suffix not in {".py", ".pyc"}
        and "__pycache__" not in path.parts
        and not _shipped(path, patterns)
    ]
    assert missing == []
