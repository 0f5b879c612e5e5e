"""Who is on the other end of a request: the client address and user agent,
for the login history and the anonymous rate limit.

``X-Forwarded-For`` can be typed by anyone, so it is read only when the
deployment says how many reverse proxies (nginx, …) stand in front of the app
servers (``BIANZHI_TRUSTED_PROXIES``, default 0): each proxy appends the
address it saw, so the client is the entry that many places from the end.
Without proxies the address is the socket's peer, ``REMOTE_ADDR``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, or None if it cannot be told."""
    proxies: int = getattr(settings, "BIANZHI_TRUSTED_PROXIES", 0)
    if proxies > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return _valid(hops[-proxies])
        # Fewer hops than proxies: the request bypassed them; use the peer.
    return _valid(request.META.get("REMOTE_ADDR", ""))


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:255]
