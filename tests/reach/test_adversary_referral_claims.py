"""The adversary is a member inflating their own referral count: they cannot see who signed
up or replied, but the public sign-up and reply forms ask for nothing but an email. Posting
through their own link the email of someone who already signed up (or already replied, or
was a member long before) must not make that person "theirs"."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.events import services as events
from groundswell.lifecycle import services as lifecycle
from groundswell.reach import referrals
from groundswell.reach.models import Referral
from tests import factories

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Sue",
    "last_name": "Porter",
    "email": "sue.porter@example.org",
    "postcode": "de22 1ab",
    "declared": "yes",
    "fee_reference": "SUP-25-0001",
}


@pytest.fixture
def window():
    now = timezone.now()
    return lifecycle.window_create(
        user=None, slug="summer", name="Summer", fee_pence=2500, branch=factories.branch(),
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=47),
    )  # fmt: skip


def test_replaying_someone_elses_sign_up_through_my_link_does_not_make_them_my_recruit(window):
    mallory = factories.person(branch=window.branch, first_name="Mallory")
    # Sue signs up by herself, through no link
    assert Client().post(f"/supporters/{window.slug}/", FORM).status_code == 200
    assert not Referral.objects.exists()
    # Mallory opens her own link and posts Sue's details again (the page says the same either way)
    attacker = Client()
    attacker.get(f"/r/{referrals.link_token(mallory)}/")
    attacker.post(f"/supporters/{window.slug}/", FORM)
    assert referrals.own_counts(mallory)["joined"] == 0
    assert not Referral.objects.exists()


def test_a_long_standing_member_signed_up_again_through_my_link_is_not_my_recruit(window):
    mallory = factories.person(branch=window.branch, first_name="Mallory")
    old_hand = factories.person(branch=window.branch, first_name="Olive", email="olive@example.org")
    attacker = Client()
    attacker.get(f"/r/{referrals.link_token(mallory)}/")
    attacker.post(f"/supporters/{window.slug}/", FORM | {"first_name": "Olive", "email": "olive@example.org"})
    assert referrals.own_counts(mallory)["joined"] == 0
    assert not Referral.objects.filter(person=old_hand).exists()


def test_replaying_someone_elses_event_reply_through_my_link_does_not_count_it(branches, users):
    north, _ = branches
    mallory = factories.person(branch=north, first_name="Mallory")
    now = timezone.now()
    event = events.event_create(
        user=users[Role.BRANCH_ORGANISER], branch=north, kind="rally", title="Rally", place="Market",
        starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=2), capacity=None,
        visibility="public",
    )  # fmt: skip
    Client().post(f"/events/{event.pk}/rsvp/", {"name": "Dee", "email": "dee@example.org"})
    attacker = Client()
    attacker.get(f"/r/{referrals.link_token(mallory)}/events/{event.pk}/")
    attacker.post(f"/events/{event.pk}/rsvp/", {"name": "Dee", "email": "dee@example.org"})
    assert referrals.own_counts(mallory)["event_replies"] == 0
    assert not Referral.objects.exists()
