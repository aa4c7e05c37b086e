"""An organiser puts an event on the calendar; the public reply by email; a cancellation
promotes the waiting list; the organiser emails the branch and watches it send."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from groundswell.members.models import Person
from tests import factories
from tests.browser.test_motion_flow import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _emailed_link(page, address: str) -> str:
    """A public reply's link comes by email (never in the page that took the address): open it."""
    import re

    body = next(m.body for m in reversed(mail.outbox) if m.to == [address])
    link = re.search(r"https?://\S+/events/reply/\S+/", body).group(0)
    path = link[link.index("/events/") :]
    page.goto(path)
    return page.url


def test_event_reply_waiting_list_and_mail_out(browser, live_server):
    north = factories.branch("E14000662", "Derby North")
    organiser = factories.user("branch_organiser", branch=north)
    chair = signed_in(browser, live_server, organiser)
    start = timezone.localtime() + timedelta(days=3)
    chair.get_by_role("link", name="Events").first.click()
    chair.get_by_role("link", name="New event").click()
    chair.get_by_label("Kind").select_option("watch_party")
    chair.get_by_label("Title").fill("Leadership result watch party")
    chair.get_by_label("Place").fill("The Flowerpot, Derby")
    chair.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT19:00"))
    chair.get_by_label("Ends").fill(start.strftime("%Y-%m-%dT22:00"))
    chair.get_by_label("Capacity").fill("1")
    chair.get_by_label("Who can see it").select_option("public")
    chair.get_by_role("button", name="Create").click()
    expect(chair.get_by_test_id("places")).to_have_text("1 of 1 places left")
    event_url = chair.url

    # the calendar shows it on its day, to anyone
    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto(f"/events/?month={start:%Y-%m}")
    visitor.get_by_role("link", name="Leadership result watch party").click()
    visitor.get_by_label("Your name").fill("Jo")
    visitor.get_by_label("Email").fill("jo@example.org")
    visitor.get_by_role("button", name="Reply: I'm going").click()
    expect(visitor.get_by_text("We have emailed the link to your reply")).to_be_visible()
    jo_reply = _emailed_link(visitor, "jo@example.org")
    expect(visitor.get_by_test_id("rsvp-status")).to_have_text("Going")

    late = browser.new_context(base_url=live_server.url).new_page()
    late.goto(event_url)
    late.get_by_label("Your name").fill("Al")
    late.get_by_label("Email").fill("al@example.org")
    late.get_by_role("button", name="Join the waiting list").click()
    _emailed_link(late, "al@example.org")
    expect(late.get_by_test_id("rsvp-status")).to_have_text("On the waiting list")
    expect(late.get_by_text("number 1 in the queue")).to_be_visible()

    visitor.goto(jo_reply)
    visitor.get_by_role("button", name="Cancel my reply").click()
    expect(visitor.get_by_test_id("rsvp-status")).to_have_text("Cancelled")
    late.reload()
    expect(late.get_by_test_id("rsvp-status")).to_have_text("Going")
    assert any(m.to == ["al@example.org"] and "a place for you" in m.subject for m in mail.outbox)

    # attendance on the night
    chair.goto(event_url)
    chair.get_by_role("link", name="Replies and attendance").click()
    chair.get_by_role("button", name="Mark here").click()
    expect(chair.get_by_role("button", name="✓ Here")).to_be_visible()

    # a mail-out to the branch: only those who consented get it
    for n in range(3):
        p = factories.person(branch=north, first_name=f"M{n}")
        if n:
            Person.objects.filter(pk=p.pk).update(consent_email_on=date(2024, 1, 1))
    mail.outbox.clear()
    chair.get_by_role("link", name="Mail-outs").click()
    chair.get_by_label("To").select_option("branch")
    chair.locator("select[name=branch]").select_option(label="Derby North")
    chair.get_by_label("Subject").fill("Watch party on Saturday")
    chair.get_by_label("Message").fill("Come and watch the result with us.")
    chair.get_by_role("button", name="Send").click()
    expect(chair.get_by_test_id("mailout-status")).to_have_text("Sent")
    expect(chair.get_by_text("2 of 2 sent")).to_be_visible()
    assert len(mail.outbox) == 2
