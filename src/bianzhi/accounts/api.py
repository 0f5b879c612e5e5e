"""API tokens: ``POST /api/v1/auth/token/`` (username + password → a new
token, with the login lockout) and ``POST /api/v1/auth/token/revoke/``
(revoke the token the request is made with)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bianzhi.accounts.models import ApiToken
from bianzhi.accounts.services import api_token_issue, api_token_revoke, login_locked_until
from bianzhi.kernel import clock
from bianzhi.kernel.clientinfo import client_address

LOCKED_MESSAGE = "登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试。"


class TokenLoginSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="令牌名称，如 “统计脚本”"
    )
    otp = serializers.CharField(
        required=False, allow_blank=True, max_length=20,
        help_text="动态口令（启用了双因子认证的账号必填）或恢复码",
    )


class TokenIssuedSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(
        help_text="令牌，只显示这一次；请求时带 Authorization: Token <令牌>"
    )
    name = serializers.CharField()
    expires_at = serializers.DateTimeField(help_text="到期时间")


def locked_message(until: Any) -> str:

    minutes = max(1, int((until - clock.now()).total_seconds() // 60) + 1)
    return LOCKED_MESSAGE.format(minutes=minutes)


class TokenLoginView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenLoginSerializer, responses={200: TokenIssuedSerializer})
    def post(self, request: Request) -> Response:
        data = TokenLoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        # Every attempt goes through authenticate(), locked names too: the
        # backend refuses them and records each attempt in the login history.
        user = authenticate(
            request._request, username=username, password=data.validated_data["password"]
        )
        if user is not None and user.is_active:
            refusal = _second_step(request, user, data.validated_data.get("otp", ""))
            if refusal is not None:
                return refusal
            # A new token on every request: clients never share one, and
            # revoking one (or logging out) leaves no other key working.
            token, key = api_token_issue(
                user=user,
                name=data.validated_data.get("name", ""),
                # The same address as the login history: X-Forwarded-For only
                # behind BIANZHI_TRUSTED_PROXIES (anyone can type the header).
                client_address=client_address(request._request),
            )
            body = {"token": key, "name": token.name, "expires_at": token.expires_at}
            return Response(TokenIssuedSerializer(body).data)
        until = login_locked_until(username=username)
        if until is not None:
            return Response({"detail": locked_message(until)}, status=status.HTTP_403_FORBIDDEN)
        return Response({"detail": "用户名或密码不正确。"}, status=status.HTTP_400_BAD_REQUEST)


def _second_step(request: Request, user: Any, code: str) -> Response | None:
    """The token API's second factor and password policy: a user with TOTP
    sends ``otp``; a password that must be changed gets no token."""
    from bianzhi.accounts.passwords import must_change_password
    from bianzhi.accounts.services import login_failure_record, totp_enabled, totp_verify
    from bianzhi.audit.models import LoginReason
    from bianzhi.audit.services import login_event_record
    from bianzhi.kernel import clock

    if totp_enabled(user):
        if not code:
            return Response({"detail": "该账号已启用动态口令，请在 otp 字段提供动态口令。"},
                            status=status.HTTP_400_BAD_REQUEST)
        if not totp_verify(user=user, code=code):
            login_failure_record(username=user.username)
            login_event_record(request=request._request, username=user.username, user=user,
                               reason=LoginReason.WRONG_OTP,
                               locked_out=login_locked_until(username=user.username) is not None)
            return Response({"detail": "动态口令不正确。"}, status=status.HTTP_400_BAD_REQUEST)
        login_event_record(request=request._request, username=user.username, user=user,
                           reason=LoginReason.SUCCESS)
    if must_change_password(user, clock.now()):
        return Response({"detail": "密码须先在网页上修改后才能取得令牌。"},
                        status=status.HTTP_403_FORBIDDEN)
    return None


class TokenRevokeView(APIView):
    """Revoke the token this request authenticates with (a client's "log out")."""

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="已注销"),
            400: inline_serializer("TokenRevokeError", {"detail": serializers.CharField()}),
        },
    )
    def post(self, request: Request) -> Response:
        token = request.auth
        if not isinstance(token, ApiToken):
            return Response(
                {
                    "detail": "本请求未使用 API 令牌（Authorization: Token <令牌>），没有可注销的令牌。"
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        # The token's user is the request's user (ApiTokenAuthentication).
        api_token_revoke(token=token, actor=token.user, reason="客户端注销本令牌")
        return Response(status=status.HTTP_204_NO_CONTENT)
