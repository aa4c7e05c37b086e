"""An excluded registered supporter reads why on her page and appeals; she votes with her code
and the page tells her it is a tendered ballot (sealed in the browser, set aside); the appeal
panel allows her appeal before the count; the trustee counts, and her paper is in the count."""

import re

import pytest
from playwright.sync_api import expect

from groundswell.accounts.models import Role
from groundswell.ballots import services as ballots
from groundswell.ballots.models import Ballot, SealedBallot, TenderedPaper
from groundswell.vetting.models import Appeal
from tests import factories
from tests.ballots.factories import SHARES
from tests.vetting.helpers import code, exclude, open_supporters_ballot, panel_member, supporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(browser, live_server, user):
    page = browser.new_context(base_url=live_server.url).new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def test_an_excluded_supporter_appeals_tenders_is_reinstated_and_her_paper_is_counted(
    page, browser, live_server, users, branches, sign_in
):
    north, _ = branches
    ro, admin = users[Role.RETURNING_OFFICER], users[Role.NATIONAL_ADMIN]
    voters = [factories.person(branch=north) for _ in range(3)]
    sue = supporter(north, first_name="Sue", email="sue.tenders@example.org")
    sue_user = factories.user(person=sue, email="sue.tenders@example.org")
    ballot = open_supporters_ballot(ro, title="Leadership election", candidates=("Ann", "Bob", "Cat"))
    for person in voters:
        ballots.ballot_cast(credential=code(ballot, person), ranking=[0])
    exclude(admin, ballot, sue, evidence="Threatening posts on 3 May (screenshots held)")
    panel = panel_member(admin)
    sue_code = code(ballot, sue)

    # Sue reads why, and appeals before the deadline.
    sign_in(sue_user)
    page.goto("/me/vetting/")
    case = page.get_by_test_id("my-exclusion")
    expect(case).to_contain_text("Abusive or threatening conduct")
    expect(case).to_contain_text("screenshots held")
    expect(page.get_by_test_id("deadline")).to_contain_text("You can appeal until")
    page.get_by_label("Why the exclusion is wrong").fill("Those posts came from a fake account in my name.")
    page.get_by_role("button", name="Appeal").click()
    expect(page.get_by_test_id("decision")).to_contain_text("not decided yet")

    # She votes: the page says it will be a tendered ballot; sealed in the browser as any other.
    page.goto(f"/vote/?code={sue_code}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("tendered-notice")).to_contain_text("tendered ballot")
    expect(page.locator("#ballot-form[data-sealing=ready]")).to_be_attached()
    page.get_by_label("Preference for Cat").select_option("1")
    page.get_by_role("button", name="Review my vote").click()
    tracker = page.get_by_test_id("tracker-preview").inner_text().strip()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_test_id("tendered-receipt")).to_contain_text("set aside")
    expect(page.get_by_test_id("tracker")).to_have_text(tracker)
    assert TenderedPaper.objects.filter(tracker=tracker).exists()
    assert not SealedBallot.objects.filter(tracker=tracker).exists()  # not in the box

    # The panel allows the appeal, with reasons, and confirms (the decision is final).
    judge = _signed_in(browser, live_server, panel)
    judge.goto("/vetting/appeals/")
    appeal = judge.get_by_test_id("appeal")
    expect(appeal).to_contain_text("fake account")
    appeal.get_by_label("Allow (reinstate)").check()
    appeal.get_by_label("Reasons").fill(
        "The posts are from an impostor account; the evidence does not show it is hers."
    )
    appeal.get_by_role("button", name="Record the decision").click()
    expect(judge.get_by_test_id("consequences")).to_contain_text("final")
    judge.get_by_role("button", name="Yes, I understand: record it").click()
    expect(judge.get_by_test_id("decision")).to_contain_text("Allowed")
    expect(judge.get_by_test_id("decision")).to_contain_text("admitted to the count")
    assert Appeal.objects.get().paper == Appeal.Paper.ADMITTED

    # The returning officer closes; the trustee gives her share; the box is counted.
    officer = _signed_in(browser, live_server, ro)
    officer.goto(f"/ballots/{ballot.pk}/")
    officer.get_by_role("button", name="Close voting").click()
    officer.get_by_role("button", name="Yes, I understand").click()
    expect(officer.get_by_test_id("ballot-status")).to_contain_text("Closed")
    officer.get_by_role("link", name="Count: the trustees give their shares").click()
    officer.get_by_label(re.compile("Trustee 1")).fill(SHARES[ballot.pk][0])
    officer.get_by_role("button", name="Open the box and count").click()
    expect(officer.get_by_test_id("ballot-status")).to_have_text("Counted")

    # Her paper was counted: four valid papers, Cat's one first preference is hers.
    counted = Ballot.objects.get(pk=ballot.pk).result
    assert counted["valid"] == 4 and counted["rounds"][0]["tallies"]["Cat"] == 1
    assert counted["tendered"] == {"admitted": 1, "not_admitted": 0}
    officer.goto(f"/ballots/{ballot.pk}/results/")
    expect(officer.get_by_test_id("tendered-counts")).to_contain_text(
        "admitted to the count (appeal allowed before it): 1"
    )
    page.goto(f"/ballots/{ballot.pk}/verify/?tracker={tracker}")
    expect(page.get_by_test_id("tracker-result")).to_contain_text("in the ballot box")
    assert not TenderedPaper.objects.exists()
