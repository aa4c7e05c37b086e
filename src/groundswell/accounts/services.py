"""Writes for accounts: users, roles, login throttling and the audit trail."""

from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from groundswell.accounts.models import AuditEvent, LoginThrottle, Role, RoleAssignment, User
from groundswell.core.audit import GENESIS, entry_hash


@transaction.atomic
def user_create(*, email: str, password: str | None, display_name: str = "", person=None) -> User:
    return User.objects.create_user(email=email, password=password, display_name=display_name, person=person)


@transaction.atomic
def role_grant(*, user: User, role: str, branch=None, actor: User | None = None) -> RoleAssignment:
    """Gives `user` a role (branch organisers: for `branch`). Idempotent."""
    role = Role(role)
    if (role == Role.BRANCH_ORGANISER) != (branch is not None):
        raise ValueError("a branch organiser role needs a branch, and only that role has one")
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, branch=branch)
    if role == Role.NATIONAL_ADMIN and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True  # the Django admin is theirs
        user.save(update_fields=["is_staff", "is_superuser"])
    if created:
        audit_record(
            actor=actor,
            action="role.grant",
            target=f"user:{user.pk}",
            detail={"role": role.value, "branch": branch.pk if branch else None},
        )
    return assignment


@transaction.atomic
def role_revoke(*, user: User, role: str, branch=None, actor: User | None = None) -> None:
    deleted, _ = RoleAssignment.objects.filter(user=user, role=role, branch=branch).delete()
    if role == Role.NATIONAL_ADMIN:
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    if deleted:
        audit_record(
            actor=actor,
            action="role.revoke",
            target=f"user:{user.pk}",
            detail={"role": role, "branch": branch.pk if branch else None},
        )


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: str = "",
    rows: int | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Appends to the audit trail, chained to the entry before. Call it inside the
    transaction of the action it records: the entry commits (or not) with the action."""
    label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.email
    else:
        actor = None
    event = AuditEvent(
        actor=actor,
        actor_label=label,
        action=action,
        target=target,
        rows=rows,
        detail=json.loads(json.dumps(detail or {}, default=str)),  # as it will read back
        at=timezone.now(),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # one writer at a time extends the chain, across every app server
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last or GENESIS
        event.hash = entry_hash(event.prev_hash, event.chained_fields())
        event.save(force_insert=True)
    return event


AUDIT_LOCK = 0x61756474  # "audt": the advisory lock key of the audit chain


# -- login throttling ---------------------------------------------------------------------


def _throttle_keys(email: str, address: str | None) -> list[str]:
    keys = [f"email:{email.strip().lower()}"]
    if address:
        keys.append(f"addr:{address}")
    return keys


def login_locked_until(*, email: str, address: str | None):
    """When the lock-out on this email or client address ends, or None if not locked."""
    now = timezone.now()
    until = (
        LoginThrottle.objects.filter(key__in=_throttle_keys(email, address), locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    return until


@transaction.atomic
def login_failure_record(*, email: str, address: str | None) -> None:
    """Counts a failed sign-in; locks the key out once the failures reach the limit.

    A client address gets four times the allowance of one account, so a shared office
    address is not locked out by one person's typos, but a password sprayer still is.
    """
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    for key in _throttle_keys(email, address):
        limit = settings.LOGIN_MAX_FAILURES * (4 if key.startswith("addr:") else 1)
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(key=key)
        if now - row.window_started_at > window:
            row.failures = 0
            row.window_started_at = now
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
        row.save()


def login_success_record(*, email: str) -> None:
    LoginThrottle.objects.filter(key=f"email:{email.strip().lower()}").update(failures=0, locked_until=None)


@transaction.atomic
def throttle_allow(*, key: str, limit: int, window_seconds: int) -> bool:
    """Counts one use of `key` (say, public replies from one address); False once `limit`
    uses fall within the window. Kept in the database, like the sign-in lock-out, so the
    limit holds across every app server."""
    now = timezone.now()
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(key=key)
    if now - row.window_started_at > timedelta(seconds=window_seconds):
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    row.save(update_fields=["failures", "window_started_at"])
    return row.failures <= limit
