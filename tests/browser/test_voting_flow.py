"""An elector votes on a phone; the returning officer closes and publishes; the receipt is found."""

import re

import pytest
from playwright.sync_api import expect

from groundswell.accounts.models import Role
from groundswell.ballots.models import Ballot, CastBallot, Elector
from tests.ballots.factories import draft_ballot, open_ballot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_elector_ranks_casts_gets_a_receipt_and_the_published_list_has_it(page, browser, live_server, users):
    ro = users[Role.RETURNING_OFFICER]
    ballot = open_ballot(draft_ballot(ro, title="Leadership election", candidates=("Ann", "Bob", "Cat")))
    code = Elector.objects.get(ballot=ballot, person=users[Role.MEMBER].person).credential

    # phone-sized viewport (the `page` fixture is 390 x 844)
    page.goto(f"/vote/?code={code}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Leadership election")).to_be_visible()
    page.get_by_label("Preference for Cat").select_option("1")
    page.get_by_label("Preference for Ann").select_option("2")
    page.get_by_label("Preference for Bob").select_option("2")  # a mistake: two number 2s
    page.get_by_role("button", name="Review my vote").click()
    expect(page.get_by_role("alert")).to_contain_text("number 2 to more than one candidate")
    page.get_by_label("Preference for Bob").select_option("3")
    page.get_by_role("button", name="Review my vote").click()
    expect(page.get_by_test_id("review-ranking").locator("li")).to_have_text(["Cat", "Ann", "Bob"])
    page.get_by_role("button", name="Cast my vote").click()
    tracker = page.get_by_test_id("tracker").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{32}", tracker)
    assert CastBallot.objects.get(ballot=ballot).ranking == [2, 0, 1]

    # the same code cannot vote again
    page.goto(f"/vote/?code={code}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("already been used")

    # the returning officer closes, checks and publishes
    officer = browser.new_context(base_url=live_server.url).new_page()
    officer.goto("/accounts/login/")
    officer.get_by_label("Email").fill(ro.email)
    officer.get_by_label("Password").fill("correct horse battery staple")
    officer.get_by_role("button", name="Sign in").click()
    officer.goto(f"/ballots/{ballot.pk}/")
    officer.get_by_role("button", name="Close and count").click()
    expect(officer.get_by_test_id("ballot-status")).to_have_text("Counted")
    officer.get_by_role("button", name="Publish the result").click()
    expect(officer.get_by_test_id("ballot-status")).to_have_text("Published")
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.PUBLISHED

    # anyone: the result, and the receipt found in the published list
    page.goto(f"/ballots/{ballot.pk}/results/")
    expect(page.get_by_test_id("winners")).to_have_text("Cat")
    expect(page.locator("svg.chart").first).to_be_visible()
    page.goto(f"/ballots/{ballot.pk}/verify/")
    page.get_by_placeholder("your tracker").fill(tracker)
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_test_id("tracker-result")).to_contain_text("Found")
    page.get_by_placeholder("your tracker").fill("0" * 32)
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_test_id("tracker-result")).to_contain_text("Not found")
