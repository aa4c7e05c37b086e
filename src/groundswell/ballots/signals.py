"""Signals other apps listen to, so that ballots need not know who uses them.

`ballot_counted` is sent once a count is stored (after the transaction commits): the
motions app turns a counted vote into a carried or lost motion or amendment.
"""

from django.dispatch import Signal

ballot_counted = Signal()  # kwargs: ballot

# Sent inside the transaction that opens the ballot, once its electorate is frozen and before
# anyone can vote: vetting marks the electors it has already excluded (they may only tender).
electorate_frozen = Signal()  # kwargs: ballot

# Sent while publishing, inside its transaction: each receiver returns a dict of extra files
# to publish with the result, {name: (description, JSON-able content)} (vetting: exclusion
# counts by reason). Ballots need not know who adds them.
ballot_publishing = Signal()  # kwargs: ballot
