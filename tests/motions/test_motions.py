"""Motions: support threshold, amendments before the motion, secret votes, moderation, composites."""

import pytest

from groundswell.ballots.models import Ballot, Elector, SealedBallot
from groundswell.motions import selectors, services
from groundswell.motions.models import Amendment, Comment, Motion
from tests import factories
from tests.motions.helpers import member, rules

pytestmark = pytest.mark.django_db

TEXT = "This branch calls for the public ownership of rail.\n\nWe ask our MP to vote for it."


@pytest.fixture
def branch():
    return factories.branch(name="Derby North")


@pytest.fixture
def people(branch):
    rules(support_count=2)
    return [member(branch, first_name=n) for n in ("Pat", "Sam", "Kim", "Lee")]


def propose(user, branch, text=TEXT):
    return services.motion_propose(user=user, branch=branch, title="Rail", subject="Transport", text=text)


def test_threshold_moves_the_motion_to_a_branch_vote(branch, people, django_capture_on_commit_callbacks):
    factories.person(branch=factories.branch())  # a member elsewhere: not on this electorate
    motion = propose(people[0], branch)
    assert motion.supports_needed == 2
    services.motion_support(user=people[1], motion=motion)
    assert Motion.objects.get(pk=motion.pk).status == Motion.Status.GATHERING
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_support(user=people[2], motion=motion)
    motion.refresh_from_db()
    assert motion.status == Motion.Status.VOTING
    assert motion.ballot.status == Ballot.Status.OPEN and motion.ballot.in_app
    # the electorate is the branch's members, frozen by the ballot machinery
    assert set(Elector.objects.filter(ballot=motion.ballot).values_list("person_id", flat=True)) == {
        u.person_id for u in people
    }


def test_share_of_branch_members_sets_the_threshold(branch):
    rules(support_count=1, share=50)
    users = [member(branch) for _ in range(6)]
    motion = propose(users[0], branch)
    assert motion.supports_needed == 3


def test_proposer_cannot_count_as_a_supporter_and_nobody_supports_twice(branch, people):
    motion = propose(people[0], branch)
    with pytest.raises(services.MotionError, match="proposer"):
        services.motion_support(user=people[0], motion=motion)
    services.motion_support(user=people[1], motion=motion)
    with pytest.raises(services.MotionError, match="already"):
        services.motion_support(user=people[1], motion=motion)
    assert Motion.objects.get(pk=motion.pk).support_count == 1


def test_member_of_another_branch_cannot_support_or_vote(branch, people, django_capture_on_commit_callbacks):
    outsider = member(factories.branch(name="Derby South"))
    motion = propose(people[0], branch)
    with pytest.raises(services.MotionError, match="only members of this branch"):
        services.motion_support(user=outsider, motion=motion)
    with pytest.raises(services.MotionError, match="only members of this branch"):
        services.amendment_propose(user=outsider, motion=motion, delete_text="rail", insert_text="buses")
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_support(user=people[1], motion=motion)
        services.motion_support(user=people[2], motion=motion)
    motion.refresh_from_db()
    with pytest.raises(services.MotionError, match="not on the electorate"):
        services.vote_cast(user=outsider, ballot=motion.ballot, choice="For")
    assert SealedBallot.objects.filter(ballot=motion.ballot).count() == 0


def test_a_lapsed_member_cannot_propose(branch):
    from datetime import date

    lapsed = member(branch, lapsed_on=date(2016, 1, 1))
    with pytest.raises(services.MotionError):
        propose(lapsed, branch)


def test_supported_motion_cannot_be_edited_but_a_new_version_restarts_supports(branch, people):
    motion = propose(people[0], branch)
    services.motion_edit(user=people[0], motion=motion, title="Rail now", subject="Transport", text=TEXT)
    services.motion_support(user=people[1], motion=motion)
    with pytest.raises(services.MotionError, match="cannot be edited"):
        services.motion_edit(
            user=people[0], motion=motion, title="Rail", subject="Transport", text="Other words."
        )
    assert Motion.objects.get(pk=motion.pk).text == TEXT
    with pytest.raises(services.MotionError, match="only the proposer"):
        services.motion_edit(
            user=people[1], motion=motion, title="X", subject="Y", text="Z", restart_supports=True
        )
    edited = services.motion_edit(
        user=people[0],
        motion=motion,
        title="Rail",
        subject="Transport",
        text="Other words.",
        restart_supports=True,
    )
    assert (edited.version, edited.support_count, edited.text) == (2, 0, "Other words.")
    services.motion_support(user=people[1], motion=motion)  # supports the new text afresh
    assert Motion.objects.get(pk=motion.pk).support_count == 1


def vote(users, ballot, choices):
    for u, c in zip(users, choices, strict=True):
        services.vote_cast(user=u, ballot=ballot, choice=c)


