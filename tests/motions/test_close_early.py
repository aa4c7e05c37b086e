"""Closing a motion vote before its advertised time shows who it shuts out and needs confirming.

The adversary is the stray click: members were told the vote closes on a date; one press of
"Close the vote and count" by an organiser used to end it at once, with most still to vote.
"""

import pytest

from groundswell.accounts.policies import NeedsConfirmation
from groundswell.ballots.models import Ballot
from groundswell.motions import services
from groundswell.motions.models import Motion
from tests import factories
from tests.motions.helpers import member, rules

pytestmark = pytest.mark.django_db

TEXT = "This branch calls for the public ownership of rail."


@pytest.fixture
def voting(django_capture_on_commit_callbacks):
    """A branch motion being voted on by four members, one of whom has voted."""
    branch = factories.branch(name="Derby North")
    rules(support_count=2)
    people = [member(branch, first_name=n) for n in ("Pat", "Sam", "Kim", "Lee")]
    organiser = factories.user("branch_organiser", branch=branch)
    motion = services.motion_propose(
        user=people[0], branch=branch, title="Rail", subject="Transport", text=TEXT
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_support(user=people[1], motion=motion)
        services.motion_support(user=people[2], motion=motion)
    motion.refresh_from_db()
    services.vote_cast(user=people[0], ballot=motion.ballot, choice="For")
    return motion, organiser


def test_closing_early_without_confirming_shows_the_consequences_and_closes_nothing(voting):
    motion, organiser = voting
    with pytest.raises(NeedsConfirmation) as asked:
        services.motion_close_votes(user=organiser, motion=motion)
    [vote] = asked.value.consequences["votes"]
    assert (vote["electorate"], vote["voted"], vote["not_voted"]) == (4, 1, 3)
    assert vote["advertised_close"] and "3 members who have not voted" in asked.value.message
    assert Ballot.objects.get(pk=motion.ballot_id).status == Ballot.Status.OPEN


def test_closing_early_with_confirm_closes_and_counts(voting, django_capture_on_commit_callbacks):
    motion, organiser = voting
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_close_votes(user=organiser, motion=motion, confirm=True)
    assert Motion.objects.get(pk=motion.pk).status == Motion.Status.CARRIED


def test_the_page_asks_before_closing_early(voting, client, django_capture_on_commit_callbacks):
    motion, organiser = voting
    client.force_login(organiser)
    page = client.post(f"/motions/{motion.pk}/close/")
    text = page.content.decode()
    assert 'data-testid="not-voted"' in text and ">3<" in text and 'name="confirm"' in text
    assert Ballot.objects.get(pk=motion.ballot_id).status == Ballot.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/motions/{motion.pk}/close/", {"confirm": "yes"})
    assert Motion.objects.get(pk=motion.pk).status == Motion.Status.CARRIED


def test_the_api_needs_an_explicit_confirm_to_close_early(voting, client, django_capture_on_commit_callbacks):
    motion, organiser = voting
    client.force_login(organiser)
    refused = client.post(f"/api/motions/{motion.pk}/close", content_type="application/json")
    assert refused.status_code == 428 and refused.json()["consequences"]["votes"][0]["not_voted"] == 3
    assert Ballot.objects.get(pk=motion.ballot_id).status == Ballot.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/api/motions/{motion.pk}/close", {"confirm": True}, content_type="application/json"
        )
    assert done.status_code == 200  # counted as the request commits
    assert Motion.objects.get(pk=motion.pk).status == Motion.Status.CARRIED


def test_closing_early_once_everyone_has_voted_shuts_nobody_out_and_needs_no_confirming(
    voting, django_capture_on_commit_callbacks
):
    motion, organiser = voting
    for p in motion.branch.memberships.exclude(person=motion.proposer).select_related("person__account"):
        services.vote_cast(user=p.person.account, ballot=motion.ballot, choice="Against")
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_close_votes(user=organiser, motion=motion)
    assert Motion.objects.get(pk=motion.pk).status == Motion.Status.LOST
