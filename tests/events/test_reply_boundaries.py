"""Public replies and the reply endpoints cannot be turned against a member (issue 12).

Adversaries: someone who knows a member's email and posts it to a public event without
signing in, hoping to get that member's reply token back (to read it, or cancel their
place); a hostile web page that makes a signed-in member's browser post a reply (CSRF);
an organiser whose event title carries a newline (mail headers).
"""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from groundswell.events import services
from groundswell.events.models import Rsvp
from tests import factories
from tests.events.test_events import make_event
from tests.motions.helpers import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    return factories.branch(name="Derby North")


@pytest.fixture
def organiser(branch):
    return factories.user("branch_organiser", branch=branch)


def test_posting_a_members_email_publicly_never_returns_their_reply(client, branch, organiser):
    event = make_event(organiser, branch)
    victim = member(branch)
    theirs = services.rsvp_create(event=event, user=victim)
    response = client.post(
        f"/api/events/{event.pk}/rsvp",
        json.dumps({"name": "x", "email": victim.person.email}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert theirs.token not in response.content.decode()
    page = client.post(f"/events/{event.pk}/rsvp/", {"name": "x", "email": victim.person.email})
    assert (
        theirs.token not in page["Location"]
        and theirs.token not in client.get(page["Location"]).content.decode()
    )


def test_a_public_reply_link_goes_by_email_to_the_address_given(
    client, branch, organiser, django_capture_on_commit_callbacks
):
    event = make_event(organiser, branch)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/events/{event.pk}/rsvp",
            json.dumps({"name": "Jo", "email": "jo@example.org"}),
            content_type="application/json",
        )
    assert response.json()["token"] is None and response.json()["status"] == "going"
    rsvp = Rsvp.objects.get(email_key="jo@example.org")
    assert [m.to for m in mail.outbox] == [["jo@example.org"]] and rsvp.token in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # asking again sends the link again, to them
        client.post(
            f"/api/events/{event.pk}/rsvp",
            json.dumps({"email": "jo@example.org"}),
            content_type="application/json",
        )
    assert [m.to for m in mail.outbox] == [["jo@example.org"]] and rsvp.token in mail.outbox[0].body


def test_a_signed_in_reply_through_the_api_needs_the_csrf_token(branch, organiser):
    event = make_event(organiser, branch, visibility="members")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member(branch))
    forged = browser.post(f"/api/events/{event.pk}/rsvp", "{}", content_type="application/json")
    assert forged.status_code == 403 and not Rsvp.objects.exists()
    browser.get("/events/")  # the page sets the CSRF cookie, as in a real browser
    token = browser.cookies["csrftoken"].value
    ok = browser.post(
        f"/api/events/{event.pk}/rsvp", "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert ok.status_code == 200 and Rsvp.objects.count() == 1


@pytest.mark.parametrize("title", ["Rally\nBcc: everyone@example.org", "Rally\r", "Rally\x00"])
def test_an_event_title_with_a_line_break_is_a_clear_400(client, branch, organiser, title):
    client.force_login(organiser)
    start = timezone.now() + timedelta(days=2)
    response = client.post(
        "/api/events",
        json.dumps(
            {
                "branch": branch.ons_code,
                "kind": "rally",
                "title": title,
                "place": "Hall",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
                "visibility": "public",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400 and re.search("line|character", response.json()["detail"])
