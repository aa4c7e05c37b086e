"""At 390 px wide (a phone) no page scrolls sideways: wide tables scroll inside their own
box, inputs and long links stay within the screen."""

import pytest

from groundswell.accounts.models import Role
from tests import factories
from tests.browser.test_motion_flow import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, url: str) -> None:
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{url}: {width}px wide on a {viewport}px screen"


def test_officer_pages_fit_a_phone(browser, live_server):
    north = factories.branch("E14000662", "Derby North")
    admin = signed_in(browser, live_server, factories.user(Role.NATIONAL_ADMIN))
    for url in ("/phonebanks/", "/payments/", "/payments/windows/", "/vetting/"):
        _fits(admin, url)
    organiser = signed_in(browser, live_server, factories.user(Role.BRANCH_ORGANISER, branch=north))
    for url in ("/phonebanks/", "/payments/", "/vetting/"):
        _fits(organiser, url)


def test_a_members_referral_page_fits_a_phone(browser, live_server):
    north = factories.branch("E14000662", "Derby North")
    person = factories.person(branch=north, first_name="Mo", last_name="Member")
    member = signed_in(browser, live_server, factories.user(Role.MEMBER, person=person))
    for url in ("/me/referrals/", "/friends/", "/call/"):
        _fits(member, url)


def test_the_callers_page_fits_a_phone_with_big_outcome_buttons(browser, live_server):
    from datetime import time

    from playwright.sync_api import expect

    from groundswell.reach import services
    from groundswell.reach.models import PhoneBank
    from tests.reach.helpers import seat_with_phones

    north = factories.branch("E14000662", "Derby North")
    seat_with_phones(north, n=2)
    organiser = factories.user(Role.BRANCH_ORGANISER, branch=north)
    bank = services.phone_bank_create(user=organiser, branch=north, name="Calls")
    PhoneBank.objects.update(opens=time(0), closes=time(23, 59, 59))
    caller = signed_in(browser, live_server, factories.user(Role.CANVASSER, email="ann@example.org"))
    caller.get_by_role("link", name="Call", exact=True).click()
    caller.get_by_label("Code").fill(bank.code)
    caller.get_by_role("button", name="Join").click()
    caller.get_by_role("button", name="Next household").click()
    _fits(caller, f"/call/{bank.code}/")
    for name in ("No answer", "Busy", "Answered"):
        box = caller.get_by_role("button", name=name, exact=True).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 120, (name, box)
    caller.get_by_label("Issues").fill("Buses")
    caller.get_by_role("button", name="Do not call…").click()
    expect(caller.locator("[data-confirm-dnc]")).to_be_visible()
    assert caller.get_by_label("Issues").input_value() == "Buses"
    caller.get_by_role("button", name="Yes: they asked not to be called").click()
    expect(caller.get_by_text("Saved: Do not call.")).to_be_visible()