def test_amendment_is_voted_first_then_applied_then_the_motion_is_voted(
    branch, people, django_capture_on_commit_callbacks
):
    organiser = factories.user("branch_organiser", branch=branch)
    motion = propose(people[0], branch)
    amendment = services.amendment_propose(
        user=people[3],
        motion=motion,
        delete_text="public ownership of rail",
        insert_text="public ownership of rail and buses",
    )
    loser = services.amendment_propose(
        user=people[1], motion=motion, delete_text="", insert_text="And trams."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_support(user=people[1], motion=motion)
        services.motion_support(user=people[2], motion=motion)
    motion.refresh_from_db()
    assert motion.status == Motion.Status.AMENDING and motion.ballot is None
    amendment.refresh_from_db()
    loser.refresh_from_db()
    vote(people, amendment.ballot, ["For", "For", "Against", "Abstain"])
    vote(people[:3], loser.ballot, ["Against", "Against", "For"])
    with pytest.raises(services.MotionError, match="already been used"):
        services.vote_cast(user=people[0], ballot=amendment.ballot, choice="Against")
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_close_votes(user=organiser, motion=motion, confirm=True)
    motion.refresh_from_db()
    assert Amendment.objects.get(pk=amendment.pk).status == Amendment.Status.CARRIED
    assert Amendment.objects.get(pk=loser.pk).status == Amendment.Status.LOST
    assert "public ownership of rail and buses" in motion.text and "trams" not in motion.text
    assert motion.proposed_text == TEXT
    assert motion.status == Motion.Status.VOTING and motion.ballot.status == Ballot.Status.OPEN
    vote(people[:3], motion.ballot, ["For", "Against", "For"])
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_close_votes(user=organiser, motion=motion, confirm=True)
    motion.refresh_from_db()
    assert motion.status == Motion.Status.CARRIED
    result = selectors.vote_result(motion.ballot)
    assert result.counts == {"For": 2, "Against": 1, "Abstain": 0}
    assert (result.cast, result.electorate, round(result.turnout_percent)) == (3, 4, 75)
    assert motion.ballot.status == Ballot.Status.PUBLISHED  # results and turnout are public


def test_a_later_amendment_to_words_already_changed_falls(branch, people, django_capture_on_commit_callbacks):
    organiser = factories.user("branch_organiser", branch=branch)
    motion = propose(people[0], branch)
    first = services.amendment_propose(
        user=people[1], motion=motion, delete_text="rail", insert_text="railways"
    )
    second = services.amendment_propose(
        user=people[2], motion=motion, delete_text="rail.", insert_text="trains."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_support(user=people[1], motion=motion)
        services.motion_support(user=people[2], motion=motion)
    first.refresh_from_db()
    second.refresh_from_db()
    vote(people[:2], first.ballot, ["For", "For"])
    vote(people[:2], second.ballot, ["For", "For"])
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_close_votes(user=organiser, motion=motion, confirm=True)
    second.refresh_from_db()
    assert second.status == Amendment.Status.FELL and "earlier amendment" in second.fell_because
    assert "railways." in Motion.objects.get(pk=motion.pk).text


def test_an_amendment_must_quote_words_in_the_motion(branch, people):
    motion = propose(people[0], branch)
    with pytest.raises(services.MotionError, match="not in the motion"):
        services.amendment_propose(user=people[1], motion=motion, delete_text="buses", insert_text="trams")


def test_only_moderators_close_votes(branch, people, django_capture_on_commit_callbacks):
    motion = propose(people[0], branch)
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_support(user=people[1], motion=motion)
        services.motion_support(user=people[2], motion=motion)
    other_organiser = factories.user("branch_organiser", branch=factories.branch())
    for u in (people[0], other_organiser):
        with pytest.raises(services.MotionError, match="only the branch's organisers"):
            services.motion_close_votes(user=u, motion=Motion.objects.get(pk=motion.pk))


def test_comments_thread_and_hidden_comments_are_seen_only_by_moderators(branch, people):
    organiser = factories.user("branch_organiser", branch=branch)
    motion = propose(people[0], branch)
    top = services.comment_add(user=people[1], motion=motion, body="Yes, and buses too.")
    reply = services.comment_add(user=people[2], motion=motion, body="Buses are another motion.", parent=top)
    rude = services.comment_add(user=people[3], motion=motion, body="Something abusive")
    with pytest.raises(services.MotionError, match="only a moderator"):
        services.comment_hide(user=people[1], comment=rude, reason="abusive")
    with pytest.raises(services.MotionError, match="reason"):
        services.comment_hide(user=organiser, comment=rude, reason=" ")
    services.comment_hide(user=organiser, comment=rude, reason="personal abuse")
    as_member = selectors.visible_comments(motion, people[1])
    assert [(c.pk, c.depth) for c in as_member] == [(top.pk, 0), (reply.pk, 1), (rude.pk, 0)]
    assert [c.visible_body for c in as_member] == [True, True, False]
    as_moderator = selectors.visible_comments(motion, organiser)
    assert all(c.visible_body for c in as_moderator)
    assert Comment.objects.get(pk=rude.pk).hidden_reason == "personal abuse"


def carried_motion(branch, people, organiser, capture, title="Rail"):
    motion = services.motion_propose(
        user=people[0], branch=branch, title=title, subject="Transport", text=TEXT
    )
    with capture(execute=True):
        services.motion_support(user=people[1], motion=motion)
        services.motion_support(user=people[2], motion=motion)
    motion.refresh_from_db()
    vote(people[:2], motion.ballot, ["For", "For"])
    with capture(execute=True):
        services.motion_close_votes(user=organiser, motion=motion, confirm=True)
    motion.refresh_from_db()
    assert motion.status == Motion.Status.CARRIED
    return services.motion_send_national(user=organiser, motion=motion)


def test_composite_records_its_sources_and_goes_to_a_national_vote(django_capture_on_commit_callbacks):
    rules(support_count=2)
    north, south = factories.branch(name="North"), factories.branch(name="South")
    admin = factories.user("national_admin")
    sent = []
    for b in (north, south):
        people = [member(b) for _ in range(3)]
        sent.append(
            carried_motion(
                b, people, factories.user("branch_organiser", branch=b), django_capture_on_commit_callbacks
            )
        )
    with pytest.raises(services.MotionError, match="national admin"):
        services.composite_create(
            user=people[0], title="Rail", subject="Transport", text="Composite.", motions=sent
        )
    with django_capture_on_commit_callbacks(execute=True):
        composite = services.composite_create(
            user=admin,
            title="Public transport",
            subject="Transport",
            text="Conference resolves...",
            motions=sent,
        )
    composite.refresh_from_db()
    assert composite.is_national and composite.status == Motion.Status.VOTING
    assert set(composite.sources.values_list("pk", flat=True)) == {m.pk for m in sent}
    # every member of the party is on the national electorate
    assert Elector.objects.filter(ballot=composite.ballot).count() == 6
    with pytest.raises(services.MotionError, match="already part of a composite"):
        services.composite_create(user=admin, title="Again", subject="Transport", text="x", motions=sent[:1])


def test_a_motion_not_carried_cannot_go_national(branch, people):
    organiser = factories.user("branch_organiser", branch=branch)
    motion = propose(people[0], branch)
    with pytest.raises(services.MotionError, match="carried"):
        services.motion_send_national(user=organiser, motion=motion)


def test_the_scheduler_closes_a_vote_at_its_closing_time(branch, people, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    motion = propose(people[0], branch)
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_support(user=people[1], motion=motion)
        services.motion_support(user=people[2], motion=motion)
    motion.refresh_from_db()
    vote(people[:1], motion.ballot, ["Against"])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("tick")  # not yet due: nothing happens
    assert Motion.objects.get(pk=motion.pk).status == Motion.Status.VOTING
    Ballot.objects.filter(pk=motion.ballot_id).update(closes_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("tick")
    assert Motion.objects.get(pk=motion.pk).status == Motion.Status.LOST


def test_national_admin_sets_the_threshold_in_the_admin(client):
    admin = factories.user("national_admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    rules(support_count=5)
    from groundswell.motions.models import MotionRules

    response = client.post(
        "/admin/motions/motionrules/1/change/",
        {
            "support_count": "12",
            "support_share_percent": "2.5",
            "vote_days": "7",
            "amendment_vote_days": "3",
            "vote_categories": '["member"]',
        },
    )
    assert response.status_code == 302
    assert (MotionRules.current().support_count, MotionRules.current().support_share_percent) == (12, 2.5)


def test_the_receipt_is_shown_once_and_never_kept_in_the_session(
    client, branch, people, django_capture_on_commit_callbacks
):
    motion = propose(people[0], branch)
    with django_capture_on_commit_callbacks(execute=True):
        services.motion_support(user=people[1], motion=motion)
        services.motion_support(user=people[2], motion=motion)
    motion.refresh_from_db()
    client.force_login(people[1])
    before = client.get(f"/motions/{motion.pk}/").content.decode()
    assert "whoever runs the server could" in before  # the vote says which protection it has
    page = client.post(f"/motions/{motion.pk}/vote/{motion.ballot_id}/", {"choice": "Against"})
    tracker = SealedBallot.objects.get(ballot=motion.ballot).tracker
    assert page.status_code == 200 and tracker in page.content.decode()
    from django.contrib.sessions.models import Session

    assert all(tracker not in str(s.get_decoded()) for s in Session.objects.all())
    assert tracker not in client.get(f"/motions/{motion.pk}/").content.decode()
    assert b"You have voted" in client.get(f"/motions/{motion.pk}/").content


def test_national_admins_find_the_rules_from_the_motions_list(client):
    client.force_login(factories.user("national_admin"))
    page = client.get("/motions/").content.decode()
    assert "/admin/motions/motionrules/" in page and "/motions/composite/" in page
    client.force_login(factories.user("member"))
    assert "/admin/motions/motionrules/" not in client.get("/motions/").content.decode()
