"""DRF authentication by ``Authorization: Token <key>`` against ``ApiToken``.

The key is hashed and looked up; an unknown, expired or revoked token, or
one of a deactivated account, is refused with a 401 and a Chinese message
(``authenticate_header`` makes DRF answer 401 rather than 403). Everything
is read from the database on each request, so a token revoked on one app
server is refused by all of them at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from bianzhi.accounts.models import ApiToken
from bianzhi.accounts.services import api_token_hash, api_token_touch
from bianzhi.kernel import clock

KEYWORD = "Token"

INVALID = "API 令牌无效，请重新获取。"
EXPIRED = "API 令牌已过期，请重新获取。"
REVOKED = "API 令牌已注销，请重新获取。"
INACTIVE = "该账号已停用。"
MALFORMED = "Authorization 请求头格式应为：Token <令牌>。"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: let session authentication try
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(MALFORMED)
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        token = ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID)
        now = clock.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(REVOKED)
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(EXPIRED)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(INACTIVE)
        api_token_touch(token=token, now=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """How the published schema (``/api/schema/``) describes the token."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        hours = settings.BIANZHI_API_TOKEN_HOURS
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "“Token <令牌>”。令牌由 POST /api/v1/auth/token/ 取得（每次一个新令牌），"
                f"{hours:g} 小时后过期，可由 POST /api/v1/auth/token/revoke/ 注销。"
            ),
        }
