"""``POST /api/v1/auth/token/``: username + password → token, with the same lockout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bianzhi.accounts.services import login_locked_until

LOCKED_MESSAGE = "登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试。"


class TokenLoginSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


def locked_message(until: Any) -> str:
    from django.utils import timezone

    minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
    return LOCKED_MESSAGE.format(minutes=minutes)


class TokenLoginView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenLoginSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
    )
    def post(self, request: Request) -> Response:
        data = TokenLoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        until = login_locked_until(username=username)
        if until is None:
            user = authenticate(
                request._request, username=username, password=data.validated_data["password"]
            )
            if user is not None and user.is_active:
                token, _ = Token.objects.get_or_create(user=user)
                return Response({"token": token.key})
            until = login_locked_until(username=username)
        if until is not None:
            return Response({"detail": locked_message(until)}, status=status.HTTP_403_FORBIDDEN)
        return Response({"detail": "用户名或密码不正确。"}, status=status.HTTP_400_BAD_REQUEST)
