"""API authentication with role checks that run before any input is parsed.

A wrong role must get 403 whatever it sends, not a 422 that tells it how to shape the
request; so the role check sits in the authentication step, which django-ninja runs first.
"""

from __future__ import annotations

from ninja.errors import HttpError
from ninja.security import SessionAuth

from groundswell.accounts.selectors import has_role


class RoleSessionAuth(SessionAuth):
    """The Django session (CSRF-checked on writes), restricted to users holding a role."""

    def __init__(self, *roles: str) -> None:
        super().__init__(csrf=True)
        self.roles = roles

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        if self.roles and not has_role(user, *self.roles):
            raise HttpError(403, "Your role does not allow this.")
        return user


def roles(*names: str) -> RoleSessionAuth:
    return RoleSessionAuth(*names)


def csrf_if_signed_in(request) -> None:
    """An endpoint open to anyone (auth=None) still acts as the signed-in user when the
    session cookie comes with the request, so it needs the CSRF check a cookie needs:
    otherwise any web page could make a member's browser write in their name."""
    from ninja.utils import check_csrf

    if getattr(request.user, "is_authenticated", False) and check_csrf(request) is not None:
        raise HttpError(403, "CSRF check failed: send the X-CSRFToken header")
