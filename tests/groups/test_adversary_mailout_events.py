"""Adversary: a branch organiser (no facilitator, not in the group) learns of a volunteer's
group event before it is approved, or of a hidden group's event, from the mail-outs page's
list of events to email, and emails its attendees."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.groups import services
from tests import factories
from tests.groups.test_groups import group, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def north():
    return factories.branch(name="Derby North")


def _event(user, g, title):
    start = timezone.now() + timedelta(days=4)
    return services.group_event_propose(
        user=user, group=g, title=title, place="Room 2", starts_at=start, ends_at=start + timedelta(hours=2)
    ).event


def test_the_mailouts_page_lists_neither_a_pending_nor_a_hidden_groups_event(north, client):
    fac, volunteer = member(north), member(north)
    organiser = factories.user(Role.BRANCH_ORGANISER, branch=north)
    listed = group(fac, north, visibility="members")
    services.group_join(user=volunteer, group=listed)
    pending = _event(volunteer, listed, "Proposed picket")
    hidden = group(fac, north, visibility="hidden")
    secret = _event(fac, hidden, "Survivors circle")
    ordinary = _event(fac, listed, "Open meeting")

    client.force_login(organiser)
    page = client.get("/mailouts/").content.decode()
    assert "Open meeting" in page
    assert "Proposed picket" not in page and "Survivors circle" not in page
    for e in (pending, secret):
        client.post("/mailouts/", {"subject": "Hi", "body": "Come", "segment": "event", "event": str(e.pk)})
        r = client.post(
            "/api/mailouts",
            {"subject": "Hi", "body": "Come", "segment": "event", "event": e.pk},
            content_type="application/json",
        )
        assert r.status_code in (400, 403, 404), r.content
    from groundswell.mailouts.models import MailOut

    assert not MailOut.objects.filter(event__in=[pending, secret]).exists()
    assert ordinary.pk
