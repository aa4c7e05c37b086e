"""Issue 16 in a real Chromium: a member in arrears pays before the rules' dues date (the
payment recorded from an imported bank file), the ballot opens under its published rules and
the member gets a voting code that works; a supporter signs up inside the window, and the
page refuses once it has closed."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from groundswell.accounts.models import Role
from groundswell.ballots.models import Ballot, Elector
from groundswell.lifecycle import services
from groundswell.lifecycle.models import Rate, Subscription, SupporterSignup, SupporterWindow
from tests import factories
from tests.ballots.factories import draft_ballot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULES = """{"categories": ["member"], "freeze_date": "2016-07-12", "min_membership_months": 6,
 "dues_in_good_standing_by": "2016-08-08"}"""


def test_a_member_in_arrears_pays_by_the_dues_date_and_gets_a_voting_code(
    page, sign_in, browser, live_server, tmp_path
):
    branch = factories.branch()
    rate = Rate.objects.create(name="standard monthly", amount_pence=400, grace_months=6)
    mo = factories.person(branch=branch, first_name="Mo", joined_on=date(2015, 9, 1)).memberships.get()
    late = factories.person(branch=branch, first_name="Lee", joined_on=date(2015, 9, 1)).memberships.get()
    for m in (mo, late):
        Subscription.objects.create(membership=m, rate=rate)
    head = "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
    head += "Debit Amount,Credit Amount,Balance\n"
    nine_months = "".join(
        f"01/{(8 + i) % 12 + 1:02d}/{2015 + (8 + i) // 12},FPI,,,{m.membership_number},,4.00,0\n"
        for m in (mo, late)
        for i in range(9)
    )  # September 2015 to May 2016: paid up to 1 June, in arrears at the freeze
    data = (head + nine_months).encode()
    services.payments_import(user=None, fmt="bank_csv", filename="2015-16.csv", data=data)
    ro = factories.user(Role.RETURNING_OFFICER)
    ballot = draft_ballot(ro, title="Leader 2016", opens_in=timedelta(days=1), closes_in=timedelta(days=3),
                          freeze_date=date(2016, 7, 12))  # fmt: skip

    sign_in(ro)
    page.goto(f"/payments/rules/{ballot.pk}/publish/")
    page.get_by_label("Rules (JSON)").fill(RULES)
    page.get_by_label("What changed").fill("the NEC's rules for 2016")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("button", name="Confirm: publish").click()
    expect(page.get_by_test_id("current-rules")).to_contain_text(
        "Dues of members must be in good standing by 8 August 2016"
    )

    # the national office imports August's bank statement: Mo paid on the 5th, Lee on the 9th
    admin_page = browser.new_context(base_url=live_server.url)
    officer = admin_page.new_page()
    officer.set_default_timeout(15_000)
    officer.goto("/accounts/login/")
    admin = factories.user(Role.NATIONAL_ADMIN)
    officer.get_by_label("Email").fill(admin.email)
    officer.get_by_label("Password").fill(factories.PASSWORD)
    officer.get_by_role("button", name="Sign in").click()
    officer.wait_for_url("**/")
    statement = tmp_path / "august.csv"
    august = f"05/08/2016,FPI,,,{mo.membership_number},,12.00,0\n"
    august += f"09/08/2016,FPI,,,{late.membership_number},,12.00,0\n"
    statement.write_text(head + august)
    officer.goto("/payments/")
    officer.get_by_label("File").set_input_files(str(statement))
    officer.get_by_label("Format").select_option("bank_csv")
    officer.get_by_role("button", name="Import").click()
    officer.get_by_text("2 row(s) recorded: 2 matched").wait_for()
    admin_page.close()

    page.goto(f"/ballots/{ballot.pk}/")
    page.get_by_role("button", name="Open the ballot").click()
    page.wait_for_load_state()
    electors = set(Elector.objects.filter(ballot=ballot).values_list("person_id", flat=True))
    assert electors == {mo.person_id}  # Lee paid a day after the dues date
    to_mo = [m for m in mail.outbox if mo.person.email in m.to]
    assert to_mo and not [m for m in mail.outbox if late.person.email in m.to]
    code = re.search(r"/vote/\?code=(\S+)", to_mo[-1].body).group(1)

    # the day voting starts (the rules had to be published before it, so it was tomorrow)
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    voter = browser.new_context(base_url=live_server.url).new_page()
    voter.goto(f"/vote/?code={code}")
    voter.get_by_role("button", name="Continue").click()
    expect(voter.get_by_role("heading", name="Leader 2016")).to_be_visible()
    voter.context.close()


def test_a_supporter_signs_up_inside_the_window_and_is_refused_after_it(page):
    now = timezone.now()
    window = services.window_create(
        user=None, slug="july", name="July supporters", fee_pence=2500, branch=factories.branch(),
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=47),
    )  # fmt: skip
    page.goto("/supporters/july/")
    page.get_by_label("First name").fill("Sue")
    page.get_by_label("Last name").fill("Porter")
    page.get_by_label("Email", exact=True).fill("sue@example.org")
    page.get_by_label("Postcode").fill("de22 1ab")
    page.get_by_label("Fee payment reference").fill("SUP-2016-0001")
    page.get_by_role("button", name="Register as a supporter").click()
    expect(page.get_by_text("I make this declaration")).to_be_visible()  # the browser asks for the tick
    assert not SupporterSignup.objects.exists()
    page.get_by_label("I make this declaration").check()
    page.get_by_role("button", name="Register as a supporter").click()
    expect(page.get_by_test_id("signed-up")).to_be_visible()
    signup = SupporterSignup.objects.get()
    assert signup.membership.category == "registered_supporter"

    SupporterWindow.objects.filter(pk=window.pk).update(
        opens_at=now - timedelta(hours=49), closes_at=now - timedelta(minutes=1)
    )
    page.goto("/supporters/july/")
    expect(page.get_by_test_id("window-state")).to_contain_text("Sign-up closed")
    expect(page.get_by_label("Email", exact=True)).to_have_count(0)
