"""Supporter fee windows (issue 16, item 3): a public sign-up open between two times, once per
email per window, with the declaration ticked and the fee's reference, refused outside it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.lifecycle import services
from groundswell.lifecycle.models import SupporterSignup
from groundswell.members.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def window():
    now = timezone.now()
    return services.window_create(
        user=None, slug="summer", name="Summer 2016", fee_pence=2500, branch=factories.branch(),
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=47),
    )  # fmt: skip


FORM = {
    "first_name": "Sue",
    "last_name": "Porter",
    "email": "Sue.Porter@example.org",
    "postcode": "de22 1ab",
    "declared": "yes",
    "fee_reference": "SUP-25-0001",
}


def sign(window, **kw):
    args = {**FORM, "declared": True, **kw}
    return services.supporter_signup(window=window, **args)


def test_a_sign_up_inside_the_window_makes_a_registered_supporter_once_per_email(window):
    signup, created = sign(window)
    assert created
    m = signup.membership
    assert (m.category, m.branch_id, m.joined_on) == (
        "registered_supporter",
        window.branch_id,
        timezone.localdate(),
    )
    assert m.person.postcode == "DE22 1AB" and signup.fee_reference == "SUP-25-0001"
    assert "not a member of another" in signup.declaration
    again, created = sign(window, email="sue.porter@EXAMPLE.org", fee_reference="SUP-25-0002")
    assert not created and again.pk == signup.pk
    assert Membership.objects.filter(category="registered_supporter").count() == 1


def test_sign_up_is_refused_before_the_window_opens_and_after_it_closes(window):
    with pytest.raises(Refused, match="not open yet") as e:
        sign(window, now=window.opens_at - timedelta(seconds=1))
    assert e.value.status == 409
    with pytest.raises(Refused, match="closed on"):
        sign(window, now=window.closes_at)
    assert not SupporterSignup.objects.exists()


def test_every_missing_or_bad_field_is_named_and_nothing_is_recorded(window):
    with pytest.raises(services.SignupRefused) as e:
        sign(window, first_name="", email="not-an-email", postcode="XYZ", declared=False, fee_reference="")
    text = " ".join(e.value.problems)
    for field in ("first name", "email", "postcode", "declaration", "fee payment reference"):
        assert field in text
    assert not Membership.objects.filter(category="registered_supporter").exists()


def test_the_public_page_takes_a_sign_up_without_an_account_and_says_the_same_twice(client, window):
    assert client.get("/supporters/summer/").status_code == 200
    first = client.post("/supporters/summer/", FORM, follow=True)
    assert "you are registered as a supporter" in first.content.decode()
    second = client.post("/supporters/summer/", FORM, follow=True)
    assert "you are registered as a supporter" in second.content.decode()
    assert SupporterSignup.objects.count() == 1
    assert len(mail.outbox) <= 1


def test_the_page_says_when_the_window_is_closed_and_refuses_a_post(client, window):
    window.closes_at = timezone.now() - timedelta(minutes=1)
    window.opens_at = window.closes_at - timedelta(hours=48)
    window.save()
    page = client.get("/supporters/summer/").content.decode()
    assert "Sign-up closed on" in page and 'name="fee_reference"' not in page
    refused = client.post("/supporters/summer/", FORM).content.decode()
    assert "closed on" in refused
    assert not SupporterSignup.objects.exists()


def test_public_sign_ups_from_one_address_are_rate_limited(window):
    for i in range(services.PUBLIC_SIGNUPS_PER_HOUR):
        sign(window, email=f"s{i}@example.org", address="203.0.113.9")
    with pytest.raises(Refused) as e:
        sign(window, email="one.more@example.org", address="203.0.113.9")
    assert e.value.status == 429
    sign(window, email="elsewhere@example.org", address="198.51.100.1")


def test_only_national_admins_make_windows(window):
    organiser = factories.user(Role.BRANCH_ORGANISER, branch=window.branch)
    with pytest.raises(Refused):
        services.window_create(
            user=organiser, slug="mine", name="Mine", fee_pence=300, branch=window.branch,
            opens_at=window.opens_at, closes_at=window.closes_at,
        )  # fmt: skip


def test_a_supporter_sees_their_sign_up_in_subject_access_and_erasure_drops_the_email(window):
    from groundswell.members.services import person_erase, person_subject_access

    admin = factories.user(Role.NATIONAL_ADMIN)
    signup, _ = sign(window)
    person = signup.membership.person
    held = person_subject_access(person=person, actor=admin)["lifecycle"]["supporter_signups"]
    assert held[0]["fee_reference"] == "SUP-25-0001" and held[0]["window"] == "Summer 2016"
    person_erase(person=person, actor=admin, confirm=True)
    signup.refresh_from_db()
    assert "sue" not in signup.email_key.lower()


def test_erasing_the_officer_who_published_rules_keeps_the_rules_and_cuts_the_link():
    from groundswell.lifecycle.models import RulesVersion
    from groundswell.members.services import person_erase
    from tests.ballots.factories import draft_ballot

    officer_person = factories.person(branch=factories.branch("E14000663", "Derby South"))
    ro = factories.user(Role.RETURNING_OFFICER, person=officer_person)
    ballot = draft_ballot(ro, opens_in=timedelta(days=1), closes_in=timedelta(days=2))
    doc = {"categories": ["member"], "freeze_date": ballot.freeze_date.isoformat()}
    version = services.rules_publish(user=ro, ballot=ballot, document=doc, confirm=True)
    person_erase(person=officer_person, actor=factories.user(Role.NATIONAL_ADMIN), confirm=True)
    version = RulesVersion.objects.get(pk=version.pk)
    assert version.published_by_id is None and version.document["categories"] == ["member"]


def test_a_supporter_who_came_through_a_members_link_counts_for_that_member_once(client, window):
    """The referral landing leads to the open window; the sign-up there is the member's
    (their count goes up, nobody is named); a second link later changes nothing."""
    from groundswell.reach import referrals
    from groundswell.reach.models import Referral

    member = factories.person(branch=window.branch)
    other = factories.person(branch=window.branch)
    landing = client.get(f"/r/{referrals.link_token(member)}/")
    assert f"/supporters/{window.slug}/" in landing.content.decode()
    client.post(f"/supporters/{window.slug}/", FORM)
    assert referrals.own_counts(member)["joined"] == 1
    client.get(f"/r/{referrals.link_token(other)}/")
    client.post(f"/supporters/{window.slug}/", FORM)  # the same person again, through another link
    assert referrals.own_counts(other)["joined"] == 0
    assert Referral.objects.filter(kind="join").count() == 1
