"""Who is asking: the client's address, as throttles need it."""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str | None:
    """The client's IP address. Behind the load balancer (BEHIND_TLS_PROXY) REMOTE_ADDR is
    the balancer's, so the address is the last one in X-Forwarded-For: the one our own proxy
    appended (those before it are whatever the client chose to send)."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "BEHIND_PROXY", False) and forwarded.strip():
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR")
