"""Who may do what with motions, and what needs confirming first: one function per decision,
called by the services (so pages, the API and tasks cannot skip them)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from groundswell.accounts.policies import NeedsConfirmation
from groundswell.ballots import services as ballot_services
from groundswell.ballots.models import Ballot


def may_close_votes_early(ballots: Sequence[Ballot], *, confirm: bool) -> None:
    """Members were told when a vote closes; closing any of these before that time stops
    those who have not voted yet, so it needs `confirm`, after seeing how many that is.
    (With every member entitled to vote having voted, closing early shuts nobody out.)"""
    now = timezone.now()
    early = [b for b in ballots if b.closes_at > now]
    if confirm or not early:
        return
    votes = [{"title": b.title, **ballot_services.close_consequences(b, now)} for b in early]
    not_voted = sum(v["not_voted"] for v in votes)
    if not_voted == 0:
        return
    when = "; ".join(f"{v['title']}: {v['advertised_close']}" for v in votes)
    raise NeedsConfirmation(
        "motions.close_early",
        f"members were told voting closes on {when}. Closing now stops {not_voted:,} members who have "
        "not voted yet from voting. Confirm to close early.",
        consequences={"votes": votes, "not_voted": not_voted},
    )
