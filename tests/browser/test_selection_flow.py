"""In Chromium: a member applies, the panel longlists and shortlists with reasons (a decision
without one is refused), confirms the balanced shortlist, and an admin makes the ballot."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groundswell.accounts.models import Role
from groundswell.core.selections.timetable import Timetable
from groundswell.selections import services
from groundswell.selections.models import Selection
from tests import factories
from tests.browser.test_motion_flow import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_shortlist_with_reasons_and_ballot(browser, live_server):
    today = timezone.localdate()
    d = lambda n: today + timedelta(days=n)  # noqa: E731
    north = factories.branch("E14000662", "Derby North")
    org = factories.user(Role.BRANCH_ORGANISER, branch=north)
    s = services.selection_create(
        actor=org,
        branch=north,
        title="Derby North candidate",
        timetable=Timetable(d(-5), d(5), d(7), d(10), d(12), d(20)),
        min_months=12,
        balance_gender="woman",
    )
    jo = factories.user(person=factories.person(branch=north, first_name="Jo"))
    services.application_submit(
        actor=factories.user(person=factories.person(branch=north, first_name="Kim")),
        selection=s,
        statement="Kim's case",
        gender="woman",
    )

    page = signed_in(browser, live_server, jo)
    page.goto(f"{live_server.url}/selections/{s.pk}/")
    page.get_by_label("Statement").fill("Jo's case for Derby North")
    page.get_by_label("Gender (self-declared)").select_option("woman")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("my-status")).to_have_text("Received")

    panel = signed_in(browser, live_server, org)
    panel.goto(f"{live_server.url}/selections/{s.pk}/panel/")
    for i in range(2):
        for stage in ("longlist", "shortlist"):
            card = panel.get_by_test_id("application").nth(i)
            card.locator("select[name=stage]").select_option(stage)
            card.get_by_label("Reason").fill(f"{stage}: strong local record")
            card.get_by_role("button", name="Record").click()
    expect(panel.get_by_test_id("balance")).to_contain_text("balance met")
    panel.get_by_role("button", name="Confirm and publish the shortlist").click()
    expect(panel.get_by_test_id("confirmed")).to_be_visible()

    admin = signed_in(browser, live_server, factories.user(Role.NATIONAL_ADMIN))
    admin.goto(f"{live_server.url}/selections/{s.pk}/panel/")
    admin.get_by_role("button", name="Create the members' ballot").click()
    expect(admin.get_by_test_id("ballot")).to_contain_text("Selection: Derby North candidate")
    assert Selection.objects.get(pk=s.pk).ballot.candidates.count() == 2
