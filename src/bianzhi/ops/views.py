"""`/healthz` (no login, for load balancers) and the administrators' backup page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from bianzhi.accounts.scope import actor_of, scope_of
from bianzhi.ops import selectors, services
from bianzhi.ops.health import run_checks


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Only the names of the checks and ok/fail: no paths, versions, hosts
    or error texts (those are in `bianzhi check` on the server)."""
    checks = run_checks()
    healthy = all(c.ok for c in checks if c.critical)
    body = {
        "status": "ok" if all(c.ok for c in checks) else ("degraded" if healthy else "fail"),
        "checks": {c.name: "ok" if c.ok else "fail" for c in checks},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def backup_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        job = services.backup_request(actor=actor_of(request))
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "ops/backups.html", {
        "backups": selectors.backup_list(scope=scope)[:100],
        "checks": run_checks(),
        "settings": selectors.backup_settings(),
    })
