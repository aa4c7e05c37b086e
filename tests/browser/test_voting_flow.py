"""An elector votes on a phone; the paper is sealed in the browser, audited once, sealed
afresh and cast; the trustees count; the receipt is on the published board, and the
stand-alone verifier passes on the published files. And the same without JavaScript."""

import base64
import hashlib
import json
import re
import urllib.parse

import pytest
from playwright.sync_api import expect

from groundswell.accounts.models import Role
from groundswell.ballots.models import Ballot, Paper, PublishedFile
from groundswell.core.ballotbox import sealing
from groundswell.core.ballotbox.verify import verify_board
from tests.ballots.factories import SHARES, code_for, draft_ballot, open_ballot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _officer(browser, live_server, ro):
    officer = browser.new_context(base_url=live_server.url).new_page()
    officer.set_default_timeout(15_000)
    officer.goto("/accounts/login/")
    officer.get_by_label("Email").fill(ro.email)
    officer.get_by_label("Password").fill("correct horse battery staple")
    officer.get_by_role("button", name="Sign in").click()
    return officer


def test_the_vote_is_sealed_in_the_browser_audited_cast_counted_and_on_the_board(
    page, browser, live_server, users, tmp_path
):
    ro = users[Role.RETURNING_OFFICER]
    ballot = open_ballot(draft_ballot(ro, title="Leadership election", candidates=("Ann", "Bob", "Cat")))
    code = code_for(ballot, users[Role.MEMBER].person)
    posts: list = []
    page.on("request", lambda r: posts.append((r.url, r.post_data or "")) if r.method == "POST" else None)

    page.goto(f"/vote/?code={code}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Leadership election")).to_be_visible()
    expect(page.get_by_test_id("protection")).to_contain_text("trustees")
    expect(page.locator("#ballot-form[data-sealing=ready]")).to_be_attached()
    page.get_by_label("Preference for Cat").select_option("1")
    page.get_by_label("Preference for Ann").select_option("2")
    page.get_by_label("Preference for Bob").select_option("2")  # a mistake: two number 2s
    page.get_by_role("button", name="Review my vote").click()
    expect(page.locator("#seal-error")).to_contain_text("number 2 to more than one candidate")
    page.get_by_label("Preference for Bob").select_option("3")
    page.get_by_role("button", name="Review my vote").click()
    expect(page.get_by_test_id("review-ranking").locator("li")).to_have_text(["Cat", "Ann", "Bob"])
    first_tracker = page.get_by_test_id("tracker-preview").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", first_tracker)

    # Audit this paper instead of casting it: it holds exactly Cat, Ann, Bob.
    page.get_by_text("Check the sealing first").click()
    page.get_by_role("button", name="Audit this sealed paper instead of casting it").click()
    audited = json.loads(page.get_by_test_id("audit-json").inner_text())
    assert audited["tracker"] == first_tracker and audited["ranking_names"] == ["Cat", "Ann", "Bob"]
    check = sealing.verify_audit(
        public_bytes=bytes.fromhex(audited["public_key"]),
        info=audited["info"].encode(),
        n_candidates=3,
        ranking=audited["ranking"],
        ikm=bytes.fromhex(audited["ephemeral_ikm"]),
        sealed=base64.b64decode(audited["sealed"]),
    )
    assert check.ok
    lie = sealing.verify_audit(
        public_bytes=bytes.fromhex(audited["public_key"]),
        info=audited["info"].encode(),
        n_candidates=3,
        ranking=[0, 2, 1],
        ikm=bytes.fromhex(audited["ephemeral_ikm"]),
        sealed=base64.b64decode(audited["sealed"]),
    )
    assert not lie.ok  # the same paper does not pass for another ranking

    # Seal afresh and cast: a new paper, a new tracker.
    page.get_by_role("button", name="Seal my vote afresh").click()
    tracker = page.get_by_test_id("tracker-preview").inner_text().strip()
    assert tracker != first_tracker
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_test_id("tracker")).to_have_text(tracker)

    # What went over the wire: no ranking anywhere, and the tracker shown is the SHA-256 of
    # the sealed paper that was sent.
    cast = [body for url, body in posts if url.endswith("/vote/cast/")]
    assert len(cast) == 1
    form = urllib.parse.parse_qs(cast[0])
    assert set(form) == {"csrfmiddlewaretoken", "sealed", "tracker"}
    assert hashlib.sha256(base64.b64decode(form["sealed"][0])).hexdigest() == tracker
    assert not any("rank" in body or "choice" in body for _, body in posts)
    assert not any(url.endswith("/vote/ballot/") for url, _ in posts)

    # the same code cannot vote again
    page.goto(f"/vote/?code={code}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("already been used")

    # The returning officer closes early (and must confirm), the trustee counts, publishes.
    officer = _officer(browser, live_server, ro)
    officer.goto(f"/ballots/{ballot.pk}/")
    officer.get_by_role("button", name="Close voting").click()
    expect(officer.get_by_test_id("consequences")).to_contain_text("Confirm to close early")
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.OPEN  # nothing happened yet
    officer.get_by_role("button", name="Yes, I understand").click()
    expect(officer.get_by_test_id("ballot-status")).to_contain_text("Closed")
    officer.get_by_role("link", name="Count: the trustees give their shares").click()
    officer.get_by_label(re.compile("Trustee 1")).fill("wrong " * 33)
    officer.get_by_role("button", name="Open the box and count").click()
    expect(officer.get_by_test_id("count-error")).to_be_visible()
    officer.get_by_label(re.compile("Trustee 1")).fill(SHARES[ballot.pk][0])
    officer.get_by_role("button", name="Open the box and count").click()
    expect(officer.get_by_test_id("ballot-status")).to_have_text("Counted")
    officer.get_by_role("button", name="Publish the result").click()
    officer.get_by_role("button", name="Yes, I understand").click()
    expect(officer.get_by_test_id("ballot-status")).to_have_text("Published")

    # Anyone: the result, the receipt on the board, and the verifier on the published files.
    page.goto(f"/ballots/{ballot.pk}/results/")
    expect(page.get_by_test_id("winners")).to_have_text("Cat")
    page.goto(f"/ballots/{ballot.pk}/verify/")
    page.get_by_placeholder("your tracker").fill(tracker)
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_test_id("tracker-result")).to_contain_text("published board")
    page.get_by_placeholder("your tracker").fill(first_tracker)  # the audited paper was never cast
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_test_id("tracker-result")).to_contain_text("Not found")
    for f in PublishedFile.objects.filter(ballot=ballot):
        (tmp_path / f.name).write_bytes(bytes(f.content))
    assert tracker in (tmp_path / "board.jsonl").read_text()
    report = verify_board(tmp_path, tracker_to_find=tracker)
    assert report.ok, report.lines()


def test_without_javascript_the_server_seals_the_paper_on_receipt(browser, live_server, users):
    ro = users[Role.RETURNING_OFFICER]
    ballot = open_ballot(draft_ballot(ro, title="No script", candidates=("Ann", "Bob", "Cat")))
    code = code_for(ballot, users[Role.MEMBER].person)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"/vote/?code={code}")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Preference for Bob").select_option("1")
    page.get_by_role("button", name="Review my vote").click()
    expect(page.get_by_text("this server seals it as it arrives")).to_be_visible()
    page.get_by_role("button", name="Cast my vote").click()
    tracker = page.get_by_test_id("tracker").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", tracker)
    context.close()
    from tests.ballots.factories import close_and_count

    close_and_count(ballot, ro)
    assert [p.ranking for p in Paper.objects.filter(ballot=ballot)] == [[1]]
