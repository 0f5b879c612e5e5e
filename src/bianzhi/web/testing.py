"""URL-walk settings for the web package's own URLs (see bianzhi.kernel.testing)."""

from __future__ import annotations

from bianzhi.kernel.testing import PUBLIC_URL_NAMES

# Browsers ask for /favicon.ico before anyone logs in.
PUBLIC_URL_NAMES.add("web:favicon")
