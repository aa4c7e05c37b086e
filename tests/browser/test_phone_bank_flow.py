"""Two callers on phones work one phone bank: never the same household at once; a busy
number comes back to the caller who heard it; a completed call's number disappears."""

from datetime import time

import pytest
from playwright.sync_api import expect

from groundswell.reach.models import PhoneBank
from tests import factories
from tests.browser.test_motion_flow import signed_in
from tests.reach.helpers import seat_with_phones

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _number(page) -> str:
    return page.locator("[data-number]").get_attribute("href").removeprefix("tel:")


def test_two_callers_busy_comes_back_and_completed_number_disappears(browser, live_server):
    north = factories.branch("E14000662", "Derby North")
    seat_with_phones(north, n=3)
    organiser = factories.user("branch_organiser", branch=north)
    org = signed_in(browser, live_server, organiser)
    org.goto("/phonebanks/")
    org.get_by_label("Name").fill("Thursday calls")
    org.get_by_label("Busy: call back after (minutes)").fill("0")
    org.get_by_role("button", name="Build the call list").click()
    expect(org.locator("[data-total]")).to_have_text("3")
    code = org.locator("[data-code]").inner_text()
    PhoneBank.objects.update(opens=time(0), closes=time(23, 59, 59))  # whenever the suite runs

    ann = signed_in(browser, live_server, factories.user("canvasser", email="ann@example.org"))
    ann.goto("/phonebanks/join/")
    ann.get_by_label("Code").fill(code)
    ann.get_by_role("button", name="Join").click()
    bob = signed_in(browser, live_server, factories.user("canvasser", email="bob@example.org"))
    bob.goto(f"/call/{code}/")  # the link
    bob.get_by_role("button", name="Join this phone bank").click()

    ann.get_by_role("button", name="Next household").click()
    bob.get_by_role("button", name="Next household").click()
    a1, b1 = _number(ann), _number(bob)
    assert a1 != b1

    # ann hears busy; bob finishes his call and moves on: he never gets ann's busy number
    ann.get_by_role("button", name="Busy").click()
    expect(ann.get_by_text("The number is hidden now")).to_be_visible()
    expect(ann.locator("[data-number]")).to_have_count(0)
    bob.get_by_label("Intention").select_option("LAB")
    bob.get_by_role("button", name="Answered").click()
    expect(bob.get_by_text("The number is hidden now")).to_be_visible()
    assert b1 not in bob.content()
    bob.get_by_role("button", name="Next household").click()
    b2 = _number(bob)
    assert b2 not in (a1, b1)

    # the busy number comes back to ann after its delay (0 minutes here)
    ann.get_by_role("button", name="Next household").click()
    assert _number(ann) == a1
    ann.get_by_label("Intention").select_option("DK")
    ann.get_by_role("button", name="Answered").click()
    expect(ann.locator("[data-number]")).to_have_count(0)
    assert a1 not in ann.content()
    # going back does not show it again either
    ann.goto(f"/call/{code}/")
    assert a1 not in ann.content()
