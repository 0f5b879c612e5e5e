"""The digest tests use the work-plan app's asset plan of 004: its tasks are
what the digest reports (through the tasks app's digest source)."""

from tests.tasks.conftest import plan  # noqa: F401  (a fixture)
