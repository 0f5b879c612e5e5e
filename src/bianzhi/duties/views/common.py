"""What the duties pages share: how a refusal becomes messages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from bianzhi.adapters.problems import InputError
from bianzhi.duties.services.access import DutyAccessBlocked
from bianzhi.kernel.errors import ServiceError, show_error


def _error(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, InputError):
        for problem in exc.problems:
            messages.error(request, str(problem))
    elif isinstance(exc, DutyAccessBlocked):
        messages.error(request, "提交被阻止：")
        for reason in exc.reasons:
            messages.error(request, reason)
    elif isinstance(exc, ServiceError):
        show_error(request, exc)
    else:
        messages.error(request, str(exc))
