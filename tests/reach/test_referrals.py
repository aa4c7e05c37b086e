"""Referral links, played by the adversary first: a token that gives away whose it is, a later
link stealing someone's recruit, a member referring themselves, and anyone (another member,
an organiser, a national admin) trying to read who brought whom, by page or API."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.events import services as events
from groundswell.reach import referrals
from groundswell.reach.models import Referral
from tests import factories


@pytest.fixture
def ann(branches):
    north, _ = branches
    person = factories.person(branch=north, first_name="Ann", last_name="Recruiter")
    return factories.user(Role.CANVASSER, person=person, email="ann@example.org")


@pytest.fixture
def bob(branches):
    north, _ = branches
    person = factories.person(branch=north, first_name="Bob", last_name="Recruiter")
    return factories.user(Role.MEMBER, person=person, email="bob@example.org")


def recruit(branch, first_name):
    return factories.person(branch=branch, first_name=first_name, last_name="Newcomer")


def public_event(branch, users):
    now = timezone.now()
    return events.event_create(
        user=users[Role.BRANCH_ORGANISER],
        branch=branch,
        kind="rally",
        title="Rally",
        place="Market Place",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=2),
        capacity=None,
        visibility="public",
    )


def test_each_member_has_a_personal_unguessable_link_that_is_not_their_id(ann, bob):
    a = referrals.link_token(ann.person)
    assert a == referrals.link_token(ann.person)  # stable
    assert a != referrals.link_token(bob.person)
    # long enough not to be guessed, and the id is not a link (the token is random, so no
    # check on its characters: a digit of the id turns up in one in sixteen by chance)
    assert len(a) >= 20 and str(ann.person.pk) != a
    assert referrals.referrer_for(str(ann.person.pk)) is None
    assert referrals.referrer_for(a) == ann.person
    assert referrals.referrer_for(a[:-1] + ("x" if a[-1] != "x" else "y")) is None


def test_the_first_referrer_is_kept_and_later_links_and_self_referral_are_ignored(ann, bob, branches):
    north, _ = branches
    cat = recruit(north, "Cat")
    assert referrals.referral_record(person=cat, token=referrals.link_token(ann.person)) is True
    assert referrals.referral_record(person=cat, token=referrals.link_token(bob.person)) is False
    assert referrals.referral_record(person=ann.person, token=referrals.link_token(ann.person)) is False
    assert referrals.referral_record(person=cat, token="not-a-token") is False
    assert referrals.referral_record(person=cat, token="") is False
    rows = list(Referral.objects.values_list("referrer_id", "person_id", "kind"))
    assert rows == [(ann.person.pk, cat.pk, "join")]
    assert referrals.own_counts(ann.person) == {"joined": 1, "event_replies": 0}
    assert referrals.own_counts(bob.person) == {"joined": 0, "event_replies": 0}


def test_a_link_to_an_event_counts_replies_for_the_referrer_once(client, ann, bob, branches, users):
    north, _ = branches
    event = public_event(north, users)
    token = referrals.link_token(ann.person)
    landing = client.get(f"/r/{token}/events/{event.pk}/")
    assert landing.status_code == 302 and landing["Location"] == f"/events/{event.pk}/"
    # someone without an account replies by email
    client.post(f"/events/{event.pk}/rsvp/", {"name": "Dee", "email": "dee@example.org"})
    # a member follows the same link, then a second link: the first referrer stays
    client.force_login(bob)
    client.get(f"/r/{token}/events/{event.pk}/")
    client.post(f"/events/{event.pk}/rsvp/")
    client.get(f"/r/{referrals.link_token(users[Role.MEMBER].person)}/events/{event.pk}/")
    client.post(f"/events/{event.pk}/rsvp/")
    # ann replying through her own link is not a referral
    client.force_login(ann)
    client.get(f"/r/{token}/events/{event.pk}/")
    client.post(f"/events/{event.pk}/rsvp/")
    assert referrals.own_counts(ann.person) == {"joined": 0, "event_replies": 2}
    assert referrals.own_counts(users[Role.MEMBER].person)["event_replies"] == 0


def test_a_made_up_token_is_a_404_and_sets_nothing(client, branches, users):
    north, _ = branches
    event = public_event(north, users)
    assert client.get("/r/guessed-token-000000000/").status_code == 404
    assert client.get(f"/r/guessed-token-000000000/events/{event.pk}/").status_code == 404
    client.post(f"/events/{event.pk}/rsvp/", {"name": "Dee", "email": "dee@example.org"})
    assert not Referral.objects.exists()


def test_a_volunteer_sees_how_many_they_brought_in_and_their_links(client, ann, branches):
    north, _ = branches
    token = referrals.link_token(ann.person)
    for name in ("Cat", "Dan"):
        referrals.referral_record(person=recruit(north, name), token=token)
    client.force_login(ann)
    page = client.get("/me/referrals/").content.decode()
    assert f"/r/{token}/" in page and "2" in page
    assert "Cat" not in page and "Dan" not in page  # a count, not a list, even for the referrer
    api = client.get("/api/me/referrals").json()
    assert api["joined"] == 2 and api["link"].endswith(f"/r/{token}/")
    assert "Cat" not in json.dumps(api)


def test_nobody_can_list_whom_a_member_referred_by_page_or_api(client, ann, bob, branches, users):
    """The who-brought-whom graph is never shown person by person: not to another member,
    an organiser of the branch or a national admin; not even the referred person learns who."""
    north, _ = branches
    cat = recruit(north, "Catriona")
    referrals.referral_record(person=cat, token=referrals.link_token(ann.person))
    for viewer in (bob, users[Role.BRANCH_ORGANISER], users[Role.NATIONAL_ADMIN]):
        client.force_login(viewer)
        seen = [
            ("", client.get("/me/referrals/")),
            ("", client.get("/referrals/")),
            ("", client.get("/api/referrals/totals")),
            ("ann", client.get(f"/members/{ann.person.pk}/")),
            ("ann", client.get(f"/api/people/{ann.person.pk}")),
            ("ann", client.get(f"/members/{ann.person.pk}/data.json")),
            ("cat", client.get(f"/members/{cat.pk}/")),
            ("cat", client.get(f"/api/people/{cat.pk}")),
            ("cat", client.get(f"/members/{cat.pk}/data.json")),
        ]
        for whose, response in seen:
            body, path = response.content.decode(), response.request["PATH_INFO"]
            if whose != "cat":  # nothing about ann (or anyone) names cat
                assert "Catriona" not in body, path
            if whose != "ann":  # nothing about cat names ann
                assert "Ann" not in body and "Recruiter" not in body, path
                assert referrals.link_token(ann.person) not in body, path
    from groundswell.api import api

    paths = [p for p in api.get_openapi_schema()["paths"] if "referr" in p]
    assert sorted(paths) == ["/api/me/referrals", "/api/referrals/totals"]


def test_branches_see_totals_of_their_own_members_referrals_and_national_sees_all(
    client, ann, branches, users
):
    north, south = branches
    token = referrals.link_token(ann.person)
    referrals.referral_record(person=recruit(north, "Cat"), token=token)
    southerner = factories.user(Role.MEMBER, person=factories.person(branch=south), email="s@example.org")
    referrals.referral_record(person=recruit(south, "Dan"), token=referrals.link_token(southerner.person))
    org = users[Role.BRANCH_ORGANISER]
    assert referrals.totals(org) == [
        {"branch": "Derby North", "joined": 1, "event_replies": 0, "referrers": 1}
    ]
    assert sum(r["joined"] for r in referrals.totals(users[Role.NATIONAL_ADMIN])) == 2
    client.force_login(org)
    page = client.get("/referrals/").content.decode()
    assert "Derby North" in page and "Derby South" not in page and "Ann" not in page
    assert client.get("/api/referrals/totals").json()[0]["joined"] == 1
    client.force_login(users[Role.MEMBER])
    assert client.get("/referrals/").status_code == 403
    assert client.get("/api/referrals/totals").status_code == 403


def test_subject_access_gives_counts_and_erasure_keeps_the_totals(ann, branches, users):
    from groundswell.members.services import person_erase, person_subject_access

    north, _ = branches
    cat = recruit(north, "Catriona")
    referrals.referral_record(person=cat, token=referrals.link_token(ann.person))
    admin = users[Role.NATIONAL_ADMIN]
    mine = str(person_subject_access(person=ann.person, actor=admin))
    assert "Catriona" not in mine and "'joined': 1" in mine
    theirs = str(person_subject_access(person=cat, actor=admin))
    assert "Ann" not in theirs and "referred" in theirs
    person_erase(person=ann.person, actor=admin, confirm=True)
    assert referrals.totals(admin)[0]["joined"] == 1
    assert not Referral.objects.filter(referrer=ann.person).exists()
