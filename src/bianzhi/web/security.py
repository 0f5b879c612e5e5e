"""The Content-Security-Policy header on every response, written from
``settings.BIANZHI_CSP`` (the one place the policy lives).

Django 5.2 has no CSP of its own; the other security headers (frame denial,
nosniff, Referrer-Policy, HSTS) come from Django's middleware and settings.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def csp_header_value() -> str:
    return "; ".join(f"{name} {value}" for name, value in settings.BIANZHI_CSP.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.value = csp_header_value()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.value)
        # Django's XFrameOptionsMiddleware sits after WhiteNoise: cover static files too.
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response
