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
    # the days pass: the panel decides once applications have closed, per the timetable
    Selection.objects.filter(pk=s.pk).update(applications_close=d(-1))

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


def test_applied_nominated_shortlisted_hustings_voted_and_published(browser, live_server):
    """Issue 18's flow end to end: an applicant applies, a union's nomination is recorded and
    shown to them, the panel shortlists; a member RSVPs to the hustings and votes in the
    sealed IRV ballot; the result is published and reached from the selection's page."""
    import re
    from datetime import datetime, time

    from groundswell.events.models import Rsvp
    from tests.ballots.factories import close_and_count, code_for, open_ballot

    today = timezone.localdate()
    d = lambda n: today + timedelta(days=n)  # noqa: E731
    north = factories.branch("E14000662", "Derby North")
    org = factories.user(Role.BRANCH_ORGANISER, branch=north)
    admin = factories.user(Role.NATIONAL_ADMIN)
    services.affiliate_set_kind(actor=admin, name="Unite", kind="trade_union")
    s = services.selection_create(
        actor=org,
        branch=north,
        title="Derby North candidate",
        timetable=Timetable(d(-5), d(1), d(2), d(3), d(5), d(9)),
    )
    services.application_submit(
        actor=factories.user(person=factories.person(branch=north, first_name="Kim", last_name="Kay")),
        selection=s,
        statement="Kim's case",
        gender="woman",
    )
    jo = factories.user(person=factories.person(branch=north, first_name="Jo", last_name="Jay"))
    voter = factories.user(person=factories.person(branch=north, first_name="Mo", last_name="Voter"))

    page = signed_in(browser, live_server, jo)
    page.goto(f"{live_server.url}/selections/{s.pk}/")
    page.get_by_label("Statement").fill("Jo's case for Derby North")
    page.get_by_label("Gender (self-declared)").select_option("woman")
    page.get_by_label("Trade union").select_option("Unite")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("my-status")).to_have_text("Received")

    panel = signed_in(browser, live_server, org)
    panel.goto(f"{live_server.url}/selections/{s.pk}/panel/")
    panel.get_by_text("Record an affiliate's nomination").click()
    panel.get_by_label("Nominee").select_option(label="Jo Jay")
    panel.get_by_label("Decided by").fill("Unite regional committee")
    panel.get_by_label("Decided on").fill(today.isoformat())
    panel.get_by_label("Minutes reference").fill("RC minutes item 4")
    panel.get_by_role("button", name="Record the nomination").click()
    expect(panel.get_by_test_id("nominations")).to_contain_text("Unite: Jo Jay")
    page.reload()
    expect(page.get_by_test_id("my-nominations")).to_contain_text("Unite")
    expect(page.get_by_test_id("my-nominations")).to_contain_text("RC minutes item 4")
    # the days pass: the panel decides once applications have closed, per the timetable
    Selection.objects.filter(pk=s.pk).update(applications_close=d(-1))
    panel.reload()

    for i in range(2):
        for stage in ("longlist", "shortlist"):
            card = panel.get_by_test_id("application").nth(i)
            card.locator("select[name=stage]").select_option(stage)
            card.get_by_label("Reason").fill(f"{stage}: strong local record")
            card.get_by_role("button", name="Record").click()
    panel.get_by_label("Day", exact=True).fill(d(3).isoformat())
    panel.get_by_label("Place").fill("Sikh Community Centre")
    panel.get_by_role("button", name="Add a hustings").click()
    panel.get_by_role("button", name="Confirm and publish the shortlist").click()
    expect(panel.get_by_test_id("confirmed")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("my-status")).to_have_text("Shortlisted")

    member = signed_in(browser, live_server, voter)
    member.goto(f"{live_server.url}/selections/{s.pk}/")
    expect(member.get_by_test_id("shortlist")).to_contain_text("Jo Jay")
    member.get_by_test_id("hustings").get_by_role("link").click()
    member.get_by_role("button", name="I'm going").click()
    event = s.hustings_events.get().event
    assert Rsvp.objects.get(event=event, person=voter.person).status == "going"
    assert timezone.localtime(event.starts_at).time() == time(19) and isinstance(event.starts_at, datetime)

    admin_page = signed_in(browser, live_server, admin)
    admin_page.goto(f"{live_server.url}/selections/{s.pk}/panel/")
    admin_page.get_by_role("button", name="Create the members' ballot").click()
    expect(admin_page.get_by_test_id("ballot")).to_be_visible()
    from groundswell.ballots.models import Ballot

    ballot = Selection.objects.get(pk=s.pk).ballot
    assert ballot.opens_at.date() == d(5)  # on the published timetable; now let the days pass:
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    ballot = open_ballot(Ballot.objects.get(pk=ballot.pk))  # the officer opens it; codes go out
    member.goto(f"{live_server.url}/vote/?code={code_for(ballot, voter.person)}")
    member.get_by_role("button", name="Continue").click()
    member.get_by_label(re.compile("Preference for Jo Jay")).select_option("1")
    member.get_by_role("button", name="Review my vote").click()
    member.get_by_role("button", name="Cast my vote").click()
    expect(member.get_by_test_id("tracker")).to_be_visible()

    close_and_count(ballot, admin)
    from groundswell.ballots import services as ballot_services

    ballot_services.ballot_publish(ballot=ballot, actor=admin, confirm=True)
    member.goto(f"{live_server.url}/selections/{s.pk}/")
    member.get_by_test_id("result").click()
    expect(member.get_by_test_id("winners")).to_have_text("Jo Jay")
