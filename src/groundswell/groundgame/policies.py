"""Who may do what in the ground game: one function per decision, called by the services.

Refusals are accounts.policies.Refused (the app's ContactError and GroundGameError are
kinds of it), so pages and the API answer with the status the refusal carries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from groundswell.accounts.policies import NeedsConfirmation, Refused

# A full register marking more than this share of the seat's electors as left is more likely
# a wrong or partial file (a monthly update imported as a full register) than a December
# register: between canvasses a seat's register turns over by a few per cent.
LEAVERS_WITHOUT_ASKING = 0.05
LEAVER_SAMPLE = 10
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


def may_mark_leavers(*, leaving: int, electors: int, confirm: bool, sample: Callable[[], list[str]]) -> None:
    """A full register marks everyone not on it as left; more than a few per cent of the
    seat only when confirmed, after seeing how many and who."""
    if confirm or leaving <= LEAVERS_WITHOUT_ASKING * electors:
        return
    names = sample()
    raise NeedsConfirmation(
        "register.many_leavers",
        f"this file would mark {leaving:,} of {electors:,} electors on the register as having left "
        f"({100 * leaving / max(electors, 1):.0f} %), e.g. {', '.join(names[:3])}. If it is a monthly "
        "update, import it as one; if it is the full register, confirm.",
        consequences={
            "leaving": leaving,
            "electors": electors,
            "percent": round(100 * leaving / max(electors, 1), 1),
            "sample": names,
        },
    )
