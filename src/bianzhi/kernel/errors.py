"""Refused service calls: one exception, one way to show it.

A service that refuses a write raises ``ServiceError`` (or its app's
subclass: ``RosterError``, ``DutyError`` …) with a Chinese message meant for
the user as it stands. Two other refusals keep Django's own exceptions,
because Django already answers them: ``PermissionDenied`` (no right, 403)
and ``Http404`` (outside the scope, so its existence does not leak).

``ServiceError`` is a ``ValidationError`` and a ``ValueError`` at once: the
services used to raise either, and callers that still catch one of them
(``except ValidationError`` in a view, ``except ValueError`` in a job
runner) keep catching it while they move to ``ServiceError``.

Shown in one place each: ``show_error`` / ``service_errors`` in views
(messages, or the form's non-field errors), the ``bianzhi`` click group in
the command line (``click.ClickException``, exit code 1).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

DOCUMENT_NUMBER_REQUIRED = "请填写文号（如 大委编发〔2021〕12号）。"


class ServiceError(ValidationError, ValueError):
    """A write refused for a reason the user can act on; `messages` are Chinese.

    One message, or several (an import listing every problem at once)."""

    def __init__(self, message: str | Sequence[str]) -> None:
        super().__init__(message if isinstance(message, str) else [str(m) for m in message])

    def __str__(self) -> str:
        # ValidationError prints the repr of its list ("['…']"); the
        # command line and str(error) in a view want the sentence itself.
        return "；".join(self.messages)


def require_document_number(value: str | None, error: type[ServiceError] = ServiceError) -> str:
    """`value` stripped, or `error` (the caller's own ServiceError subclass,
    so its callers' ``except`` still catches it) when it is blank: a change
    that needs a 文号 is never recorded without one."""
    text = (value or "").strip()
    if not text:
        raise error(DOCUMENT_NUMBER_REQUIRED)
    return text


def show_error(request: HttpRequest, error: ServiceError, *, form: Any = None) -> None:
    """Show a refusal to the user: as the form's non-field errors when the
    page re-renders `form`, else as messages for the page redirected to."""
    for message in error.messages:
        if form is not None:
            form.add_error(None, message)
        else:
            messages.error(request, message)


@dataclass
class Outcome:
    """What ``service_errors`` caught: `error` is None when the block ran through."""

    error: ServiceError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@contextmanager
def service_errors(request: HttpRequest, *, form: Any = None) -> Iterator[Outcome]:
    """Run the service calls of a view; a ``ServiceError`` is shown
    (``show_error``) and swallowed, so the view goes on to answer::

        with service_errors(request, form=form) as outcome:
            plan = services.plan_create(...)
        if outcome.ok:
            return redirect(...)
        return render(...)  # the form with the refusal on it
    """
    outcome = Outcome()
    try:
        yield outcome
    except ServiceError as error:
        outcome.error = error
        show_error(request, error, form=form)
