"""An organiser's import stays inside the organiser's branches (issue 12).

The adversary is a branch organiser of Derby North who uploads a members file crafted to
reach Derby South: by an existing membership number (to move it, change its email, or lapse
it), by an existing email (to attach the person and then read them), or with invented members
backdated so they qualify for a ballot that needs a year's membership.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.members.importing import members_import
from groundswell.members.models import DuplicateCandidate, Membership, Person
from groundswell.members.selectors import open_duplicates, person_for_user
from tests import factories
from tests.members.helpers import row, write_csv


@pytest.fixture
def south_member(branches):
    _, south = branches
    return factories.person(
        branch=south, first_name="Sam", last_name="South", email="sam@example.org", number="S100"
    )


def _organiser_import(tmp_path, branches, rows):
    north, _ = branches
    path = write_csv(tmp_path / "x.csv", rows)
    return members_import(path=path, allowed_branch_ids=frozenset({north.pk}))


def today() -> str:
    return timezone.localdate().isoformat()


def test_another_branch_membership_number_is_a_row_error_that_reveals_nothing(
    tmp_path, branches, south_member
):
    result = _organiser_import(
        tmp_path,
        branches,
        [row("N1", joined=today()), row("S100", "Evil", "Twin", "evil@example.org", joined=today())],
    )
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(3, "membership_number")]
    message = result.errors[0].message
    assert "Sam" not in message and "South" not in message and "E14000663" not in message
    membership = Membership.objects.get(membership_number="S100")
    assert membership.branch == branches[1] and membership.lapsed_on is None
    assert Person.objects.get(pk=south_member.pk).email == "sam@example.org"
    assert not Membership.objects.filter(membership_number="N1").exists()  # all or nothing


def test_another_branch_number_cannot_be_used_to_lapse_them(tmp_path, branches, south_member):
    result = _organiser_import(
        tmp_path, branches, [row("S100", "Sam", "South", "sam@example.org", joined=today(), lapsed=today())]
    )
    assert not result.ok
    assert Membership.objects.get(membership_number="S100").lapsed_on is None


def test_another_branch_email_makes_a_duplicate_for_national_admins_not_a_link(
    tmp_path, branches, south_member, users
):
    result = _organiser_import(
        tmp_path, branches, [row("N7", "Sam", "South", "SAM@example.org", joined=today())]
    )
    assert result.ok
    new = Membership.objects.get(membership_number="N7").person
    assert new.pk != south_member.pk  # not attached to the Derby South person
    assert list(south_member.memberships.values_list("membership_number", flat=True)) == ["S100"]
    organiser = users[Role.BRANCH_ORGANISER]
    assert person_for_user(organiser, south_member.pk) is None
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person_id, candidate.other_id} == {new.pk, south_member.pk}
    assert candidate.reason == "email"
    assert list(open_duplicates(organiser)) == []  # the organiser cannot follow it
    assert list(open_duplicates(users[Role.NATIONAL_ADMIN])) == [candidate]


def test_invented_members_cannot_be_backdated_by_an_organiser(tmp_path, branches):
    long_ago = (timezone.localdate() - timedelta(days=400)).isoformat()
    result = _organiser_import(
        tmp_path, branches, [row("N9", "Fake", "Member", "fake@example.org", joined=long_ago)]
    )
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(2, "joined_on")]
    assert not Membership.objects.filter(membership_number="N9").exists()


def test_an_organiser_cannot_backdate_an_existing_member_of_their_branch(tmp_path, branches):
    north, _ = branches
    factories.person(branch=north, number="N50", joined_on=date(2025, 6, 1))
    result = _organiser_import(tmp_path, branches, [row("N50", joined="2010-01-01")])
    assert not result.ok and result.errors[0].column == "joined_on"
    assert Membership.objects.get(membership_number="N50").joined_on == date(2025, 6, 1)


def test_an_organiser_may_add_todays_members_and_update_their_own(tmp_path, branches):
    north, _ = branches
    factories.person(branch=north, number="N60", joined_on=date(2015, 1, 1), email="n60@example.org")
    result = _organiser_import(
        tmp_path,
        branches,
        [
            row("N61", "New", "Joiner", "new@example.org", joined=today()),
            row("N60", "Old", "Hand", "n60@example.org", joined="2015-01-01", phone="01332 000000"),
        ],
    )
    assert result.ok, result.errors
    assert Membership.objects.get(membership_number="N60").person.phone == "01332 000000"


def test_a_national_import_still_links_by_email_and_keeps_history(tmp_path, branches, south_member):
    path = write_csv(tmp_path / "x.csv", [row("N8", "Sam", "South", "sam@example.org", joined="2012-01-01")])
    assert members_import(path=path).ok
    assert Membership.objects.get(membership_number="N8").person_id == south_member.pk
