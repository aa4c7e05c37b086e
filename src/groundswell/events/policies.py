"""Who may do what with events: one function per decision, called by the services."""

from __future__ import annotations

import re

from groundswell.accounts.policies import Refused
from groundswell.events import selectors

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def may_organise(user, *, branch_id: int | None = None, event=None) -> None:
    ok = (
        selectors.can_organise(user, event)
        if event is not None
        else selectors.can_organise(user, branch_id=branch_id)
    )
    if not ok:
        raise Refused("events.organise", "only the event's organisers can do this", status=403)


def one_line(label: str, text: str) -> str:
    """A title or place goes into mail subjects and calendar lines: no line breaks or control
    characters (a newline there is a header injection, and used to fail the reply with a 500)."""
    if _CONTROL.search(text):
        raise Refused(
            "events.one_line", f"the {label} must be one line, without control characters", status=400
        )
    return text.strip()


def reply_token_for(user, rsvp) -> str | None:
    """The key to a reply goes back only to the member it belongs to, signed in. Anyone else
    (a public reply by email) gets it by email at the address given, so posting someone's
    email never hands back their reply."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is not None and rsvp.person_id == person.pk:
        return rsvp.token
    return None
