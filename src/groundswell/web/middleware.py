"""Middleware of our own: security headers Django 5.2 does not set, the upload limit, a
clear page when the database is in trouble, and a structured log line per request."""

import logging
import time

from django.conf import settings
from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger("groundswell")
request_log = logging.getLogger("groundswell.request")


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy: scripts and styles only from our own origin, so an
    injected `<script>` in a member's name cannot run."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), payment=()")
        return response


def _page(title: str, message: str, status: int) -> HttpResponse:
    """An error page that needs nothing from the database (no user, no roles): rendered
    without the request, so it works when the database does not."""
    return HttpResponse(render_to_string("error.html", {"title": title, "message": message}), status=status)


class UploadLimitMiddleware:
    """Refuses an upload bigger than MAX_UPLOAD_BYTES from its Content-Length, before a byte
    of it is read (and spooled to disk), with 413 and a message that says the limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.MAX_UPLOAD_BYTES
        if length.isdigit() and int(length) > limit + 1024 * 1024:  # a little room for the form
            message = f"The upload is larger than the limit of {limit // (1024 * 1024):,} MB."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return _page("Too large", message, 413)
        return self.get_response(request)


class RefusalMiddleware:
    """A policy's refusal (accounts.policies.Refused) raised anywhere under a page becomes
    that page's answer: the status it carries and its sentence (the one mapping for pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from groundswell.accounts.policies import Refused

        if not isinstance(exception, Refused):
            return None
        text = exception.message[:1].upper() + exception.message[1:]
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": exception.message, "code": exception.code}, status=exception.status
            )
        return _page(
            "Not allowed" if exception.status in (401, 403) else "Cannot do that", text, exception.status
        )


class DatabaseTroubleMiddleware:
    """A database that refuses writes (read-only, full disk) or cannot be reached gives a
    clear 503 page — "nothing was saved, try again" — never a traceback. Integrity errors
    are not caught here: the services turn those into their own messages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError | InternalError):
            return None
        log.error(
            "database trouble",
            extra={"path": request.path, "method": request.method, "error": str(exception)[:300]},
        )
        text = str(exception).lower()
        if "read-only" in text or "readonly" in text:
            reason = "The database is read-only at the moment"
        elif "full" in text or "no space" in text:
            reason = "The database's disk is full"
        else:
            reason = "The database cannot be reached at the moment"
        message = f"{reason}, so nothing was saved. Please try again in a few minutes."
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = _page("Try again shortly", message, 503)
        response["Retry-After"] = "60"
        return response


class RequestLogMiddleware:
    """One structured log line per request: method, path, status, milliseconds, user id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - start) * 1000, 1),
                "user": getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None,
            },
        )
        return response
