"""iCalendar (RFC 5545) feeds, written by the `icalendar` library."""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.urls import reverse

from groundswell.events.models import Event


def feed(events: Iterable[Event], *, name: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Groundswell//events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    host = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "groundswell"
    for e in events:
        item = icalendar.Event()
        item.add("uid", f"event-{e.pk}@{host}")
        item.add("dtstamp", e.created_at)
        item.add("dtstart", e.starts_at)
        item.add("dtend", e.ends_at)
        item.add("summary", e.title)
        item.add("location", e.place)
        item.add("description", e.description)
        item.add("url", settings.SITE_URL.rstrip("/") + reverse("events:detail", args=[e.pk]))
        item.add("status", "CANCELLED" if e.cancelled_at else "CONFIRMED")
        cal.add_component(item)
    return cal.to_ical()
