"""TOTP (RFC 6238) through pyotp, the enrolment QR code through segno
(rendered here as SVG: no image service, nothing leaves the server), and
recovery codes. Pure helpers: the writes are in ``accounts.services``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from django.conf import settings

ISSUER = "乡镇机构编制资源配置系统"
STEP = 30
# One step either way: a phone clock half a minute off still works.
WINDOW = 1
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret, interval=STEP).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as an inline <svg> element."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff"))


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The time step whose code is ``code`` (within the window), or None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret, interval=STEP)
    step = int(at.timestamp()) // STEP
    for candidate in range(step - WINDOW, step + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def code_at(secret: str, at: datetime) -> str:
    """The code an authenticator shows at ``at`` (tests and the demo use it)."""
    return pyotp.TOTP(secret, interval=STEP).at(at)


def new_recovery_codes() -> list[str]:
    # 10 characters of an unambiguous alphabet, shown as xxxxx-xxxxx.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_hash(code: str) -> str:
    """Keyed hash of a recovery code (normalised: case, spaces and dashes ignored)."""
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hmac.new(settings.SECRET_KEY.encode(), normal.encode(), hashlib.sha256).hexdigest()
