"""People who sign in, the roles they hold, login throttling and the audit trail."""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    CANVASSER = "canvasser", "Canvasser"
    BRANCH_ORGANISER = "branch_organiser", "Branch organiser"
    RETURNING_OFFICER = "returning_officer", "Returning officer"
    NATIONAL_ADMIN = "national_admin", "National admin"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An account needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. Signs in with an email address; may be linked to a member record."""

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=150, blank=True)
    person = models.OneToOneField(
        "members.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
        help_text="The member record this account belongs to, if any.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email


class RoleAssignment(models.Model):
    """One role held by one user; branch organisers hold one row per branch they run."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    branch = models.ForeignKey(
        "members.Branch", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "branch"], name="unique_role_per_branch"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(branch__isnull=True),
                name="unique_role_without_branch",
            ),
            models.CheckConstraint(
                condition=Q(role="branch_organiser", branch__isnull=False)
                | (~Q(role="branch_organiser") & Q(branch__isnull=True)),
                name="organisers_have_a_branch_others_none",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}" + (f" ({self.branch})" if self.branch else "")


class LoginThrottle(models.Model):
    """Failed sign-ins counted per key (an email address, or a client address).

    Kept in the database rather than a process cache so that a lock-out holds across every
    app server behind the load balancer.
    """

    key = models.CharField(max_length=300, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures} failures"


class AuditEvent(models.Model):
    """An append-only record of a sensitive action: who, what, when, how many rows.

    Each entry carries the hash of the one before and its own (see core/audit), and the
    database refuses to change the hashed columns (triggers in migration 0003), so a
    change made around the application shows up in `groundswell audit verify`.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True, help_text="kept if the account goes")
    actor_salt = models.CharField(max_length=32, blank=True, help_text="cleared when the actor is erased")
    actor_commit = models.CharField(
        max_length=64, blank=True, help_text="salted hash of the label: what the chain covers of the actor"
    )
    action = models.CharField(max_length=64, db_index=True)
    target = models.CharField(max_length=300, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target}"

    def chained_fields(self) -> dict:
        """What the hash covers (not the actor's key, which is cleared if the account goes).
        Entries since the commitment was introduced cover the actor's commitment, so their
        label can be pseudonymised on erasure; older entries cover the label itself."""
        return {
            "at": self.at.astimezone(UTC).isoformat(),
            "actor": f"commit:{self.actor_commit}" if self.actor_commit else self.actor_label,
            "action": self.action,
            "target": self.target,
            "rows": self.rows,
            "detail": self.detail,
        }
