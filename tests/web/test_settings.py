from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

WEB = Path(__file__).resolve().parents[2] / "src" / "bianzhi"


def test_sessions_expire_after_30_idle_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # The expiry moves forward once a minute at most (tests/accounts/test_sessions.py),
    # by the middleware that runs right before the session is saved.
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_REFRESH_SECONDS == 60
    session = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert settings.MIDDLEWARE[session + 1] == "bianzhi.accounts.middleware.SessionRefreshMiddleware"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def _session(client: Any) -> Any:
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_each_request_pushes_the_expiry_forward(client: Any, daying_officer: Any) -> None:
    from django.utils import timezone

    client.force_login(daying_officer)
    Session = type(_session(client))
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("web:home")).status_code == 200
    remaining = _session(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_an_idle_session_is_logged_out(client: Any, daying_officer: Any) -> None:
    from django.utils import timezone

    client.force_login(daying_officer)
    Session = type(_session(client))
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def test_the_state_lives_in_the_database() -> None:
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"


def test_django_password_validators_are_on() -> None:
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    } <= names


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BIANZHI_")}
    return subprocess.run(
        [sys.executable, "-c", "import bianzhi.web.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_the_development_secret_key(tmp_path: Path) -> None:
    refused = _import_settings({"BIANZHI_PRODUCTION": "1", "BIANZHI_VAR_DIR": str(tmp_path)})
    assert refused.returncode != 0 and "BIANZHI_SECRET_KEY" in refused.stderr
    accepted = _import_settings(
        {
            "BIANZHI_PRODUCTION": "1",
            "BIANZHI_SECRET_KEY": "k" * 50,
            "BIANZHI_VAR_DIR": str(tmp_path),
        }
    )
    assert accepted.returncode == 0, accepted.stderr


def test_no_template_loads_anything_from_another_host() -> None:
    external = re.compile(r"""(src|href|action)\s*=\s*["']?(https?:)?//""", re.I)
    for template in WEB.rglob("templates/**/*.html"):
        assert not external.search(template.read_text(encoding="utf-8")), template


def test_rendered_pages_load_only_local_assets(client: Any, daying_officer: Any) -> None:
    client.force_login(daying_officer)
    for url in [
        reverse("web:home"),
        reverse("regions:detail", args=["510923"]),
        reverse("audit:list"),
    ]:
        body = client.get(url).content.decode()
        assert not re.search(r"""(src|href)=["'](https?:)?//""", body), url
        assert "/static/vendor/htmx-2.0.11/htmx.min.js" in body


def test_vendored_libraries_keep_their_licences() -> None:
    vendor = WEB / "web" / "static" / "vendor"
    for name in ["htmx-2.0.11", "echarts-6.1.0"]:
        assert (vendor / name / "LICENSE").is_file()
        assert any((vendor / name).glob("*.min.js"))
    assert (vendor / "echarts-6.1.0" / "NOTICE").is_file()
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    assert "2.0.11" in readme and "6.1.0" in readme


def test_errors_are_shown_in_chinese(client: Any, tongwei_officer: Any) -> None:
    client.force_login(tongwei_officer)
    response = client.get(reverse("regions:detail", args=["510923"]))
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
