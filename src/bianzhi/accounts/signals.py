"""Every login (form, second factor, admin, tests' force_login) registers its
session, which ends older sessions beyond the policy's limit."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bianzhi.accounts.services import session_started
from bianzhi.kernel.clientinfo import client_address


def session_register(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if request is None or session is None:
        return
    if session.session_key is None:
        session.save()
    session_started(
        user=user, session_key=str(session.session_key), client_address=client_address(request)
    )
