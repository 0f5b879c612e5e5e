"""Models and migrations agree: a model change without its migration fails here
rather than on an office's server at the next upgrade."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration(db: Any) -> None:
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits 1 when a migration is missing
        pytest.fail(f"makemigrations --check found missing migrations (exit {exit_.code}):\n{out.getvalue()}")
