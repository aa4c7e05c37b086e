"""Group events and the weekly digest. Adversaries: a volunteer's event seen (or replied
to) before a facilitator approves it; an ordinary member approving; a digest sent twice in
one week, to a member who muted the group, or to one who never agreed to email."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.accounts.policies import Refused
from groundswell.events import selectors as event_selectors
from groundswell.events import services as events
from groundswell.groups import services
from groundswell.groups.models import GroupDigest
from tests.groups.test_groups import group, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def north():
    from tests import factories

    return factories.branch(name="Derby North")


def propose(user, g, title="Litter pick in the Arboretum"):
    start = timezone.now() + timedelta(days=4)
    return services.group_event_propose(
        user=user,
        group=g,
        title=title,
        place="Arboretum gates",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


def test_a_volunteers_event_is_hidden_until_a_facilitator_approves_it(north, client):
    fac, volunteer, other = member(north), member(north), member(north)
    g = group(fac, north)
    services.group_join(user=volunteer, group=g)
    services.group_join(user=other, group=g)
    ge = propose(volunteer, g)
    event = ge.event
    assert event.pending_approval and ge.approved_at is None
    assert not event_selectors.visible_events(other).filter(pk=event.pk).exists()
    assert event_selectors.visible_events(volunteer).filter(pk=event.pk).exists()  # its proposer
    client.force_login(other)
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert client.get(f"/api/events/{event.pk}").status_code == 404
    assert "Litter pick" not in client.get(f"/groups/{g.pk}/").content.decode()
    with pytest.raises(Refused):
        events.rsvp_create(event=event, user=other)
    with pytest.raises(Refused):
        services.group_event_approve(user=other, group_event=ge)
    client.force_login(fac)
    assert "Litter pick" in client.get(f"/groups/{g.pk}/").content.decode()  # waiting for them
    services.group_event_approve(user=fac, group_event=ge)
    assert event_selectors.visible_events(other).filter(pk=event.pk).exists()
    assert events.rsvp_create(event=event, user=other).status == "going"


def test_a_facilitators_own_event_needs_no_approval_and_a_declined_one_is_gone(north):
    fac, volunteer, outsider = member(north), member(north), member(north)
    g = group(fac, north)
    services.group_join(user=volunteer, group=g)
    assert not propose(fac, g).event.pending_approval
    ge = propose(volunteer, g, title="Bake sale")
    services.group_event_decline(user=fac, group_event=ge)
    assert not event_selectors.visible_events(volunteer).filter(title="Bake sale").exists()
    with pytest.raises(Refused):  # not in the group: cannot propose
        propose(outsider, g)


def test_the_digest_goes_once_a_week_to_consenting_unmuted_members(north, django_capture_on_commit_callbacks):
    fac, keen, muted, silent = member(north), member(north), member(north), member(north, consent=False)
    g = group(fac, north)
    for u in (keen, muted, silent):
        services.group_join(user=u, group=g)
    services.group_mute(user=muted, group=g, muted=True)
    last_week = timezone.now() - timedelta(days=7)
    post = services.post_create(user=keen, group=g, kind="offer", title="Lift to Sunday's canvass")
    post.created_at = last_week
    post.save(update_fields=["created_at"])
    quiet = group(fac, north)  # nothing new: no email
    monday = timezone.localtime(timezone.now()).replace(hour=7)
    monday = monday - timedelta(days=monday.weekday())  # this week's: the digest is of last week
    with django_capture_on_commit_callbacks(execute=True):
        assert services.group_digests_send(now=monday) == 1
    got = sorted(m.to[0] for m in mail.outbox)
    assert got == sorted([fac.person.email, keen.person.email])
    assert "Lift to Sunday's canvass" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.group_digests_send(now=monday + timedelta(hours=5)) == 0
    assert mail.outbox == []
    assert GroupDigest.objects.get(group=quiet).mailout is None
    assert isinstance(monday, datetime)
