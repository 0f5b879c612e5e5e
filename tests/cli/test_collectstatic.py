"""`bianzhi serve` starts fast: static files are collected only when their
sources changed since the last collection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bianzhi.cli.web import collectstatic_if_changed, static_fingerprint


def test_static_files_are_collected_once_and_then_skipped(settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    assert collectstatic_if_changed() is True
    assert (tmp_path / "static" / "vendor" / "htmx-2.0.11" / "htmx.min.js").is_file()
    assert collectstatic_if_changed() is False


def test_a_changed_source_changes_the_fingerprint(settings: Any, tmp_path: Path) -> None:
    before = static_fingerprint()
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.css").write_text("body{}")
    settings.STATICFILES_DIRS = [str(extra)]
    assert static_fingerprint() != before
