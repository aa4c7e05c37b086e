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
