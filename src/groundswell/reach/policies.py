"""Who may do what with phone banks: one function per action, called by the services."""

from __future__ import annotations

from datetime import datetime

from groundswell.accounts.policies import Refused
from groundswell.accounts.selectors import has_role, is_national_admin, organised_branch_ids
from groundswell.core.reach.recall import CallingHours


def may_organise(user, branch_id: int) -> None:
    """A phone bank over a branch's electors is built and watched by that branch's
    organisers (or a national admin) only: an organiser of A never reaches B."""
    if is_national_admin(user):
        return
    if not has_role(user, "branch_organiser") or branch_id not in organised_branch_ids(user):
        raise Refused("reach.not_your_branch", "you do not organise that branch", status=403)


def may_import_tps(user) -> None:
    if not is_national_admin(user):
        raise Refused("reach.tps", "only national admins import the TPS list", status=403)


def may_see_bank(user, bank) -> None:
    """The organiser's page: 404 (not 403) outside their branches, so it says nothing."""
    try:
        may_organise(user, bank.branch_id)
    except Refused:
        raise Refused("reach.no_bank", "no such phone bank", status=404) from None


def may_join(user, bank) -> None:
    if not getattr(user, "is_authenticated", False):
        raise Refused("reach.sign_in", "sign in to join a phone bank", status=403)
    if bank.closed_at is not None:
        raise Refused("reach.closed", "this phone bank has closed", status=409)


def may_call(user, bank, *, joined: bool) -> None:
    if not joined:
        raise Refused("reach.not_joined", "join this phone bank first", status=404)
    if bank.closed_at is not None:
        raise Refused("reach.closed", "this phone bank has closed", status=409)


def within_calling_hours(hours: CallingHours, local_now: datetime) -> None:
    if not hours.is_open(local_now):
        raise Refused(
            "reach.calling_hours",
            f"calls may be made between {hours.opens:%H:%M} and {hours.closes:%H:%M}",
            status=409,
        )


def holds(target, user, now: datetime) -> None:
    """A caller sees and records only the household assigned to them, while it is."""
    if (
        target is None
        or target.assigned_to_id != user.pk
        or target.lease_until is None
        or target.lease_until <= now
    ):
        raise Refused("reach.not_yours", "that household is not assigned to you", status=404)


def may_reverse_do_not_call(user, number: str, own_number: str | None, recorded_by_id: int | None) -> None:
    """Only the person takes back their own objection, and only one they made themselves
    (signed in, on /me/calls/). The phone on a member record is no proof of whose number it
    is: an organiser's import writes it (their own record's too), so a matching number alone
    would let anyone who can edit records lift a stranger's objection. An objection taken by
    a caller or a canvasser stays: honouring it is always lawful, lifting it on weak proof
    is not."""
    if own_number is None or own_number != number:
        raise Refused(
            "reach.not_your_number", "only the person whose number it is can reverse do not call", status=403
        )
    if recorded_by_id is None or recorded_by_id != user.pk:
        raise Refused(
            "reach.not_your_objection",
            "this objection was taken by a caller or canvasser, not made here by you: it stays",
            status=403,
        )


def consent_evidence(evidence: str) -> str:
    evidence = (evidence or "").strip()
    if len(evidence) < 5:
        raise Refused("reach.evidence", "say how and when the person consented (the evidence)", status=422)
    return evidence


def ballot_for_list(ballot, branch_id: int) -> None:
    """A get-out-the-vote list is over an open ballot whose electorate includes the branch
    (a ballot of that branch, or of the whole party)."""
    from groundswell.ballots.models import Ballot

    if ballot is None:
        raise Refused("reach.ballot", "choose the ballot whose electorate to call", status=422)
    if ballot.status != Ballot.Status.OPEN:
        raise Refused("reach.ballot", "that ballot is not open for voting", status=422)
    if ballot.branch_id is not None and ballot.branch_id != branch_id:
        raise Refused("reach.ballot", "that ballot is another branch's", status=422)


def may_record_consent(user, number_branches: set[int]) -> None:
    """Consent lifts TPS suppression: a national admin records it for any number; an
    organiser only for a number held by an elector or member of their branches."""
    if is_national_admin(user):
        return
    mine = organised_branch_ids(user) if has_role(user, "branch_organiser") else frozenset()
    if not mine:
        raise Refused("reach.consent", "only organisers and national admins record consent", status=403)
    if not number_branches & set(mine):
        raise Refused(
            "reach.consent_scope", "no elector or member of your branches has that number", status=403
        )
