"""What a newcomer found in working groups: leaving acted at once and said nothing, a refused
response erased the message, "share my phone" was offered to someone with no phone, a phone
number typed into a post went through, an event in the past was queued, and the CSP blocked
the inline styles on the facilitator's buttons."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groundswell.accounts.policies import Refused
from groundswell.groups import services
from groundswell.groups.models import GroupEvent, GroupMember, Post, Response
from groundswell.members.models import Person
from tests import factories
from tests.groups.test_groups import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def north():
    return factories.branch(name="Derby North")


@pytest.fixture
def g(north):
    fac = member(north)
    return services.group_create(user=fac, name="Lifts", purpose="p", branch=north, join_policy="open")


def fac_of(g):
    return GroupMember.objects.get(group=g, facilitator=True).person.account


def test_leaving_asks_first_then_says_what_happened(client, north, g):
    u = member(north)
    services.group_join(user=u, group=g)
    client.force_login(u)
    asked = client.post(f"/groups/{g.pk}/leave/")
    assert asked.status_code == 409 and "Leave Lifts?" in asked.content.decode()
    assert GroupMember.objects.filter(group=g, person=u.person).exists()
    done = client.post(f"/groups/{g.pk}/leave/", {"confirm": "yes"}, follow=True)
    assert "You have left Lifts." in done.content.decode()
    assert not GroupMember.objects.filter(group=g, person=u.person).exists()


def test_a_refused_response_keeps_the_message_and_names_the_field(client, north, g):
    poster, responder = fac_of(g), member(north)  # the responder has an email, no phone
    services.group_join(user=responder, group=g)
    post = services.post_create(user=poster, group=g, kind="offer", title="Lift to the count")
    client.force_login(responder)
    page = client.get(f"/groups/posts/{post.pk}/").content.decode()
    form = page[page.index("If they accept") :]
    assert 'value="email"' in form and 'value="phone"' not in form[: form.index("</select>")]
    r = client.post(f"/groups/posts/{post.pk}/", {"message": "I can help on Tuesday", "share": "phone"})
    body = r.content.decode()
    assert r.status_code == 400 and "Contact: your record has no phone" in body
    assert "I can help on Tuesday</textarea>" in body
    assert not Response.objects.filter(post=post).exists()


def test_someone_with_no_contact_detail_is_told_why_they_cannot_respond(client, north, g):
    poster, responder = fac_of(g), member(north)
    Person.objects.filter(pk=responder.person.pk).update(email="", phone="")
    services.group_join(user=responder, group=g)
    post = services.post_create(user=poster, group=g, kind="offer", title="Lift")
    client.force_login(responder)
    page = client.get(f"/groups/posts/{post.pk}/").content.decode()
    assert 'data-testid="no-contact"' in page and "no email address or phone number" in page


@pytest.mark.parametrize(
    "body",
    ["Ring me on 07700 900123", "call +44 7700 900 123 after six", "write to ada@example.org"],
)
def test_a_post_with_a_phone_number_or_email_is_refused_and_kept(client, north, g, body):
    client.force_login(fac_of(g))
    r = client.post(
        f"/groups/{g.pk}/posts/", {"kind": "offer", "topic": "lift", "title": "Lifts", "body": body}
    )
    page = r.content.decode()
    assert r.status_code == 400 and "Details: take out the" in page
    assert body.replace("+", "+") in page  # kept for editing
    assert not Post.objects.filter(group=g).exists()


def test_dates_and_times_in_a_post_still_pass(north, g):
    post = services.post_create(
        user=fac_of(g), group=g, kind="offer", title="Lift", body="On 2027-01-31, 19:00-21:00, 2 seats"
    )
    assert post.pk


def test_an_event_in_the_past_is_refused_with_a_clear_message(client, north, g):
    u = member(north)
    services.group_join(user=u, group=g)
    client.force_login(u)
    r = client.post(
        f"/groups/{g.pk}/events/",
        {"title": "Leafleting", "place": "Market", "day": "2026-11-01", "time": "10:00", "hours": "2"},
        follow=True,
    )
    assert "the event must start in the future" in r.content.decode()
    assert not GroupEvent.objects.filter(group=g).exists()
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(Refused, match="end after it starts"):
        services.group_event_propose(
            user=u, group=g, title="x", place="y", starts_at=start, ends_at=start - timedelta(hours=1)
        )


def test_facilitator_page_has_no_inline_styles_and_approving_says_so(client, north, g):
    u = member(north)
    services.group_join(user=u, group=g)
    start = timezone.now() + timedelta(days=3)
    ge = services.group_event_propose(
        user=u, group=g, title="Canvass", place="Library", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    requester = member(north)
    GroupMember.objects.create(group=g, person=requester.person, status=GroupMember.Status.REQUESTED)
    client.force_login(fac_of(g))
    page = client.get(f"/groups/{g.pk}/").content.decode()
    assert "style=" not in page
    assert "groups/groups.css" in page and page.count('class="inline-actions"') >= 2
    r = client.post(f"/groups/{g.pk}/events/{ge.event_id}/", {"action": "approve"}, follow=True)
    assert "Approved: Canvass is published to the group." in r.content.decode()


def test_accepting_a_response_says_so(client, north, g):
    poster, responder = fac_of(g), member(north)
    services.group_join(user=responder, group=g)
    post = services.post_create(user=poster, group=g, kind="offer", title="Lift")
    resp = services.response_create(user=responder, post=post, share="email")
    client.force_login(poster)
    r = client.post(f"/groups/responses/{resp.pk}/", {"action": "accept", "share": "email"}, follow=True)
    assert "Accepted: you and" in r.content.decode()
