"""The inbox pages: the list of one's messages and "read" (which follows the
message's link)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from bianzhi.inbox import selectors, services


def inbox(request: HttpRequest) -> HttpResponse:
    items = selectors.inbox(user=request.user)[:200]
    return render(request, "inbox/inbox.html", {"items": items})


def inbox_read(request: HttpRequest, notification_id: int) -> HttpResponseBase:
    # Looked up first, so another user's message is 404 even on a GET.
    item = selectors.notification_get(user=request.user, notification_id=notification_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.notification_mark_read(user=request.user, notification=item)
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts=None):
        return redirect(item.url)
    return redirect("inbox:list")
