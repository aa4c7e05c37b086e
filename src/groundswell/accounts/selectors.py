"""Reads for accounts: which roles a user holds and which branches they may see."""

from __future__ import annotations

from django.db.models import QuerySet

from groundswell.accounts.models import AuditEvent, Role, RoleAssignment
from groundswell.core.audit import Broken, actor_commitment, first_break


def user_roles(user) -> frozenset[str]:
    """The roles a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_groundswell_roles", None)
    if cached is None:
        rows = list(RoleAssignment.objects.filter(user=user).values_list("role", "branch_id"))
        cached = (frozenset(r for r, _ in rows), frozenset(b for r, b in rows if b))
        user._groundswell_roles = cached
    return cached[0]


def organised_branch_ids(user) -> frozenset[int]:
    """Branches this user organises (empty for everyone else, national admins included)."""
    user_roles(user)
    return getattr(user, "_groundswell_roles", (frozenset(), frozenset()))[1]


def has_role(user, *roles: str) -> bool:
    held = user_roles(user)
    return any(Role(r) in held for r in roles)


def is_national_admin(user) -> bool:
    return has_role(user, Role.NATIONAL_ADMIN)


def audit_events(*, action_prefix: str = "") -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor")
    if action_prefix:
        qs = qs.filter(action__startswith=action_prefix)
    return qs


def audit_verify(*, chunk: int = 5000) -> tuple[int, Broken | None]:
    """Checks the whole chain in order; returns (entries checked, first break or None)."""

    def entries():
        last_id = 0
        while True:
            rows = list(AuditEvent.objects.filter(pk__gt=last_id).order_by("pk")[:chunk])
            if not rows:
                return
            for e in rows:
                fields = e.chained_fields()
                if e.actor_salt and actor_commitment(e.actor_salt, e.actor_label) != e.actor_commit:
                    fields = {**fields, "actor": "(label does not match its commitment)"}  # fails the hash
                yield e.pk, e.prev_hash, e.hash, fields
            last_id = rows[-1].pk

    return first_break(entries())
