"""A member proposes a motion, two others support it, an amendment is shown as a diff and
carried, and the branch's secret vote closes with counts and turnout on the page."""

import pytest
from playwright.sync_api import expect

from groundswell.ballots.models import SealedBallot
from groundswell.motions.models import Motion
from tests import factories
from tests.factories import PASSWORD
from tests.motions.helpers import member, rules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    page = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def vote(page, motion_url, choice, which=0):
    page.goto(motion_url)
    form = page.locator("form[action*='/vote/']").nth(which)
    form.get_by_label(choice).check()
    form.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_text("Your vote is cast")).to_be_visible()


def test_motion_from_proposal_to_published_result(browser, live_server):
    north = factories.branch("E14000662", "Derby North")
    rules(support_count=2)
    pat, sam, kim = (member(north, first_name=n) for n in ("Pat", "Sam", "Kim"))
    organiser = factories.user("branch_organiser", branch=north)

    proposer = signed_in(browser, live_server, pat)
    proposer.get_by_role("link", name="Motions").click()
    proposer.get_by_role("link", name="Propose a motion").click()
    proposer.get_by_label("Title").fill("Bring rail into public ownership")
    proposer.get_by_label("Subject").fill("Transport")
    proposer.get_by_label("Text").fill("This branch calls for the public ownership of rail.")
    proposer.get_by_role("button", name="Propose").click()
    expect(proposer.get_by_test_id("supports")).to_have_text("0 of 2 supports needed to go to a vote")
    motion_url = proposer.url

    second = signed_in(browser, live_server, sam)
    second.goto(motion_url)
    second.get_by_role("link", name="Propose an amendment").click()
    second.get_by_label("Delete these words").fill("public ownership of rail.")
    second.get_by_label("Insert").fill("public ownership of rail and buses.")
    second.get_by_role("button", name="Propose the amendment").click()
    diff = second.get_by_test_id("amendment").get_by_test_id("diff")
    expect(diff.locator("del")).to_have_text("rail.")
    expect(diff.locator("ins")).to_have_text("rail and buses.")
    second.get_by_role("button", name="Support this motion").click()
    expect(second.get_by_test_id("supports")).to_have_text("1 of 2 supports needed to go to a vote")

    third = signed_in(browser, live_server, kim)
    third.goto(motion_url)
    third.get_by_role("button", name="Support this motion").click()
    expect(third.get_by_test_id("status")).to_have_text("Voting on amendments")

    # the amendment is voted on first: two for, one against
    vote(third, motion_url, "For")
    vote(second, motion_url, "For")
    vote(proposer, motion_url, "Against")
    expect(proposer.get_by_text("You have voted")).to_be_visible()

    chair = signed_in(browser, live_server, organiser)
    chair.goto(motion_url)
    chair.get_by_role("button", name="Close the amendment votes and count").click()
    expect(chair.get_by_test_id("amendment-status")).to_have_text("Carried")
    expect(chair.get_by_test_id("status")).to_have_text("Voting")
    expect(chair.get_by_test_id("motion-text").locator("ins")).to_have_text("rail and buses.")

    # then the motion as amended: a secret vote of the branch
    vote(proposer, motion_url, "For")
    vote(second, motion_url, "For")
    vote(third, motion_url, "Abstain")
    chair.goto(motion_url)
    chair.get_by_role("button", name="Close the vote and count").click()
    expect(chair.get_by_test_id("status")).to_have_text("Carried")
    result = chair.locator(f"[data-testid=vote-{Motion.objects.get().ballot_id}]")
    expect(result).to_contain_text("For 2, Against 0, Abstain 1")
    expect(result).to_contain_text("Turnout 3 of 3 (100.0%)")
    expect(result.locator("svg")).to_be_visible()
    # secret: the cast ballots hold the choice and a tracker, nothing naming the voter
    assert SealedBallot.objects.filter(ballot=Motion.objects.get().ballot).count() == 3


def test_closing_a_motion_vote_early_shows_who_it_shuts_out_and_needs_confirming(browser, live_server):
    branch = factories.branch(name="Derby North")
    rules(support_count=2)
    pat, sam, kim, _lee = (member(branch, first_name=n) for n in ("Pat", "Sam", "Kim", "Lee"))
    organiser = factories.user("branch_organiser", branch=branch)
    from groundswell.motions import services

    motion = services.motion_propose(user=pat, branch=branch, title="Rail", subject="Transport", text="Rail.")
    services.motion_support(user=sam, motion=motion)
    services.motion_support(user=kim, motion=motion)  # commits: the vote opens, closing in days
    motion_url = f"/motions/{motion.pk}/"
    vote(signed_in(browser, live_server, pat), motion_url, "For")

    chair = signed_in(browser, live_server, organiser)
    chair.goto(motion_url)
    chair.get_by_role("button", name="Close the vote and count").click()
    expect(chair.get_by_test_id("consequences")).to_contain_text("3 members who have not voted")
    expect(chair.get_by_test_id("not-voted")).to_have_text("3")
    motion.refresh_from_db()
    assert motion.status == Motion.Status.VOTING and motion.ballot.status == "open"  # nothing closed yet
    chair.get_by_role("link", name="No, go back").click()
    expect(chair.get_by_test_id("status")).to_have_text("Voting")
    chair.get_by_role("button", name="Close the vote and count").click()
    chair.get_by_role("button", name="Yes, close now").click()
    expect(chair.get_by_test_id("status")).to_have_text("Carried")
