"""Who may do what with members: one function per decision, called by the services.

A branch organiser is scoped to the branches they organise (members.selectors.branch_scope);
a national admin is not. Every refusal is accounts.policies.Refused.
"""

from __future__ import annotations

from datetime import date

from groundswell.accounts.models import Role
from groundswell.accounts.policies import NeedsConfirmation, Refused
from groundswell.accounts.selectors import has_role, is_national_admin

SEARCH_MAX_CHARS = 100
SEARCH_MAX_WORDS = 4


def may_manage_members(user) -> None:
    if not has_role(user, Role.NATIONAL_ADMIN, Role.BRANCH_ORGANISER):
        raise Refused("members.manage", "only organisers and national admins manage members")


def may_see_everyone(user) -> None:
    """Subject access, erasure, cross-branch duplicates: national admins only."""
    if not is_national_admin(user):
        raise Refused("members.national", "only national admins can do this")


def search_terms(query: str) -> list[str]:
    """A member search is a few words: a longer one is refused, not run for a minute. Control
    characters are spaces (a NUL byte made PostgreSQL refuse the query: a 500)."""
    query = "".join(" " if ord(c) < 32 else c for c in query).strip()
    if len(query) > SEARCH_MAX_CHARS:
        raise Refused(
            "members.search_too_long", f"search for at most {SEARCH_MAX_CHARS} characters", status=400
        )
    words = query.split()
    if len(words) > SEARCH_MAX_WORDS:
        raise Refused("members.search_too_long", f"search for at most {SEARCH_MAX_WORDS} words", status=400)
    return words


def scoped_import_row(
    *,
    number: str,
    joined_on: date,
    existing: tuple[int, date] | None,
    allowed_branch_ids: frozenset[int],
    today: date,
) -> tuple[str, str] | None:
    """What a branch organiser's import may do with one row: (column, problem) or None.

    - A membership number held in a branch they do not organise is refused, saying nothing
      about whose it is: it cannot be moved, re-addressed or lapsed from here.
    - A new membership joins today: membership history (which decides who may vote in a
      ballot needing a year's membership) comes only from the national membership list,
      so an organiser cannot invent members who have "been members since 2010". An
      existing membership's joining date cannot be moved earlier either.
    """
    if existing is not None:
        branch_id, was_joined = existing
        if branch_id not in allowed_branch_ids:
            return "membership_number", f"membership number {number} cannot be used in your import"
        if joined_on < was_joined:
            return (
                "joined_on",
                f"an organiser cannot move a joining date earlier (it is {was_joined.isoformat()})",
            )
        return None
    if joined_on != today:
        return (
            "joined_on",
            f"new members added by an organiser join today ({today.isoformat()}); "
            "earlier joining dates come from the national membership list",
        )
    return None


def may_erase(person, *, confirm: bool) -> None:
    """Erasure cannot be undone: only with `confirm`, after seeing what every app holds."""
    if confirm:
        return
    from groundswell.members.personal_data import account_of, held_counts

    held = held_counts(person)
    name = f"{person.first_name} {person.last_name}".strip() or f"person {person.pk}"
    raise NeedsConfirmation(
        "members.erase",
        f"erasing {name} removes their name, contact details and consents and "
        f"{sum(held.values()):,} records held about them across the apps; it cannot be undone. "
        "Confirm to erase.",
        consequences={"name": name, "held": held, "account": account_of(person) is not None},
    )
