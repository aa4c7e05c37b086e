"""Signal receivers: a counted ballot may be a branch's nomination vote or a trigger
section's vote (the ballots app knows nothing of selections; it says a count is stored)."""

from __future__ import annotations


def on_ballot_counted(sender, ballot, **kwargs) -> None:
    if not ballot.in_app:
        return
    from groundswell.selections.services import nomination_from_ballot, trigger_section_from_ballot

    nomination_from_ballot(ballot=ballot)
    trigger_section_from_ballot(ballot=ballot)
