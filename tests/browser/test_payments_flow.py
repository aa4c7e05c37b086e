"""An officer imports a GoCardless export, matches an unmatched row by hand and reads the
member's standing (issue 16), in a real Chromium."""

from datetime import date

import pytest

from groundswell.accounts.models import Role
from groundswell.lifecycle.models import Rate
from tests import factories
from tests.lifecycle import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_match_and_standing(page, sign_in, tmp_path):
    Rate.objects.create(name="standard monthly", amount_pence=417, is_default=True)
    north = factories.branch()
    ann = factories.person(branch=north, joined_on=date(2016, 6, 1)).memberships.get()
    sign_in(factories.user(Role.BRANCH_ORGANISER, branch=north))
    export = tmp_path / "gocardless-june.csv"
    export.write_bytes(samples.GOCARDLESS)

    page.goto("/payments/")
    page.get_by_label("File").set_input_files(str(export))
    page.get_by_label("Format").select_option("gocardless")
    page.get_by_role("button", name="Import").click()
    page.get_by_text("4 row(s) recorded").wait_for()

    row = page.locator("tr", has_text="MD000AAA1")
    row.get_by_role("textbox", name="membership number").fill(ann.membership_number)
    row.get_by_role("button", name="Match").click()
    page.get_by_test_id("consequences").wait_for()  # the payment and the member, to confirm
    page.get_by_role("button", name="Yes, match them").click()
    page.get_by_text(f"matched to {ann.membership_number}").wait_for()
    assert page.locator("tr", has_text="MD000AAA1").count() == 0  # out of the queue

    # the same file again changes nothing
    page.get_by_label("File").set_input_files(str(export))
    page.get_by_label("Format").select_option("gocardless")
    page.get_by_role("button", name="Import").click()
    page.get_by_text("was already imported").wait_for()

    page.goto(f"/payments/memberships/{ann.pk}/?on=2016-06-15")
    page.get_by_text("in good standing").wait_for()
    page.get_by_label("As at").fill("2016-07-15")
    page.get_by_role("button", name="Show").click()
    page.get_by_text("in arrears since 1 July 2016").wait_for()
