"""What every app holds about a person, registered in one place for subject access and erasure.

Each app registers a *holding*: the models it covers, a function that returns what it holds
about a person (for the subject access download) and one that erases it. `person_subject_access`
and `person_erase` (members.services) run every holding, so an app cannot be forgotten, and
tests/test_personal_data.py walks every installed model that holds a person, a user or an
email and fails if no holding covers it.

To register (in the app's AppConfig.ready, as groundswell.events.personal_data does):

    from groundswell.members.personal_data import register
    register("ballots", models=["ballots.Elector"], access=lambda person: [...], erase=lambda person: None)

A person's account, if any, is `account_of(person)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True)
class Holding:
    name: str
    models: tuple[str, ...]
    access: Callable[[object], object]
    erase: Callable[[object], None]


_HOLDINGS: dict[str, Holding] = {}


def register(
    name: str,
    *,
    models: Iterable[str],
    access: Callable[[object], object],
    erase: Callable[[object], None],
) -> None:
    """Registers (or replaces) what app `name` holds about a person."""
    _HOLDINGS[name] = Holding(name, tuple(models), access, erase)


def holdings() -> list[Holding]:
    return [_HOLDINGS[k] for k in sorted(_HOLDINGS)]


def held_counts(person) -> dict[str, int]:
    """How many records each app holds about a person ("motions.comments": 2, ...), read from
    the same holdings as subject access, for the erasure confirm step. Only what is held."""
    counts: dict[str, int] = {"memberships": person.memberships.count()}
    for holding in holdings():
        data = holding.access(person)
        items = data.items() if isinstance(data, dict) else [("records", data)]
        for key, value in items:
            if isinstance(value, bool) or value is None:
                n = int(bool(value))
            elif isinstance(value, int):
                n = value
            elif isinstance(value, list | tuple | dict | set):
                n = len(value)
            else:
                n = 1
            if n:
                counts[f"{holding.name}.{key}"] = n
    return counts


def covered_models() -> set[str]:
    return {label for h in _HOLDINGS.values() for label in h.models}


def account_of(person):
    return getattr(person, "account", None)


def iso(value) -> str | None:
    return value.isoformat() if value else None


def null_user(model: type[Model], field: str, user) -> int:
    """Cuts a record's link to an account (a pseudonymous reference is still a reference)."""
    if user is None:
        return 0
    return model.objects.filter(**{field: user}).update(**{field: None})


def register_members_and_accounts() -> None:
    """The person record itself, their memberships and duplicates (members.services.person_erase
    blanks the person and the account), and what accounts hold: roles, audit identity, the
    Django admin's log of their own edits."""
    from django.contrib.admin.models import LogEntry

    from groundswell.accounts.models import AuditEvent, RoleAssignment
    from groundswell.members.models import DuplicateCandidate, ImportJob

    def access(person) -> dict:
        account = account_of(person)
        if account is None:
            return {}
        return {
            "audit_entries_as_actor": AuditEvent.objects.filter(actor=account).count(),
            "imports_uploaded": list(
                ImportJob.objects.filter(uploaded_by=account).values_list("filename", flat=True)
            ),
        }

    def erase(person) -> None:
        account = account_of(person)
        DuplicateCandidate.objects.filter(person=person).delete()
        DuplicateCandidate.objects.filter(other=person).delete()
        if account is not None:
            RoleAssignment.objects.filter(user=account).delete()
            LogEntry.objects.filter(user=account).delete()
            null_user(ImportJob, "uploaded_by", account)
            # audit identity: members.services.person_erase calls accounts.services.audit_pseudonymise

    register(
        "accounts",
        models=[
            "members.Person",
            "members.Membership",
            "members.DuplicateCandidate",
            "members.ImportJob",
            "accounts.User",
            "accounts.RoleAssignment",
            "accounts.AuditEvent",
            "admin.LogEntry",
        ],
        access=access,
        erase=erase,
    )
