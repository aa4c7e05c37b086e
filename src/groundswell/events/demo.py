"""Demo events around Derby (synthetic): a canvass day, a watch party, a branch meeting and
a national rally, over the coming fortnight."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from groundswell.events import services
from groundswell.events.models import Event

EVENTS = (
    # (days ahead, hour, kind, title, place, capacity, visibility, national)
    (
        2,
        19,
        "watch_party",
        "Leadership result watch party",
        "The Flowerpot, King Street, Derby",
        60,
        "public",
        False,
    ),
    (5, 10, "canvass_day", "Derby North canvass day", "Derby Market Place", 40, "public", False),
    (9, 19, "meeting", "Derby North branch meeting", "Sikh Community Centre, Derby", None, "branch", False),
    (14, 12, "rally", "National rally for the NHS", "Parliament Square, London", None, "public", True),
)


def demo_events(*, branch, organiser, admin, attendees) -> None:
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    for days, hour, kind, title, place, capacity, visibility, national in EVENTS:
        full_title = f"{title} (synthetic demo)"
        if Event.objects.filter(title=full_title).exists():
            continue
        start = datetime.combine(today + timedelta(days=days), time(hour), tz)
        event = services.event_create(
            user=admin if national else organiser,
            branch=None if national else branch,
            kind=kind,
            title=full_title,
            place=place,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=capacity,
            visibility=visibility,
            description="Synthetic demo event: made up for the demonstration.",
        )
        for user in attendees:
            services.rsvp_create(event=event, user=user)
