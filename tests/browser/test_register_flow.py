"""An organiser imports electoral register files in the browser: a monthly update changes only
its own rows; a full register that would mark most of the seat as left shows who and asks."""

import csv

import pytest
from playwright.sync_api import expect

from groundswell.accounts.models import Role
from groundswell.core.formats.register_csv import HEADER, UPDATE_HEADER
from groundswell.groundgame.importing import register_import
from groundswell.groundgame.models import Constituency, Elector
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
N = 60


def row(number, first, last, line1):
    return ["NA1", str(number), "", "", "", first, last, line1, "Derby", "", "", "DE22 1AB", "", ""]


def write(path, rows, header=HEADER):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def organiser(tmp_path):
    north = factories.branch("E14000662", "Derby North")
    seat = Constituency.objects.create(
        ons_code="E14000662", name="Derby North", latitude=52.92, longitude=-1.52, branch=north
    )
    full = [row(i, f"First{i}", f"Last{i}", f"{i} High Street") for i in range(1, N + 1)]
    assert register_import(constituency=seat, path=write(tmp_path / "full.csv", full), mode="full").ok
    return factories.user(Role.BRANCH_ORGANISER, branch=north)


def electors():
    return {e.elector_number: (e.first_name, e.last_name, e.left_on) for e in Elector.objects.all()}


def test_a_monthly_update_file_changes_only_its_rows(page, sign_in, organiser, tmp_path):
    before = electors()
    update = write(
        tmp_path / "update-feb.csv",
        [
            ["A", *row(61, "New", "Neighbour", "61 High Street")],
            ["=Feb", *row(2, "First2", "Married-Name", "2 High Street")],
            ["D", "NA1", "4", *[""] * 12],
        ],
        header=UPDATE_HEADER,
    )
    sign_in(organiser)
    page.goto("/register/E14000662/")
    page.get_by_label("A monthly update").check()
    page.set_input_files("input[type=file]", str(update))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Imported")
    expect(page.get_by_text("1 new, 1 updated, 1 marked as left")).to_be_visible()
    after = electors()
    assert len(after) == N + 1 and after["2"][1] == "Married-Name" and after["4"][2] is not None
    assert all(after[k] == before[k] for k in set(before) - {"2", "4"})


def test_a_full_register_that_marks_most_as_left_shows_who_and_asks_first(page, sign_in, organiser, tmp_path):
    two = write(
        tmp_path / "two.csv",
        [row(1, "First1", "Last1", "1 High Street"), row(2, "First2", "Last2", "2 High Street")],
    )
    sign_in(organiser)
    page.goto("/register/E14000662/")
    page.get_by_label("The full register").check()
    page.set_input_files("input[type=file]", str(two))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Waiting for your confirmation")
    expect(page.get_by_test_id("leaving")).to_have_text("58 of the 60 electors")
    expect(page.get_by_test_id("import-consequences")).to_contain_text("First3 Last3")
    assert not Elector.objects.filter(left_on__isnull=False).exists()  # nothing yet
    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Imported")
    expect(page.get_by_text("58 marked as left")).to_be_visible()
    assert Elector.objects.filter(left_on__isnull=False).count() == N - 2
