"""Adversary: a branch member outside a hidden group learns of it through its events.

A hidden group is "known only to its members and invitees by every route". Its events are
ordinary branch events underneath, so the calendar, the events API, the event page and the
reminders' RSVP are all routes an outsider could use to see it (its default description
even names the group)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groundswell.accounts.policies import Refused
from groundswell.events import selectors as event_selectors
from groundswell.events import services as events
from groundswell.groups import services
from tests.groups.test_groups import group, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def north():
    from tests import factories

    return factories.branch(name="Derby North")


def _event(user, g, title="Survivors' circle"):
    start = timezone.now() + timedelta(days=4)
    return services.group_event_propose(
        user=user, group=g, title=title, place="Room 2", starts_at=start, ends_at=start + timedelta(hours=2)
    )


def test_a_hidden_groups_event_is_not_seen_by_a_branch_member_outside_it(north, client):
    fac, insider, outsider = member(north), member(north), member(north)
    g = group(fac, north, visibility="hidden", join_policy="invite")
    services.group_invite(user=fac, group=g, person=insider.person)
    services.group_join(user=insider, group=g)
    event = _event(fac, g).event  # a facilitator's own: approved at once
    assert not event.pending_approval

    assert event_selectors.visible_events(insider).filter(pk=event.pk).exists()
    assert event_selectors.visible_events(fac).filter(pk=event.pk).exists()
    assert not event_selectors.visible_events(outsider).filter(pk=event.pk).exists()

    client.force_login(outsider)
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert client.get(f"/api/events/{event.pk}").status_code == 404
    start, end = (
        (timezone.now() - timedelta(days=1)).isoformat(),
        (timezone.now() + timedelta(days=30)).isoformat(),
    )
    listed = client.get("/api/events", {"start": start, "end": end}).content.decode()
    assert "Survivors" not in listed
    with pytest.raises(Refused):
        events.rsvp_create(event=event, user=outsider)


def test_a_listed_groups_event_stays_a_branch_event(north):
    fac, outsider = member(north), member(north)
    g = group(fac, north, visibility="members")
    event = _event(fac, g, title="Open meeting").event
    assert event_selectors.visible_events(outsider).filter(pk=event.pk).exists()
