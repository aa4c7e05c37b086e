"""Erasing a person shows what will be erased across every app and needs an explicit yes.

The adversary is the stray request: one POST to /api/people/N/erase used to wipe a member's
name, email, replies, supports and comments at once, with no way back.
"""

import pytest

from groundswell.accounts.models import Role
from groundswell.accounts.policies import NeedsConfirmation
from groundswell.mailouts.models import Delivery, MailOut
from groundswell.members.models import Person
from groundswell.members.services import person_erase
from groundswell.motions import services as motions
from tests.motions.helpers import member


@pytest.fixture
def ada(branches, users):
    north, _ = branches
    ada = member(north, first_name="Ada", last_name="Erasable", email="ada.erase@example.org")
    motion = motions.motion_propose(user=member(north), branch=north, title="Rail", subject="T", text="Rail.")
    motions.motion_support(user=ada, motion=motion)
    motions.comment_add(user=ada, motion=motion, body="I support this.")
    motions.comment_add(user=ada, motion=motion, body="And buses.")
    mailout = MailOut.objects.create(
        created_by=users[Role.BRANCH_ORGANISER], subject="Hi", body="Hi", segment="branch", branch=north
    )
    Delivery.objects.create(mailout=mailout, person=ada.person)
    return ada.person


def not_erased(person) -> bool:
    p = Person.objects.get(pk=person.pk)
    return p.erased_at is None and p.first_name == "Ada"


@pytest.mark.django_db
def test_erasing_without_confirming_counts_what_is_held_and_erases_nothing(ada, users):
    with pytest.raises(NeedsConfirmation) as asked:
        person_erase(person=ada, actor=users[Role.NATIONAL_ADMIN])
    held = asked.value.consequences["held"]
    assert held["motions.comments"] == 2 and held["motions.supports"] == 1
    assert held["mailouts.emails_sent"] == 1 and held["memberships"] == 1
    assert asked.value.consequences["name"] == "Ada Erasable"
    assert not_erased(ada)


@pytest.mark.django_db
def test_the_erase_page_lists_what_will_be_erased_and_wants_it_typed(ada, client_as):
    client = client_as(Role.NATIONAL_ADMIN)
    page = client.get(f"/members/{ada.pk}/erase/").content.decode()
    assert 'data-testid="held-motions.comments"' in page and "Comments" in page
    client.post(f"/members/{ada.pk}/erase/", {"confirm": ""})
    assert not_erased(ada)
    client.post(f"/members/{ada.pk}/erase/", {"confirm": "ERASE"})
    assert Person.objects.get(pk=ada.pk).erased_at is not None


@pytest.mark.django_db
def test_the_api_needs_an_explicit_confirm_to_erase(ada, client_as):
    client = client_as(Role.NATIONAL_ADMIN)
    refused = client.post(f"/api/people/{ada.pk}/erase", content_type="application/json")
    assert refused.status_code == 428 and refused.json()["consequences"]["held"]["motions.comments"] == 2
    assert not_erased(ada)
    done = client.post(f"/api/people/{ada.pk}/erase", {"confirm": True}, content_type="application/json")
    assert done.status_code == 200 and done.json()["erased"] is True
    assert Person.objects.get(pk=ada.pk).erased_at is not None
