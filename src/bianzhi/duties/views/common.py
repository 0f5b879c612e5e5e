"""What the duties pages share: the reader's scope and how a refusal becomes
messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from bianzhi.adapters.problems import InputError
from bianzhi.duties.services.access import DutyAccessBlocked


def _scope(request: HttpRequest) -> Any:
    return request.scope  # type: ignore[attr-defined]


def _error(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, InputError):
        for problem in exc.problems:
            messages.error(request, str(problem))
    elif isinstance(exc, DutyAccessBlocked):
        messages.error(request, "提交被阻止：")
        for reason in exc.reasons:
            messages.error(request, reason)
    elif isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc))
