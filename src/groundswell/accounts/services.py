"""Writes for accounts: users, roles, login throttling and the audit trail."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from groundswell.accounts.models import AuditEvent, LoginThrottle, Role, RoleAssignment, User
from groundswell.core.audit import GENESIS, actor_commitment, entry_hash


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
    salt = secrets.token_hex(16)
    event = AuditEvent(
        actor=actor,
        actor_label=label,
        actor_salt=salt,
        actor_commit=actor_commitment(salt, label),
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


def audit_pseudonymise(*, user, label: str) -> int:
    """Erasure: entries by this account (or under this label) keep their place in the chain
    but no longer say who: the label and its salt are cleared; the commitment the chain covers
    stays, so `audit verify` still passes. (Entries written before commitments existed cover
    the label itself and are left as they are.)"""
    qs = AuditEvent.objects.exclude(actor_commit="")
    by_label = qs.filter(actor_label=label) if label else qs.none()
    ids = set(by_label.values_list("pk", flat=True))
    if user is not None:
        ids |= set(qs.filter(actor=user).values_list("pk", flat=True))
    return AuditEvent.objects.filter(pk__in=ids).update(actor_label="(erased)", actor_salt="")


AUDIT_LOCK = 0x61756474  # "audt": the advisory lock key of the audit chain


# -- login throttling ---------------------------------------------------------------------
#
# Failures are counted per (account, client address) pair, and per client address. The pair
# is locked after LOGIN_MAX_FAILURES: someone guessing from one place stops there, and nobody
# can lock the returning officer out from elsewhere on the night (their own address still
# signs in). The address is bounded too (four times the limit, across every account), so a
# password sprayer on one address is stopped. An attempt is counted *before* its password is
# checked, by one conditional UPDATE per key, so simultaneous tries cannot all slip under
# the limit: the 6th of 25 parallel tries is refused without its password being looked at.


def _pair_key(email: str, address: str | None) -> str:
    return f"pair:{email.strip().lower()}|{address or '-'}"


def _throttle_limits(email: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(_pair_key(email, address), settings.LOGIN_MAX_FAILURES)]
    if address:
        keys.append((f"addr:{address}", settings.LOGIN_MAX_FAILURES * 4))
    return keys


def login_locked_until(*, email: str, address: str | None):
    """When the lock-out on this account from this address (or on the address) ends, or None."""
    now = timezone.now()
    keys = [k for k, _ in _throttle_limits(email, address)]
    return (
        LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )


class SignInLocked(Exception):
    def __init__(self, until) -> None:
        self.until = until
        super().__init__(f"locked until {until}")


def login_attempt_begin(*, email: str, address: str | None) -> None:
    """Counts one sign-in attempt before its password is checked; raises SignInLocked when the
    pair or the address is at its limit (then nothing is counted and no password is checked).
    Each key is one conditional UPDATE, atomic on SQLite and PostgreSQL alike."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    lockout = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    refused_key = None
    with transaction.atomic():
        for key, limit in _throttle_limits(email, address):
            LoginThrottle.objects.bulk_create(
                [LoginThrottle(key=key, window_started_at=now)], ignore_conflicts=True
            )
            LoginThrottle.objects.filter(key=key, window_started_at__lt=stale).exclude(
                locked_until__gt=now
            ).update(failures=0, window_started_at=now, locked_until=None)
            counted = (
                LoginThrottle.objects.filter(key=key, failures__lt=limit)
                .exclude(locked_until__gt=now)
                .update(failures=F("failures") + 1)
            )
            if not counted:
                refused_key = key
                transaction.set_rollback(True)  # the other key's count is undone with it
                break
    if refused_key is not None:
        until = LoginThrottle.objects.filter(key=refused_key).values_list("locked_until", flat=True).first()
        raise SignInLocked(until if until and until > now else now + lockout)


def login_failure_record(*, email: str, address: str | None) -> None:
    """The attempt (already counted) failed: a key that reached its limit is locked."""
    now = timezone.now()
    for key, limit in _throttle_limits(email, address):
        LoginThrottle.objects.filter(key=key, failures__gte=limit, locked_until__isnull=True).update(
            locked_until=now + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
        )


def login_success_record(*, email: str, address: str | None = None) -> None:
    """The attempt succeeded: the pair starts again, and it does not count against the address."""
    LoginThrottle.objects.filter(key=_pair_key(email, address)).update(failures=0, locked_until=None)
    if address:
        LoginThrottle.objects.filter(key=f"addr:{address}", failures__gt=0).update(failures=F("failures") - 1)


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
