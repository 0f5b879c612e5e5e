"""Attach ``request.scope`` (lazily: only requests that use it pay the role query)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from bianzhi.accounts.models import SecurityPolicy
from bianzhi.accounts.passwords import must_change_password
from bianzhi.accounts.scope import Scope
from bianzhi.accounts.services import totp_enabled, totp_required
from bianzhi.kernel import clock


class ScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: Scope.for_user(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)


class SessionRefreshMiddleware:
    """The 30-minute idle timeout without a database write on every request.

    The session's expiry moves forward (the session is saved) only when the
    last move is more than ``SESSION_REFRESH_SECONDS`` old, so a busy user's
    session is written about once a minute instead of once a request (the
    load test measured the write at a few milliseconds of CPU a request, in
    the application and in PostgreSQL). The idle timeout is therefore between
    ``SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS`` and ``SESSION_COOKIE_AGE``.
    Sits right after SessionMiddleware, so it runs before that saves.
    """

    KEY = "_bianzhi_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.contrib.auth import SESSION_KEY

        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a logged-in user's session; an anonymous visitor gets none.
        if session is not None and session.get(SESSION_KEY) is not None:
            now = int(clock.now().timestamp())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return response


class SecurityPolicyMiddleware:
    """Before anything else, a logged-in user whose password must change
    (reset by an administrator, or expired) gets the change form, and one
    who needs a second factor but has none gets the enrolment page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self._anonymous(request)
        if request.path.startswith("/static/"):
            return self.get_response(request)
        exempt = {reverse("accounts:logout"), reverse("accounts:password_change")}
        target = None
        # Read once for both checks (one query a request, not two).
        policy = SecurityPolicy.current()
        if must_change_password(user, clock.now(), policy):
            target, message = "accounts:password_change", "请先修改密码。"
        elif (request.path != reverse("accounts:totp_setup") and totp_required(user, policy)
              and not totp_enabled(user)):
            target, message = "accounts:totp_setup", "请先启用动态口令（双因子认证）。"
        if target is None or request.path in exempt or request.path == reverse(target):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        return redirect(target)

    def _anonymous(self, request: HttpRequest) -> HttpResponse:
        """A browser whose session another login (or an administrator) ended
        is sent to the login page, and the session cookie is dropped on the
        way; a short-lived cookie carries the old key there so the page can
        say why (``LoginView``)."""
        from django.conf import settings

        from bianzhi.accounts.selectors import session_end_reason

        response = self.get_response(request)
        old_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        if old_key and response.status_code == 302 and session_end_reason(session_key=old_key):
            response.set_cookie(ENDED_COOKIE, old_key[:40], max_age=120, httponly=True,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response


ENDED_COOKIE = "bianzhi_session_ended"
