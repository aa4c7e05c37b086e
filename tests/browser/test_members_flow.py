"""What an organiser does in the browser: sign in, import (and fix) a file, find a member."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groundswell.accounts.models import Role
from groundswell.members.models import Membership
from tests import factories
from tests.members.helpers import row, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_a_wrong_password_shows_an_error_then_the_right_one_works(page, users):
    user = users[Role.NATIONAL_ADMIN]
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("not it")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct email")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Membership")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()


def test_upload_with_three_bad_rows_lists_them_then_the_fixed_file_imports(page, sign_in, users, tmp_path):
    sign_in(users[Role.BRANCH_ORGANISER])
    today = timezone.localdate()  # an organiser's new members join today (members.policies)
    bad_rows = [
        row("N1", "Grace", "Hopper", "grace@example.org", joined=today.isoformat()),
        row("N2", "Alan", "Turing", "alan@example.org", joined=today.strftime("%d/%m/%Y")),
        row("N3", "Katherine", "Johnson", "kj@", postcode="DE22 1AB", joined=today.isoformat()),
        row("N4", "Dorothy", "Vaughan", "dv@example.org", category="comrade", joined=today.isoformat()),
        row("N5", "Mary", "Jackson", "mj@example.org", joined=today.isoformat()),
    ]
    bad = write_csv(tmp_path / "members.csv", bad_rows)
    page.goto("/members/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Check and import").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    expect(page.get_by_test_id("import-status")).to_have_text("Rejected: nothing imported")
    lines = errors.locator("tbody tr td:first-child").all_inner_texts()
    assert lines == ["3", "4", "5"]
    expect(errors).to_contain_text("joined_on")
    expect(errors).to_contain_text("email")
    expect(errors).to_contain_text("category")
    assert not Membership.objects.filter(membership_number__startswith="N").exists()

    fixed_rows = [r[:] for r in bad_rows]
    fixed_rows[1][9] = today.isoformat()
    fixed_rows[2][3] = "kj@example.org"
    fixed_rows[3][7] = "member"
    fixed = write_csv(tmp_path / "members-fixed.csv", fixed_rows)
    page.goto("/members/import/")
    page.set_input_files("input[type=file]", str(fixed))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Imported")
    assert Membership.objects.filter(membership_number__startswith="N").count() == 5

    page.goto("/members/")
    page.get_by_role("searchbox", name="Search members").fill("Vaughan")
    expect(page.get_by_test_id("result-count")).to_have_text("1 membership")
    page.get_by_role("link", name="Dorothy Vaughan").click()
    expect(page.get_by_role("heading", name="Dorothy Vaughan")).to_be_visible()
    expect(page.locator("main")).to_contain_text("dv@example.org")


def test_an_organiser_cannot_open_a_member_of_another_branch(page, sign_in, users, branches):
    _, south = branches
    other = factories.person(branch=south, first_name="Sid", last_name="South")
    sign_in(users[Role.BRANCH_ORGANISER])
    response = page.goto(f"/members/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    api = page.request.get(f"/api/people/{other.pk}")
    assert api.status == 404
    # and they do not find that member by searching either
    page.goto("/members/?q=South")
    expect(page.get_by_test_id("result-count")).to_have_text("0 memberships")


def test_a_member_downloads_their_own_data(page, sign_in, users):
    sign_in(users[Role.MEMBER])
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Download everything")).click()
    data = info.value.path().read_text()
    assert '"last_name": "Member"' in data
