from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from bianzhi.accounts import selectors, services, totp
from bianzhi.accounts.forms import (
    LoginForm,
    OtpForm,
    PasswordChangeForm,
    PasswordResetForm,
    PolicyForm,
    UserForm,
)
from bianzhi.accounts.middleware import ENDED_COOKIE
from bianzhi.accounts.models import Department, Role, SecurityPolicy, TotpDevice, User
from bianzhi.accounts.passwords import (
    PolicyPasswordValidator,
    must_change_password,
    password_expired,
)
from bianzhi.accounts.scope import Scope, actor_of, scope_of
from bianzhi.audit.models import LoginReason
from bianzhi.audit.selectors import login_event_list
from bianzhi.audit.services import login_event_record
from bianzhi.kernel import clock
from bianzhi.kernel.errors import ServiceError

# How long the password step stays good while the second factor is asked.
OTP_PENDING_SECONDS = 300


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """The password step. With a second factor the user is not logged in yet:
    the pending login waits in the session for the code (``login_otp``)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # A browser whose session another login ended: say why.
        cookies = self.request.COOKIES
        old_key = cookies.get(ENDED_COOKIE) or cookies.get(settings.SESSION_COOKIE_NAME, "")
        context["ended_reason"] = selectors.session_end_reason(session_key=old_key)
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not services.totp_enabled(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[OTP_SESSION_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": clock.now().timestamp(),
            "next": self.get_success_url(),
        }
        return redirect("accounts:login_otp")


OTP_SESSION_KEY = "bianzhi_otp_pending"


@login_not_required
def login_otp(request: HttpRequest) -> HttpResponse:
    """The second step: a TOTP code or a recovery code. Wrong codes count
    towards the lockout like wrong passwords and go into the login history."""
    pending = request.session.get(OTP_SESSION_KEY)
    if not pending or clock.now().timestamp() - pending["at"] > OTP_PENDING_SECONDS:
        request.session.pop(OTP_SESSION_KEY, None)
        messages.error(request, "请重新输入用户名和密码。")
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(OTP_SESSION_KEY, None)
        return redirect("accounts:login")
    form = OtpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if services.login_locked_until(username=user.username) is not None:
            request.session.pop(OTP_SESSION_KEY, None)
            login_event_record(request=request, username=user.username, user=user, reason=LoginReason.LOCKED)
            messages.error(request, "登录失败次数过多，账号已锁定。")
            return redirect("accounts:login")
        if services.totp_verify(user=user, code=form.cleaned_data["code"]):
            request.session.pop(OTP_SESSION_KEY, None)
            login_event_record(request=request, username=user.username, user=user, reason=LoginReason.SUCCESS)
            auth_login(request, user, backend=pending["backend"])
            return redirect(pending["next"] or settings.LOGIN_REDIRECT_URL)
        services.login_failure_record(username=user.username)
        locked = services.login_locked_until(username=user.username) is not None
        login_event_record(request=request, username=user.username, user=user,
                           reason=LoginReason.WRONG_OTP, locked_out=locked)
        error = "动态口令不正确。" + ("账号已锁定，请稍后再试。" if locked else "")
    return render(request, "accounts/login_otp.html", {"form": form, "error": error})


def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password (also where a forced change lands)."""
    user = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            update_session_auth_hash(request, user)  # type: ignore[arg-type]
            messages.success(request, "密码已修改。")
            return redirect("web:home")
    forced = must_change_password(user, clock.now())
    return render(request, "accounts/password_change.html", {
        "form": form, "forced": forced, "help": PolicyPasswordValidator().get_help_text(),
    })


