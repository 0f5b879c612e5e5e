"""Django settings for the bianzhi web application, read from the environment.

Everything a deployment changes is a ``BIANZHI_*`` environment variable
(documented in README ``## 网页系统`` and docs/deploy.md). With nothing set the
site runs on an SQLite file in the data folder (``BIANZHI_DATA_DIR``, default
``~/.local/share/bianzhi``; never the current folder) so that it "just works"
on a laptop; production
sets ``BIANZHI_PRODUCTION=1``, a real ``BIANZHI_SECRET_KEY`` and
``BIANZHI_DATABASE_URL`` pointing at PostgreSQL.

App servers keep no state of their own (sessions and cache live in the
database, uploaded files behind Django's storage API), so several gunicorn
hosts can run against one PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets admin/DRF generic classes be subscripted at runtime (ModelAdmin[Region]).
django_stubs_ext.monkeypatch()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/bianzhi


def _data_dir() -> Path:
    """The data folder: database (SQLite), uploads, static files, logs, backups.

    ``BIANZHI_DATA_DIR`` (``BIANZHI_VAR_DIR`` is its older name); otherwise the
    user's data directory (XDG), so a command run from any folder finds the same
    database instead of creating a new one where it stands. The offline
    bundle's wrapper sets it to ``<install folder>/data``.
    """
    configured = os.environ.get("BIANZHI_DATA_DIR") or os.environ.get("BIANZHI_VAR_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return (Path(xdg) / "bianzhi").resolve()


VAR_DIR = DATA_DIR = _data_dir()

PRODUCTION = _env_bool("BIANZHI_PRODUCTION")
DEBUG = _env_bool("BIANZHI_DEBUG") and not PRODUCTION
# pytest (>= 8.2) exports PYTEST_VERSION; tests get cheap hashing and plain
# static storage (the hashed manifest 404s in live-server tests).
TESTING = "PYTEST_VERSION" in os.environ

_DEV_SECRET_KEY = "bianzhi-development-key-not-for-production"
SECRET_KEY = os.environ.get("BIANZHI_SECRET_KEY", _DEV_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "BIANZHI_PRODUCTION=1 需要设置 BIANZHI_SECRET_KEY（至少 32 个字符的随机字符串）。"
    )

ALLOWED_HOSTS = _env_list("BIANZHI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _env_list("BIANZHI_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # rest_framework.authtoken is gone: API tokens are accounts.ApiToken
    # (hashed, expiring, revocable); accounts migration 0002 drops its table.
    "drf_spectacular",
    "bianzhi.kernel",
    "bianzhi.web",
    "bianzhi.accounts",
    "bianzhi.regions",
    "bianzhi.audit",
    "bianzhi.jobs",
    "bianzhi.inbox",
    "bianzhi.townships",
    "bianzhi.allocation",
    "bianzhi.institutions",
    "bianzhi.roster",
    "bianzhi.rules",
    "bianzhi.dashboards",
    "bianzhi.duties",
    "bianzhi.agencies",
    "bianzhi.tasks",
    "bianzhi.reports",
    "bianzhi.ops",
    "bianzhi.grids",
    "bianzhi.staffing_plans",
    "bianzhi.enforcement",
    "bianzhi.assets",
]

MIDDLEWARE = [
    # Outermost: a request id and one log line for every request (requestlog.py).
    "bianzhi.web.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the CSP and frame denial too.
    "bianzhi.web.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle timeout's expiry moves forward at most once a minute.
    "bianzhi.accounts.middleware.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page requires a login unless the view is marked
    # @login_not_required: a new view is private by default.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "bianzhi.accounts.middleware.ScopeMiddleware",
    # Forced password change and second-factor enrolment come first.
    "bianzhi.accounts.middleware.SecurityPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost, so it sees the views' exceptions: SQLite's "database is
    # locked" after the busy timeout becomes a Chinese 503, not a 500.
    "bianzhi.web.busy.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "bianzhi.web.urls"
WSGI_APPLICATION = "bianzhi.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of third-party templates (the browsable API's page).
        "DIRS": [Path(__file__).resolve().parent / "overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bianzhi.web.context_processors.site",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
_default_sqlite = VAR_DIR / "bianzhi.sqlite3"
# SQLite with several gunicorn processes and the job worker writing at once.
# With Django's defaults (rollback journal, DEFERRED transactions) two
# requests that read and then write collide: the second cannot upgrade its
# read lock and fails at once with "database is locked" (the busy timeout
# does not apply to that deadlock); 7-9 of 12 simultaneous approved-quota
# changes were HTTP 500 (tests/web/test_concurrent_writes.py). Instead:
# - IMMEDIATE: every transaction.atomic takes the write lock at BEGIN, so
#   writers queue on the busy timeout instead of deadlocking;
# - WAL: readers never wait for a writer, nor a writer for readers;
# - synchronous=NORMAL: in WAL still crash-safe (no corruption); only a power
#   loss may drop the last commits. Saves an fsync per commit;
# - timeout (the busy timeout, seconds): below gunicorn's 30 s worker timeout,
#   so a writer stuck behind a long import gets the 503 page
#   (bianzhi.web.busy) rather than a killed worker.
# journal_mode=WAL is stored in the file; the in-memory test database answers
# "memory" and carries on.
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
DATABASE_URL = os.environ.get("BIANZHI_DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections: measured here, throughput halves without them.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("BIANZHI_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_default_sqlite),
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts, sessions, cache ----------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["bianzhi.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The 安全管理员's policy: length, character classes, no username, history.
    {"NAME": "bianzhi.accounts.passwords.PolicyPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Lockout policy (bianzhi.accounts): 5 consecutive failures lock for 15 minutes.
BIANZHI_LOCKOUT_FAILURES = 5
BIANZHI_LOCKOUT_MINUTES = 15

# 30-minute idle timeout: a request pushes the expiry forward when the last
# push is a minute old or more (accounts.middleware.SessionRefreshMiddleware),
# not on every request (a database write each).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 30 * 60
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# --- TLS (production: behind a reverse proxy that terminates https) -----------
# Production assumes https at the proxy: redirect http to https, HSTS for a
# year, cookies only over https, and the proxy's X-Forwarded-Proto believed
# (the proxy must set it, and strip it from clients). An intranet that serves
# plain http sets BIANZHI_PLAIN_HTTP=1, the one documented switch that turns
# all of that off (docs/security.md says what it costs).
PLAIN_HTTP = _env_bool("BIANZHI_PLAIN_HTTP")
_TLS = PRODUCTION and not PLAIN_HTTP
SESSION_COOKIE_SECURE = _env_bool("BIANZHI_SECURE_COOKIES", default=_TLS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = _TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _TLS else None
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if _TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _TLS
SECURE_HSTS_PRELOAD = _TLS

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "bianzhi_cache",
    }
}

# --- client addresses, anonymous rate limit ------------------------------------
# Reverse proxies in front of the app servers (nginx: 1). Only then is
# X-Forwarded-For believed (bianzhi.kernel.clientinfo); 0 uses the socket peer.
BIANZHI_TRUSTED_PROXIES = int(os.environ.get("BIANZHI_TRUSTED_PROXIES", "0"))
# Requests without login (the published duty lists) per client address and
# window; more get 429 (bianzhi.kernel.ratelimit, counted in the database).
BIANZHI_ANON_RATE_LIMIT = int(os.environ.get("BIANZHI_ANON_RATE_LIMIT", "60"))
BIANZHI_ANON_RATE_WINDOW = int(os.environ.get("BIANZHI_ANON_RATE_WINDOW", "60"))

# --- i18n -----------------------------------------------------------------
# Shown in the top bar, page titles and on the login page.
SITE_NAME = "乡镇机构编制资源配置系统"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and uploaded files ----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("BIANZHI_STATIC_ROOT", str(VAR_DIR / "static"))).resolve()
MEDIA_ROOT = Path(os.environ.get("BIANZHI_MEDIA_ROOT", str(VAR_DIR / "media"))).resolve()
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and DEBUG serve straight from the app directories (no collectstatic).
WHITENOISE_USE_FINDERS = TESTING or DEBUG
WHITENOISE_AUTOREFRESH = TESTING or DEBUG

# --- REST API ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: its "Token" WWW-Authenticate header makes refusals 401, not 403.
        "bianzhi.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "bianzhi.web.api_errors.exception_handler",
}
# Lifetime of an API token (POST /api/v1/auth/token/): a working day by default.
try:
    BIANZHI_API_TOKEN_HOURS = float(os.environ.get("BIANZHI_API_TOKEN_HOURS", "8"))
except ValueError:
    BIANZHI_API_TOKEN_HOURS = 0.0  # refused just below, with a message saying why
if not 0 < BIANZHI_API_TOKEN_HOURS <= 24 * 366:
    raise ImproperlyConfigured("BIANZHI_API_TOKEN_HOURS 应为大于 0、不超过 8784（一年）的小时数。")
SPECTACULAR_SETTINGS = {
    "TITLE": "乡镇机构编制资源配置系统 API",
    "VERSION": "1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Several models have a "status" with different choices: name them, or
    # drf-spectacular falls back to hashed names (Status720Enum) and warns.
    "ENUM_NAME_OVERRIDES": {
        "PersonStatusEnum": "bianzhi.roster.models.Status",
        "PlanStatusEnum": "bianzhi.allocation.models.PlanStatus",
        # Two models have a "mode" (plans, dispatched agencies), and a
        # territorial matter's township_role and department_role share one
        # choice set: one name each, no hashed names, no warnings.
        "PlanModeEnum": "bianzhi.allocation.models.PlanMode",
        "AgencyModeEnum": "bianzhi.agencies.models.Mode",
        "ResponsibilityEnum": "bianzhi.duties.models.Responsibility",
        "RecruitmentPlanStatusEnum": "bianzhi.staffing_plans.models.PlanStatus",
        "TransferDirectionEnum": "bianzhi.staffing_plans.models.Direction",
    },
}

# --- security headers -------------------------------------------------------
# On every response (tests/web/test_security_headers.py): frame denial, no
# MIME sniffing, referrer kept inside the site, and the Content-Security-Policy
# below (bianzhi.web.security.ContentSecurityPolicyMiddleware).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The one place the CSP is written. Scripts only from this site's static
# files: no inline <script>, no on*= attributes, no eval (htmx's eval is off,
# base.html). Styles allow 'unsafe-inline' because ECharts and htmx set style
# attributes on the elements they draw; a style cannot run script. Images
# also from data: URIs (ECharts' "save as image", the TOTP QR code is inline SVG).
BIANZHI_CSP: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# --- logs (bianzhi.web.requestlog) -------------------------------------------
# JSON lines with request id, user and duration, to <data folder>/logs/bianzhi.log,
# rotated by size. BIANZHI_LOG_DIR="-" logs to stderr only (systemd's journal).
# Tests write no log file unless BIANZHI_LOG_DIR is set.
LOG_DIR_SETTING = os.environ.get("BIANZHI_LOG_DIR", "" if TESTING else str(DATA_DIR / "logs"))
LOG_FILE = "" if LOG_DIR_SETTING in ("", "-") else str(Path(LOG_DIR_SETTING) / "bianzhi.log")
_log_handlers: dict[str, dict[str, object]] = {
    "console": {"class": "logging.StreamHandler", "filters": ["request"], "level": "WARNING"},
}
if LOG_FILE:
    Path(LOG_FILE).parent.mkdir(parents=True, exist_ok=True)
    _log_handlers["file"] = {
        "class": "logging.handlers.RotatingFileHandler",
        "filename": LOG_FILE,
        "maxBytes": int(os.environ.get("BIANZHI_LOG_MAX_MB", "20")) * 1024 * 1024,
        "backupCount": int(os.environ.get("BIANZHI_LOG_BACKUPS", "10")),
        "encoding": "utf-8",
        "formatter": "json",
        "filters": ["request"],
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "bianzhi.web.requestlog.RequestContextFilter"}},
    "formatters": {"json": {"()": "bianzhi.web.requestlog.JsonFormatter"}},
    "handlers": _log_handlers,
    "loggers": {
        # One line per request at INFO; the root stays at BIANZHI_LOG_LEVEL.
        "bianzhi.request": {"level": "INFO"},
    },
    "root": {"handlers": list(_log_handlers), "level": os.environ.get("BIANZHI_LOG_LEVEL", "WARNING")},
}

# --- backups (bianzhi.ops) -----------------------------------------------------
BIANZHI_BACKUP_DIR = Path(os.environ.get("BIANZHI_BACKUP_DIR", str(DATA_DIR / "backups"))).resolve()
# The worker backs up every so many hours (0: off) and keeps the newest N.
BIANZHI_BACKUP_INTERVAL_HOURS = float(os.environ.get("BIANZHI_BACKUP_INTERVAL_HOURS", "24"))
BIANZHI_BACKUP_KEEP = int(os.environ.get("BIANZHI_BACKUP_KEEP", "7"))
# `bianzhi check` and /healthz fail below this much free disk in the data folder.
BIANZHI_MIN_FREE_MB = int(os.environ.get("BIANZHI_MIN_FREE_MB", "1024"))

# --- e-mail (bianzhi.inbox: daily digest of `bianzhi notify --once`) ----------
# Off unless BIANZHI_EMAIL_HOST is set; the in-app inbox works either way.
# Tests run with Django's locmem backend (pytest-django sets it).
EMAIL_HOST = os.environ.get("BIANZHI_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("BIANZHI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("BIANZHI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("BIANZHI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("BIANZHI_EMAIL_USE_TLS")
EMAIL_USE_SSL = _env_bool("BIANZHI_EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("BIANZHI_EMAIL_FROM", "bianzhi@localhost")
EMAIL_TIMEOUT = 30
BIANZHI_EMAIL_ENABLED = bool(EMAIL_HOST)
# Absolute links in e-mails, e.g. https://bianzhi.example.gov.cn
BIANZHI_SITE_URL = os.environ.get("BIANZHI_SITE_URL", "")
# Upload limit for task attachments and evidence (MB per file).
BIANZHI_ATTACHMENT_MAX_MB = int(os.environ.get("BIANZHI_ATTACHMENT_MAX_MB", "20"))
