from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from bianzhi.accounts import selectors, services
from bianzhi.accounts.forms import LoginForm
from bianzhi.accounts.scope import scope_of


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    # Django's LoginView would put the request's host (127.0.0.1:8000) in
    # site_name, hiding the system's name from the context processor.
    extra_context = {"site_name": settings.SITE_NAME}


class LogoutView(auth_views.LogoutView):
    """Logs out; with ``revoke_tokens`` ticked (the checkbox beside 退出) it
    first revokes all the user's API tokens, which a logout alone leaves
    working (they authenticate scripts, not this browser session)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request.user
        revoked = 0
        if user.is_authenticated and request.POST.get("revoke_tokens"):
            revoked = services.api_tokens_revoke_all(
                user=user,
                actor=user,
                reason="退出登录时注销全部 API 令牌",
            )
        response = super().post(request, *args, **kwargs)
        if revoked:
            # After the logout: the message travels in its own cookie.
            messages.success(request, f"已注销 {revoked} 个 API 令牌。")
        return response


def token_list(request: HttpRequest) -> HttpResponse:
    """我的 API 令牌, and for an 编办管理员 the valid tokens of the users under them."""
    scope = scope_of(request)
    now = timezone.now()
    own = selectors.api_tokens_of_user(scope=scope)
    for token in own:
        token.status = token.status_label(now)  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/tokens.html",
        {
            "now": now,
            "own": own,
            "others": selectors.api_tokens_of_others(scope=scope, now=now),
            "is_token_admin": selectors.is_token_admin(scope=scope),
            "token_hours": settings.BIANZHI_API_TOKEN_HOURS,
        },
    )


def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """GET: confirm; POST: revoke. Someone else's token is a 404 either way."""
    token = selectors.api_token_get(scope=scope_of(request), pk=token_id)
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()[:200]
        if token.user_id != request.user.pk and not reason:
            reason = "管理员注销"
        if services.api_token_revoke(token=token, actor=request.user, reason=reason):  # type: ignore[arg-type]
            messages.success(request, f"已注销 {token}。")
        else:
            messages.info(request, f"{token} 早已注销。")
        return redirect("accounts:tokens")
    status = token.status_label(timezone.now())
    return render(request, "accounts/token_revoke.html", {"token": token, "status": status})


@require_POST
def tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    """Revoke all of the user's own valid tokens."""
    count = services.api_tokens_revoke_all(
        user=request.user,  # type: ignore[arg-type]
        actor=request.user,  # type: ignore[arg-type]
        reason="用户注销全部 API 令牌",
    )
    messages.success(request, f"已注销 {count} 个 API 令牌。" if count else "没有有效的 API 令牌。")
    return redirect("accounts:tokens")
