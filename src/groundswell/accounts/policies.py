"""Who may do what, for accounts, and the one refusal every app's policies raise.

Every app keeps its decisions in its own `policies.py` (one function per action, called by
the services, so pages, API, CLI and tasks cannot skip them). A policy that says no raises
`Refused`, which carries a stable `code` and the HTTP `status` to answer with; the API maps
it once (groundswell.api) and pages map it once (web.middleware.RefusalMiddleware), so no
caller chooses a status by reading the message.

    from groundswell.accounts.policies import Refused
    raise Refused("ballot.close_early", "this ballot was advertised to close at 23:00", status=409)
"""

from __future__ import annotations

from groundswell.accounts.selectors import has_role, is_national_admin


class Refused(Exception):
    """A rule said no. `message` is a sentence for the person refused (it must not reveal
    anything they may not see); `code` is stable for programs; `status` the HTTP answer:
    403 not allowed, 404 not yours to know about, 409 not in this state, 400/422 bad input,
    428 needs an explicit confirmation, 429 too often."""

    status: int = 403
    code: str = "refused"

    def __init__(self, code: str | None = None, message: str = "", *, status: int | None = None) -> None:
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.message = message or "this is not allowed"
        super().__init__(self.message)


class NeedsConfirmation(Refused):
    """An irreversible action asked for without `confirm`: the message says what will happen,
    `consequences` the same as data (counts, names, times) for a confirm page or an API client."""

    status = 428
    code = "confirm"

    def __init__(
        self,
        code: str | None = None,
        message: str = "",
        *,
        consequences: dict | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(code, message, status=status)
        self.consequences = consequences or {}


class RuleError(Refused):
    """Base of each app's own error (EventError, MotionError, ...): raised with the sentence
    first, as those apps always have; a bad request (400) unless the raiser says otherwise."""

    status = 400

    def __init__(self, message: str = "", *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(code, message, status=status)


def may_change_roles(user) -> None:
    """Only national admins give or take roles (staff and superuser follow the national admin role)."""
    if not is_national_admin(user):
        raise Refused("accounts.roles", "only national admins can change roles")


def may_act_as(user, *roles: str) -> None:
    if not has_role(user, *roles):
        raise Refused("accounts.role", "your role does not allow this")
