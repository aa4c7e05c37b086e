"""A volunteer's list of people they know is theirs alone: another volunteer, an organiser
and a national admin cannot read or change an entry; the organisation sees totals only."""

import pytest

from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.reach import relational
from groundswell.reach.models import Friend
from tests import factories


@pytest.fixture
def ann(branches):
    north, _ = branches
    person = factories.person(branch=north, first_name="Ann", last_name="Volunteer")
    return factories.user(Role.CANVASSER, person=person, email="ann@example.org")


def test_nobody_but_the_owner_reads_or_changes_a_list(client, ann, users):
    client.force_login(ann)
    client.post("/friends/", {"nickname": "Auntie Sue", "how_known": "family"})
    sue = Friend.objects.get(owner=ann)
    page = client.get("/friends/").content.decode()
    assert "Auntie Sue" in page and "sms:?&amp;body=" in page and "https://wa.me/?text=" in page
    for role in (Role.CANVASSER, Role.BRANCH_ORGANISER, Role.NATIONAL_ADMIN):
        client.force_login(users[role])
        assert "Auntie Sue" not in client.get("/friends/").content.decode()
        assert client.post(f"/friends/{sue.pk}/", {"outcome": "joined"}).status_code == 404
        assert client.post(f"/friends/{sue.pk}/", {"remove": "1"}).status_code == 404
        with pytest.raises(Refused):
            relational.friend_record(user=users[role], friend_id=sue.pk, outcome="joined")
        assert "Auntie Sue" not in client.get("/friends/totals/").content.decode()
    sue.refresh_from_db()
    assert sue.outcome == "" and Friend.objects.count() == 1


def test_the_organisation_sees_totals_of_its_branch_and_never_names(client, ann, users, branches):
    relational.friend_add(user=ann, nickname="Big Dave", how_known="workmate")
    f = relational.friend_add(user=ann, nickname="Priya", how_known="neighbour")
    relational.friend_record(user=ann, friend_id=f.pk, outcome="will_vote")
    _, south = branches
    stranger = factories.user(Role.CANVASSER, person=factories.person(branch=south), email="s@example.org")
    relational.friend_add(user=stranger, nickname="Elsewhere", how_known="")
    totals = relational.friend_totals(users[Role.BRANCH_ORGANISER])
    assert totals == {
        "people": 2,
        "volunteers": 1,
        "by_outcome": {"Not asked yet": 1, "Will vote": 1},
        "by_ask": {},
        "matched": 0,
        "shared": 0,
    }
    assert relational.friend_totals(users[Role.NATIONAL_ADMIN])["people"] == 3
    client.force_login(users[Role.BRANCH_ORGANISER])
    page = client.get("/friends/totals/").content.decode()
    assert "Will vote: 1" in page and "Priya" not in page and "Big Dave" not in page
    with pytest.raises(Refused):
        relational.friend_totals(users[Role.CANVASSER])


def test_subject_access_shows_the_owner_their_list_and_erasure_removes_it(ann, users):
    from groundswell.members.services import person_erase, person_subject_access

    relational.friend_add(user=ann, nickname="Auntie Sue", how_known="family")
    admin = users[Role.NATIONAL_ADMIN]
    assert "Auntie Sue" in str(person_subject_access(person=ann.person, actor=admin))
    person_erase(person=ann.person, actor=admin, confirm=True)
    assert not Friend.objects.exists()
