"""Role checks for views and API endpoints: a wrong role is refused with 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from groundswell.accounts.selectors import has_role


def role_required(*roles: str) -> Callable:
    """View decorator: anonymous users go to sign-in, signed-in users without a role get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles and not has_role(request.user, *roles):
                raise PermissionDenied("Your role does not allow this page.")
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles  # read by the authorisation matrix test
        return wrapped

    return decorator
