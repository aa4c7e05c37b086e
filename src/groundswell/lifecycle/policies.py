"""Who may do what with the payments ledger: one function per action, called by services."""

from __future__ import annotations

from groundswell.accounts.policies import Refused
from groundswell.members import selectors as members


def may_import_payments(user) -> None:
    """National admins and branch organisers (their matches stay inside their branches);
    `user` None is the command line, run by whoever holds the server."""
    if user is not None and not members.can_manage_members(user):
        raise Refused("lifecycle.import", "only officers can import payments", status=403)


def may_view_ledger(user) -> None:
    if not members.can_manage_members(user):
        raise Refused("lifecycle.view", "only officers can see the payments ledger", status=403)


def may_match(user, *, payment, membership) -> None:
    """A branch organiser matches only payments from files imported within their scope, and
    only to memberships of their branches; anything else is not theirs to know of (404)."""
    may_view_ledger(user)
    scope = members.branch_scope(user)
    if scope is None:
        return
    file_scope = payment.source.scope
    if file_scope is None or not set(file_scope) <= set(scope) or membership.branch_id not in scope:
        raise Refused("lifecycle.match", "no such payment or membership", status=404)


def may_publish_rules(user, ballot) -> None:
    """A ballot's eligibility rules are its runners' (returning officers, national admins);
    `user` None is the command line. A vote inside the app (a motion's) has no rules to publish."""
    from groundswell.ballots.policies import can_run_ballots

    if ballot.in_app:
        raise Refused(
            "lifecycle.rules",
            "a motion's vote takes its branch's members: it has no rules to publish",
            status=409,
        )
    if user is not None and not can_run_ballots(user):
        raise Refused(
            "lifecycle.rules",
            "only a returning officer or a national admin publishes a ballot's rules",
            status=403,
        )


def may_manage_windows(user) -> None:
    """Supporter windows are national: national admins (and the command line)."""
    from groundswell.accounts.models import Role
    from groundswell.accounts.selectors import has_role

    if user is not None and not has_role(user, Role.NATIONAL_ADMIN):
        raise Refused("lifecycle.window", "only a national admin opens a supporter window", status=403)


def may_see_standing(user, membership) -> None:
    """A membership's standing is its branch's organisers' and national admins' to see."""
    may_view_ledger(user)
    scope = members.branch_scope(user)
    if scope is not None and membership.branch_id not in scope:
        raise Refused("lifecycle.view", "no such membership", status=404)
