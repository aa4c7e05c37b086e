"""On a phone: a volunteer keeps a list of people they know (an ask, a text ready to send
from their own phone), shares their referral link for an event, and a friend who replies
through it counts for them: as a number, never a name."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groundswell.events import services as events
from tests import factories
from tests.browser.test_motion_flow import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_volunteers_list_and_referral_link_on_a_phone(browser, live_server):
    north = factories.branch("E14000662", "Derby North")
    organiser = factories.user("branch_organiser", branch=north)
    start = timezone.now() + timedelta(days=3)
    event = events.event_create(
        user=organiser, branch=north, kind="rally", title="Big rally", place="Market Place",
        starts_at=start, ends_at=start + timedelta(hours=2), capacity=None, visibility="public",
    )  # fmt: skip
    ann = factories.user(
        "canvasser", person=factories.person(branch=north, first_name="Ann"), email="ann@x.org"
    )
    page = signed_in(browser, live_server, ann)

    page.goto("/friends/")
    page.get_by_label("Name you know them by").fill("Auntie Sue")
    page.get_by_role("button", name="Add").click()
    page.get_by_label("Ask").select_option("volunteer")
    page.get_by_role("button", name="Will volunteer").click()
    expect(page.locator("[data-outcome]")).to_have_text("Will volunteer")
    assert (
        page.get_by_role("link", name="Text").get_attribute("href").startswith("sms:?&body=Hi%20Auntie%20Sue")
    )

    page.goto("/me/referrals/")
    event_link = page.get_by_label("Link to Big rally").input_value()
    assert f"/events/{event.pk}/" in event_link

    friend = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    friend.goto(event_link)
    friend.get_by_label("Name").fill("Sue")
    friend.get_by_label("Email").fill("sue@example.org")
    friend.get_by_role("button", name="Reply: I'm going").click()
    expect(friend.get_by_text("emailed the link")).to_be_visible()

    page.goto("/me/referrals/")
    expect(page.locator("[data-replies]")).to_have_text("1")
    expect(page.get_by_text("Sue")).to_have_count(0)
