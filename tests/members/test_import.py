"""Importing members: all or nothing, idempotent, one person however many memberships."""

from datetime import date

import pytest

from groundswell.members import importing
from groundswell.members.importing import members_import
from groundswell.members.models import DuplicateCandidate, Membership, Person
from groundswell.members.selectors import eligible_electorate
from tests.members.helpers import row, write_csv


@pytest.fixture
def good_file(tmp_path, branches):
    return write_csv(
        tmp_path / "members.csv",
        [
            row("L1", "Ada", "Lovelace", "ada@example.org"),
            row("L2", "Bob", "Smith", "bob@example.org", category="registered_supporter"),
            row(
                "L3",
                "Cy",
                "Jones",
                "cy@example.org",
                branch="Derby South",
                category="affiliated_supporter",
                affiliate="GMB",
            ),
        ],
    )


def test_a_valid_file_imports_every_row(good_file):
    result = members_import(path=good_file)
    assert result.ok and result.rows == 3
    assert Membership.objects.count() == 3 and Person.objects.count() == 3
    cy = Membership.objects.get(membership_number="L3")
    assert cy.branch.name == "Derby South" and cy.affiliate.name == "GMB"
    assert result.new_affiliates == ["GMB"]


def test_importing_the_same_file_twice_changes_nothing(good_file):
    members_import(path=good_file)
    before = list(Membership.objects.values_list("pk", "person_id", "category").order_by("pk"))
    again = members_import(path=good_file)
    assert again.ok and again.created_memberships == 0 and again.updated_memberships == 0
    assert list(Membership.objects.values_list("pk", "person_id", "category").order_by("pk")) == before


def test_a_file_with_three_bad_rows_imports_nothing_and_lists_all_three(tmp_path, branches):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            row("L1", email="ada@example.org"),
            row("L2", joined="01/02/2015"),
            row("L3", category="comrade"),
            row("L4", branch="Atlantis"),
            row("L5", email="ok@example.org"),
        ],
    )
    result = members_import(path=path)
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(3, "joined_on"), (4, "category"), (5, "branch")]
    assert Membership.objects.count() == 0 and Person.objects.count() == 0


def test_an_updated_file_updates_memberships_by_number(good_file, tmp_path):
    members_import(path=good_file)
    newer = write_csv(
        tmp_path / "newer.csv", [row("L1", "Ada", "Lovelace", "ada@example.org", lapsed="2020-01-01")]
    )
    result = members_import(path=newer)
    assert result.updated_memberships == 1
    assert Membership.objects.get(membership_number="L1").lapsed_on == date(2020, 1, 1)


def test_same_email_in_two_categories_is_one_person_with_one_vote(tmp_path, branches):
    path = write_csv(
        tmp_path / "two.csv",
        [
            row("L1", "Ada", "Lovelace", "Ada@Example.org"),
            row(
                "U9",
                "Ada",
                "Lovelace",
                "ada@example.org ",
                category="affiliated_supporter",
                affiliate="Unite",
            ),
        ],
    )
    result = members_import(path=path)
    assert result.linked_by_email == 1
    assert Person.objects.count() == 1 and Membership.objects.count() == 2
    electorate = eligible_electorate(["member", "affiliated_supporter"], date(2016, 7, 12))
    assert len(electorate) == 1 and electorate[0].category == "member"


def test_same_email_as_a_person_already_in_the_database_links_to_them(good_file, tmp_path):
    members_import(path=good_file)
    later = write_csv(
        tmp_path / "later.csv", [row("S5", "Bob", "Smith", "BOB@example.org", category="member")]
    )
    members_import(path=later)
    bob = Person.objects.get(email_key="bob@example.org")
    assert sorted(bob.memberships.values_list("membership_number", flat=True)) == ["L2", "S5"]


def test_same_name_and_postcode_with_other_email_is_flagged_as_a_possible_duplicate(tmp_path, branches):
    path = write_csv(
        tmp_path / "dup.csv",
        [
            row("L1", "Ada", "Lovelace", "ada@work.example"),
            row("L2", "ada", "LOVELACE", "ada@home.example", postcode="de221ab"),
        ],
    )
    result = members_import(path=path)
    assert result.duplicate_candidates == 1 and Person.objects.count() == 2
    assert DuplicateCandidate.objects.filter(reason="name_postcode").count() == 1


def test_an_organiser_cannot_import_into_another_branch(tmp_path, branches):
    north, _ = branches
    today = date.today().isoformat()  # an organiser's new members join today (members.policies)
    path = write_csv(
        tmp_path / "x.csv", [row("L1", joined=today), row("L2", branch="E14000663", joined=today)]
    )
    result = members_import(path=path, allowed_branch_ids=frozenset({north.pk}))
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(3, "branch")]
    assert "not one of the branches you organise" in result.errors[0].message
    assert Membership.objects.count() == 0


def test_a_crash_half_way_through_leaves_the_database_as_before(tmp_path, branches, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 2)
    path = write_csv(tmp_path / "many.csv", [row(f"L{i}", email=f"p{i}@example.org") for i in range(7)])
    calls = {"n": 0}
    original = importing._Writer.write

    def failing(self, rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk pulled out")
        return original(self, rows)

    monkeypatch.setattr(importing._Writer, "write", failing)
    with pytest.raises(OSError):
        members_import(path=path)
    assert Person.objects.count() == 0 and Membership.objects.count() == 0


def test_batches_link_people_across_batch_boundaries(tmp_path, branches, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 2)
    rows = [row(f"L{i}", email=f"p{i % 3}@example.org") for i in range(9)]
    result = members_import(path=write_csv(tmp_path / "m.csv", rows))
    assert result.ok and Person.objects.count() == 3 and Membership.objects.count() == 9
    assert result.linked_by_email == 6


def test_not_utf8_is_reported_not_crashed(tmp_path, branches):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        b"membership_number,first_name,last_name,email,phone,postcode,branch,category,affiliate,joined_on,lapsed_on\nL1,Zo\xe9,X,,,,E14000662,member,,2015-01-01,\n"
    )
    result = members_import(path=path)
    assert not result.ok and "UTF-8" in result.errors[0].message
