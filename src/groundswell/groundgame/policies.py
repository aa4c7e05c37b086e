"""Who may do what in the ground game: one function per decision, called by the services.

Refusals are accounts.policies.Refused (the app's ContactError and GroundGameError are
kinds of it), so pages and the API answer with the status the refusal carries.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from groundswell.accounts.policies import Refused

CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock may run a little fast; 2099 is not that


def may_record_for(elector_id: int, allowed_electors: set[int] | None) -> None:
    """A canvasser records only electors on their own walk lists (None: a national admin)."""
    if allowed_electors is not None and elector_id not in allowed_electors:
        raise Refused("groundgame.not_your_elector", "that elector is not on your walk lists", status=403)


def contact_time(recorded: datetime, *, now: datetime | None = None) -> datetime:
    """A contact happened, so it is not dated in the future (one dated 2099 would stay the
    elector's latest for ever)."""
    now = now or timezone.now()
    if recorded > now + CLOCK_SKEW:
        raise Refused("groundgame.future_contact", "a contact cannot be dated in the future", status=422)
    return recorded


def may_correct_household(household_id: int, allowed_households: set[int] | None) -> None:
    if allowed_households is not None and household_id not in allowed_households:
        raise Refused("groundgame.not_your_address", "that address is not on your walk lists", status=403)


def correction_names(
    *, kind: str, household_id: int, elector_household_id: int | None, elector_given: bool
) -> None:
    """A 'moved' report names an elector of the reported household; a 'new' one names nobody
    already on the register. So a report against a door on your list cannot reach anyone else."""
    if kind == "moved":
        if not elector_given:
            raise Refused(
                "groundgame.correction_elector", "say which elector at this address has moved", status=422
            )
        if elector_household_id != household_id:
            raise Refused(
                "groundgame.correction_elector",
                "that elector is not registered at the reported address",
                status=422,
            )
    elif elector_given:
        raise Refused("groundgame.correction_elector", "a new elector is not on the register yet", status=422)
