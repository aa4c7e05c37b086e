"""Who may do what with a ballot: one function per action, called by the services, so the
pages, the API, the CLI and the tasks cannot skip them."""

from __future__ import annotations

from groundswell.accounts.models import Role
from groundswell.accounts.selectors import has_role
from groundswell.ballots.models import Ballot, Trustee
from groundswell.ballots.services.errors import NotAllowed


def can_run_ballots(user) -> bool:
    return user is not None and has_role(user, Role.RETURNING_OFFICER, Role.NATIONAL_ADMIN)


def run_ballot(user, ballot: Ballot | None = None, *, in_app: bool = False) -> None:
    """Create, open, close, publish, issue codes: returning officers and national admins.
    `user=None` is the system itself (the scheduler). A vote inside the app (a motion's)
    is run by its own part, whose policies decide who may open and close it."""
    if user is None or in_app or (ballot is not None and ballot.in_app):
        return
    if not can_run_ballots(user):
        raise NotAllowed("only a returning officer or a national admin runs ballots")


def count_ballot(user, ballot: Ballot) -> None:
    """Give shares to open the box: the ballot's runners and its own trustees (the shares
    themselves are the real check; this only keeps strangers off the page)."""
    if user is None or can_run_ballots(user):
        return
    if not Trustee.objects.filter(ballot=ballot, user=user).exists():
        raise NotAllowed("only this ballot's trustees or its returning officer can count it")


def download_share(user, ballot: Ballot) -> Trustee:
    """A trustee takes their own share, and nobody else's — not even the returning officer."""
    trustee = Trustee.objects.filter(ballot=ballot, user=user).first() if user is not None else None
    if trustee is None:
        raise NotAllowed("you are not a trustee of this ballot", status=404)
    return trustee
