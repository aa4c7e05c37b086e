"""The adversary is a branch organiser who wants to call someone who asked not to be called.
The page refuses them the person's objection directly; but "your own number" is the phone on
the member record, and an organiser's import writes member records, their own included. So
they put the objector's number on their own record and press "Let the party call me again"."""

import pytest

from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.members.importing import members_import
from groundswell.reach import services
from groundswell.reach.selectors import is_suppressed
from tests import factories
from tests.members.helpers import row, write_csv

pytestmark = pytest.mark.django_db

VICTIM = "07700 900123"


def test_an_organiser_cannot_lift_someones_objection_by_putting_their_number_on_their_own_record(
    client, branches, tmp_path
):
    north, _ = branches
    # the person asked, signed in, never to be called
    victim = factories.person(branch=north, first_name="Vic")
    victim.phone = VICTIM
    victim.save(update_fields=["phone"])
    victim_user = factories.user(Role.MEMBER, person=victim, email="vic@example.org")
    client.force_login(victim_user)
    client.post("/me/calls/", {"action": "block"})
    assert is_suppressed("+447700900123")
    # an organiser of the branch, a member of it themselves, imports their own row with that number
    me = factories.person(branch=north, first_name="Org", last_name="Aniser", number="N-ORG")
    organiser = factories.user(Role.BRANCH_ORGANISER, branch=north, person=me, email="org@example.org")
    path = write_csv(
        tmp_path / "me.csv", [row("N-ORG", first="Org", last="Aniser", email=me.email, phone=VICTIM)]
    )
    result = members_import(path=path, allowed_branch_ids=frozenset({north.pk}))
    assert not getattr(result, "errors", None)
    me.refresh_from_db()
    assert me.phone == VICTIM  # the import took it
    client.force_login(organiser)
    client.post("/me/calls/", {"action": "reverse"})
    assert is_suppressed("+447700900123"), "someone else's objection was lifted"
    with pytest.raises(Refused):  # the service refuses too
        services.do_not_call_reverse(user=organiser, number=VICTIM)
    assert is_suppressed("+447700900123")


def test_the_person_who_asked_can_still_take_it_back(client, branches):
    north, _ = branches
    person = factories.person(branch=north, first_name="Vic")
    person.phone = VICTIM
    person.save(update_fields=["phone"])
    client.force_login(factories.user(Role.MEMBER, person=person, email="vic@example.org"))
    client.post("/me/calls/", {"action": "block"})
    assert is_suppressed("+447700900123")
    client.post("/me/calls/", {"action": "reverse"})
    assert not is_suppressed("+447700900123")
