"""Signal receivers: a counted ballot may be a motion's or an amendment's."""

from __future__ import annotations


def on_ballot_counted(sender, ballot, **kwargs) -> None:
    from groundswell.motions.services import ballot_decided

    if ballot.in_app:
        ballot_decided(ballot=ballot)
