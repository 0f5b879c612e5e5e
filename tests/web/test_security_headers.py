"""Web hardening (等保 2.0: 通信传输, 入侵防范): security headers on every
response, no inline script in any template, and `manage.py check --deploy`
clean with the production settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

SRC = Path(__file__).resolve().parents[2] / "src"
MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def _assert_hardened(response: Any) -> None:
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_security_headers(
    client: Any, daying_officer: Any
) -> None:
    # Anonymous: the login page, a redirect to it, the public lists, a 404, a static file.
    for url in ["/accounts/login/", "/", "/public/", "/no-such-page/",
                "/static/bianzhi/app.js", "/api/v1/regions/"]:
        _assert_hardened(client.get(url))
    client.force_login(daying_officer)
    for url in [reverse("web:home"), reverse("audit:list"), "/api/v1/regions/"]:
        _assert_hardened(client.get(url))


def test_no_template_has_inline_script() -> None:
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    handler = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
    for template in (SRC / "bianzhi").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        assert not inline_script.search(text), template
        assert not handler.search(text), template
        assert "javascript:" not in text, template


def _run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # The live-server tests of the same worker set DJANGO_ALLOW_ASYNC_UNSAFE,
    # which check --deploy rightly reports; a deployment never has it.
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("BIANZHI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean.pop("PYTEST_VERSION", None)
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env={**clean, "PYTHONPATH": str(SRC), "BIANZHI_VAR_DIR": str(tmp_path), **env},
        capture_output=True, text=True, check=False, timeout=120,
    )


PRODUCTION = {
    "BIANZHI_PRODUCTION": "1",
    # As README says to make one: secrets.token_urlsafe(50).
    "BIANZHI_SECRET_KEY": secrets.token_urlsafe(50),
    "BIANZHI_ALLOWED_HOSTS": "bianzhi.example.gov.cn",
}


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_plain_http_intranet_switch_turns_tls_off_and_deploy_check_says_so(tmp_path: Path) -> None:
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION, "BIANZHI_PLAIN_HTTP": "1"},
        tmp_path,
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout
