"""URL-walk registrations for the ops pages (see bianzhi.kernel.testing)."""

from __future__ import annotations

from bianzhi.kernel.testing import PUBLIC_URL_NAMES

# /healthz answers load balancers without login on purpose; it names checks
# and ok/fail only (tests/ops/test_health.py checks it reveals nothing else).
PUBLIC_URL_NAMES.add("healthz")
