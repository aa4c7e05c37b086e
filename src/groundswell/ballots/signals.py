"""Signals other apps listen to, so that ballots need not know who uses them.

`ballot_counted` is sent once a count is stored (after the transaction commits): the
motions app turns a counted vote into a carried or lost motion or amendment.
"""

from django.dispatch import Signal

ballot_counted = Signal()  # kwargs: ballot
