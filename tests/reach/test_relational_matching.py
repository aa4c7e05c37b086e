"""Relational organising, completed: asks and outcomes, a match to the register that the
volunteer confirms, and a contact result shared with the party only when the volunteer
chooses. Played by the adversary first: a volunteer fishing the register, a forged
confirmation, another volunteer (or an organiser) sharing someone else's friend, and a
result leaking to the party without the volunteer's say or naming the volunteer."""

import pytest

from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.groundgame.models import Contact
from groundswell.reach import relational
from groundswell.reach.models import Friend
from tests import factories
from tests.reach.helpers import seat_with_phones


@pytest.fixture
def ann(branches):
    north, _ = branches
    person = factories.person(branch=north, first_name="Ann", last_name="Volunteer")
    return factories.user(Role.CANVASSER, person=person, email="ann@example.org")


@pytest.fixture
def register(branches):
    north, _ = branches
    _seat, electors = seat_with_phones(north, n=3)
    return electors  # Voter Number1..3 at DE22 1AB


def test_a_match_is_found_only_for_exactly_one_elector_and_must_be_confirmed(ann, register):
    sue = relational.friend_add(user=ann, nickname="Sue", how_known="neighbour")
    assert (
        relational.friend_match_find(
            user=ann, friend_id=sue.pk, first_name="Voter", last_name="Nobody", postcode="DE22 1AB"
        )
        is None
    )
    # two people match a surname alone: no match, nothing said about them
    found = relational.friend_match_find(
        user=ann, friend_id=sue.pk, first_name="voter", last_name="NUMBER2", postcode="de221ab"
    )
    assert found is not None and found["label"] == "Voter Number2, DE22 1AB"
    assert "High Street" not in str(found)  # nothing the volunteer did not type: no address
    sue.refresh_from_db()
    assert sue.elector_id is None  # not matched until confirmed
    with pytest.raises(Refused):  # a forged confirmation (another elector's id) is refused
        relational.friend_match_confirm(user=ann, friend_id=sue.pk, token=found["token"][:-2] + "xx")
    relational.friend_match_confirm(user=ann, friend_id=sue.pk, token=found["token"])
    sue.refresh_from_db()
    assert sue.elector_id == register[1].pk


def test_a_confirmation_for_one_friend_cannot_match_another(ann, register):
    sue = relational.friend_add(user=ann, nickname="Sue")
    bob = relational.friend_add(user=ann, nickname="Bob")
    found = relational.friend_match_find(
        user=ann, friend_id=sue.pk, first_name="Voter", last_name="Number1", postcode="DE22 1AB"
    )
    with pytest.raises(Refused):
        relational.friend_match_confirm(user=ann, friend_id=bob.pk, token=found["token"])


def test_lookups_are_limited_so_the_register_cannot_be_fished(ann, register):
    sue = relational.friend_add(user=ann, nickname="Sue")
    for _ in range(relational.LOOKUPS_PER_DAY):
        relational.friend_match_find(
            user=ann, friend_id=sue.pk, first_name="A", last_name="B", postcode="DE22 1AB"
        )
    with pytest.raises(Refused) as e:
        relational.friend_match_find(
            user=ann, friend_id=sue.pk, first_name="Voter", last_name="Number1", postcode="DE22 1AB"
        )
    assert e.value.status == 429


def test_a_result_reaches_the_party_only_when_the_volunteer_shares_it_and_never_names_them(
    client, ann, register, users
):
    sue = relational.friend_add(user=ann, nickname="Sue")
    found = relational.friend_match_find(
        user=ann, friend_id=sue.pk, first_name="Voter", last_name="Number1", postcode="DE22 1AB"
    )
    relational.friend_match_confirm(user=ann, friend_id=sue.pk, token=found["token"])
    relational.friend_record(user=ann, friend_id=sue.pk, outcome="will_vote", ask="vote")
    assert not Contact.objects.exists()  # recording an outcome shares nothing
    for other in (users[Role.CANVASSER], users[Role.BRANCH_ORGANISER], users[Role.NATIONAL_ADMIN]):
        with pytest.raises(Refused) as e:
            relational.friend_share(user=other, friend_id=sue.pk)
        assert e.value.status == 404
    relational.friend_share(user=ann, friend_id=sue.pk)
    contact = Contact.objects.get()
    assert contact.elector_id == register[0].pk and contact.channel == "friend"
    assert contact.pledged and contact.canvasser_id is None  # the party never learns who knows whom
    relational.friend_share(user=ann, friend_id=sue.pk)  # sharing again adds nothing
    assert Contact.objects.count() == 1
    totals = relational.friend_totals(users[Role.BRANCH_ORGANISER])
    assert totals["matched"] == 1 and totals["shared"] == 1 and totals["by_ask"] == {"Vote": 1}


def test_an_unmatched_or_unasked_friend_cannot_be_shared(ann, register):
    sue = relational.friend_add(user=ann, nickname="Sue")
    relational.friend_record(user=ann, friend_id=sue.pk, outcome="will_vote", ask="vote")
    with pytest.raises(Refused) as e:
        relational.friend_share(user=ann, friend_id=sue.pk)
    assert e.value.status == 409 and not Contact.objects.exists()


def test_the_page_offers_asks_share_links_with_suggested_texts_and_the_match(client, ann, register):
    client.force_login(ann)
    client.post("/friends/", {"nickname": "Auntie Sue", "how_known": "family"})
    sue = Friend.objects.get(owner=ann)
    client.post(f"/friends/{sue.pk}/", {"outcome": "", "ask": "volunteer"})
    page = client.get("/friends/").content.decode()
    assert "canvassing" in page and "sms:?&amp;body=" in page and "https://wa.me/?text=" in page
    found = client.post(
        f"/friends/{sue.pk}/match/", {"first_name": "Voter", "last_name": "Number3", "postcode": "DE22 1AB"}
    ).content.decode()
    assert "Voter Number3, DE22 1AB" in found and "Is this them?" in found
    token = relational.friend_match_find(
        user=ann, friend_id=sue.pk, first_name="Voter", last_name="Number3", postcode="DE22 1AB"
    )["token"]
    client.post(f"/friends/{sue.pk}/match/", {"confirm": token})
    client.post(f"/friends/{sue.pk}/", {"outcome": "will_vote", "ask": "vote"})
    client.post(f"/friends/{sue.pk}/share/")
    assert Contact.objects.filter(elector=register[2], channel="friend").exists()