def totp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: scan the QR code (drawn here), type a code;
    the recovery codes are shown once."""
    user = request.user
    if services.totp_enabled(user):  # type: ignore[arg-type]
        return render(request, "accounts/totp_setup.html", {"enabled": True})
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrol_confirm(user=user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "accounts/totp_setup.html", {"enabled": True, "codes": codes})
    device = TotpDevice.objects.filter(user_id=int(user.pk or 0), confirmed_at__isnull=True).first()
    if device is None or request.method == "GET":
        device = services.totp_enrol_begin(user=user)  # type: ignore[arg-type]
    uri = totp.provisioning_uri(device.secret, user.get_username())
    return render(request, "accounts/totp_setup.html", {
        "form": form, "qr": mark_safe(totp.qr_svg(uri)), "secret": device.secret,  # noqa: S308 (segno's own SVG)
        "required": services.totp_required(user),  # type: ignore[arg-type]
    })


# --- user administration ---------------------------------------------------------

def _admin_scope(request: HttpRequest) -> Scope:
    scope = scope_of(request)
    if not selectors.is_account_admin(scope=scope):
        raise PermissionDenied("只有系统管理员、安全管理员可以管理用户")
    return scope


def user_list(request: HttpRequest) -> HttpResponse:
    scope = _admin_scope(request)
    query = request.GET.get("q", "").strip()[:50]
    users = selectors.users_manageable(scope=scope)
    if query:
        users = users.filter(Q(username__icontains=query) | Q(first_name__icontains=query))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {
        "page": page, "q": query, "can_create": scope.is_superuser or Role.SYSADMIN in scope.roles,
    })


def _region_and_department(scope: Scope, code: str, department_name: str) -> tuple[Any, Any]:
    region = scope.regions().filter(code=code).first()
    if region is None:
        raise ServiceError("区划代码不存在或不在您的管理范围内")
    department = None
    if department_name:
        department = Department.objects.filter(county=region, name=department_name).first()
        if department is None:
            raise ServiceError(f"{region.name}没有名为“{department_name}”的部门")
    return region, department


def user_create(request: HttpRequest) -> HttpResponse:
    scope = _admin_scope(request)
    actor = request.user
    form = UserForm(request.POST or None)
    admin_roles = [(r, Role(r).label) for r in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = request.POST.get("admin_role", "") if scope.is_superuser else ""
        try:
            region, department = _region_and_department(scope, data["region_code"], data["department"])
            user = services.admin_user_create(
                actor=actor,  # type: ignore[arg-type]
                username=data["username"], full_name=data["full_name"], region=region,
                department=department, password=data["password"],
                roles=[role] if role in dict(admin_roles) else [],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已创建用户 {user.username}，首次登录须修改密码。")
            return redirect("accounts:user_detail", user.pk)
    return render(request, "accounts/user_form.html", {
        "form": form, "admin_roles": admin_roles if scope.is_superuser else [],
    })


def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    """One account: edit, enable/disable, reset password, unlock (系统管理员);
    roles and second factor (安全管理员); its login history."""
    actor = request.user
    if user_id == actor.pk:
        # Everyone may read their own page (state, login history); nobody
        # administers their own account.
        scope = scope_of(request)
        target = actor
        is_sys = is_sec = False
        if request.method == "POST":
            raise PermissionDenied(services.SELF_REFUSED)
    else:
        scope = _admin_scope(request)
        target = selectors.user_get(scope=scope, pk=user_id)
        is_sys = scope.is_superuser or Role.SYSADMIN in scope.roles
        is_sec = scope.is_superuser or Role.SECADMIN in scope.roles
    edit = UserForm(initial={
        "username": target.username, "full_name": target.first_name,
        "region_code": target.region.code if target.region else "",
        "department": target.department.name if target.department else "",
    })
    reset = PasswordResetForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "edit" and is_sys:
                edit = UserForm({**request.POST.dict(), "username": target.username, "password": "-"})
                if edit.is_valid():
                    data = edit.cleaned_data
                    region, department = _region_and_department(scope, data["region_code"], data["department"])
                    services.admin_user_update(actor=actor, user=target, full_name=data["full_name"],  # type: ignore[arg-type]
                                               region=region, department=department)
                    messages.success(request, "已保存。")
                    return redirect("accounts:user_detail", target.pk)
            elif action in ("disable", "enable") and is_sys:
                services.admin_user_active_set(actor=actor, user=target, active=action == "enable",  # type: ignore[arg-type]
                                               reason=request.POST.get("reason", ""))
                messages.success(request, "已启用。" if action == "enable" else "已停用。")
                return redirect("accounts:user_detail", target.pk)
            elif action == "reset_password" and is_sys:
                reset = PasswordResetForm(request.POST)
                if reset.is_valid():
                    services.admin_password_reset(actor=actor, user=target, password=reset.cleaned_data["password"])  # type: ignore[arg-type]
                    messages.success(request, "密码已重置，用户下次登录须修改。")
                    return redirect("accounts:user_detail", target.pk)
            elif action == "unlock" and is_sys:
                done = services.admin_user_unlock(actor=actor, user=target)  # type: ignore[arg-type]
                messages.success(request, "已解除锁定。" if done else "该账号未被锁定。")
                return redirect("accounts:user_detail", target.pk)
            elif action == "roles" and is_sec:
                services.admin_roles_set(actor=actor, user=target, roles=request.POST.getlist("roles"))  # type: ignore[arg-type]
                messages.success(request, "角色已更新。")
                return redirect("accounts:user_detail", target.pk)
            elif action == "reset_totp" and is_sec:
                done = services.admin_totp_reset(actor=actor, user=target)  # type: ignore[arg-type]
                messages.success(request, "动态口令已重置，用户下次登录须重新启用。" if done else "该用户未启用动态口令。")
                return redirect("accounts:user_detail", target.pk)
            else:
                raise PermissionDenied("无权进行该操作")
        except ServiceError as exc:
            messages.error(request, str(exc))
    now = clock.now()
    roles = target.role_set()
    return render(request, "accounts/user_detail.html", {
        "target": target, "edit": edit, "reset": reset, "is_sys": is_sys, "is_sec": is_sec,
        "is_self": target.pk == actor.pk,
        "role_choices": [(r.value, r.label, r.value in roles) for r in Role],
        "locked": selectors.user_locked(user=target, now=now),
        "totp": services.totp_enabled(target),
        "logins": login_event_list(scope=scope, user_id=target.pk)[:50],
        "expired": password_expired(target, now),
    })


def policy_edit(request: HttpRequest) -> HttpResponse:
    """The security policy: the 安全管理员 changes it, the 系统管理员 may read it."""
    scope = _admin_scope(request)
    policy = SecurityPolicy.current()
    can_edit = Role.SECADMIN in scope.roles
    form = PolicyForm(request.POST or None, initial={f: getattr(policy, f) for f in services.POLICY_FIELDS})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有安全管理员可以设置安全策略")
        if form.is_valid():
            try:
                services.security_policy_set(actor=actor_of(request), values=form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "安全策略已保存。")
                return redirect("accounts:policy")
    return render(request, "accounts/policy.html", {"form": form, "can_edit": can_edit})


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
    now = clock.now()
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
        if services.api_token_revoke(token=token, actor=actor_of(request), reason=reason):
            messages.success(request, f"已注销 {token}。")
        else:
            messages.info(request, f"{token} 早已注销。")
        return redirect("accounts:tokens")
    status = token.status_label(clock.now())
    return render(request, "accounts/token_revoke.html", {"token": token, "status": status})


@require_POST
def tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    """Revoke all of the user's own valid tokens."""
    count = services.api_tokens_revoke_all(
        user=request.user,  # type: ignore[arg-type]
        actor=actor_of(request),
        reason="用户注销全部 API 令牌",
    )
    messages.success(request, f"已注销 {count} 个 API 令牌。" if count else "没有有效的 API 令牌。")
    return redirect("accounts:tokens")
