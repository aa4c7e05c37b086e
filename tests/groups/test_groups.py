"""Working groups and the solidarity board, adversaries first: a hidden group stays hidden,
contact details pass only on mutual consent, moderation stays with the group's facilitators,
and a group's mail-out reaches only members who consented and have not muted it."""

from datetime import date

import pytest
from django.core import mail

from groundswell.accounts.policies import Refused
from groundswell.groups import selectors, services
from groundswell.groups.models import GroupMember, Response
from groundswell.members.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def north():
    return factories.branch(name="Derby North")


@pytest.fixture
def south():
    return factories.branch(name="Derby South")


def member(branch, phone="", consent=True):
    p = factories.person(branch=branch)
    Person.objects.filter(pk=p.pk).update(phone=phone, consent_email_on=date(2024, 1, 1) if consent else None)
    p.refresh_from_db()
    return factories.user("member", person=p)


def group(user, branch, **kw):
    kw.setdefault("join_policy", "open")
    kw.setdefault("visibility", "party")
    return services.group_create(
        user=user, name="Food bank", purpose="Shifts at the food bank", branch=branch, **kw
    )


# ---- adversaries


def test_an_outsider_can_neither_see_a_hidden_group_nor_read_or_join_its_board(north):
    fac, outsider = member(north), member(north)
    g = group(fac, north, visibility="hidden", join_policy="open")
    services.post_create(user=fac, group=g, kind="request", title="Lift to the clinic")
    assert not selectors.visible_groups(outsider).filter(pk=g.pk).exists()
    for act in (
        lambda: services.group_join(user=outsider, group=g),
        lambda: services.post_create(user=outsider, group=g, kind="offer", title="x"),
    ):
        with pytest.raises(Refused) as e:
            act()
        assert e.value.status == 404  # not even told it exists
    post = g.posts.get()
    assert selectors.visible_post(outsider, post.pk) is None
    with pytest.raises(Refused) as e:
        services.response_create(user=outsider, post=post, share="email")
    assert e.value.status == 404


def test_a_listed_groups_board_is_for_its_members_only(north):
    fac, outsider = member(north), member(north)
    g = group(fac, north, visibility="members", join_policy="request")
    post = services.post_create(user=fac, group=g, kind="offer", title="Childcare Saturday")
    assert selectors.visible_groups(outsider).filter(pk=g.pk).exists()  # listed
    assert not selectors.may_read_board(outsider, g)
    assert selectors.visible_post(outsider, post.pk) is None


def test_a_responder_never_sees_the_posters_phone_before_being_accepted(north):
    poster, responder = member(north, phone="07700 900001"), member(north, phone="07700 900002")
    g = group(poster, north)
    services.group_join(user=responder, group=g)
    post = services.post_create(user=poster, group=g, kind="request", title="Lift to the polling station")
    r = services.response_create(user=responder, post=post, share="phone", message="I can drive")
    assert selectors.contact_for(responder, r) is None
    assert selectors.contact_for(poster, r) is None  # nor the poster the responder's, before accepting
    with pytest.raises(Refused):  # the responder cannot accept on the poster's behalf
        services.response_accept(user=responder, response=r, share="phone")
    services.response_decline(user=poster, response=r)
    r.refresh_from_db()
    assert r.status == Response.Status.DECLINED
    assert selectors.contact_for(responder, r) is None


def test_accepting_shows_each_side_the_others_chosen_detail_and_nobody_else(north):
    poster, responder, fac = (
        member(north, phone="07700 900001"),
        member(north, phone="07700 900002"),
        member(north),
    )
    g = group(fac, north)
    for u in (poster, responder):
        services.group_join(user=u, group=g)
    post = services.post_create(user=poster, group=g, kind="offer", title="Lifts on polling day")
    r = services.response_create(user=responder, post=post, share="phone")
    r = services.response_accept(user=poster, response=r, share="email")
    assert selectors.contact_for(responder, r) == poster.person.email
    assert selectors.contact_for(poster, r) == "07700 900002"
    assert selectors.contact_for(fac, r) is None  # a facilitator moderates, it does not read contacts


def test_a_branch_b_organiser_cannot_moderate_a_branch_a_group(north, south):
    fac, author = member(north), member(north)
    g = group(fac, north)
    services.group_join(user=author, group=g)
    post = services.post_create(user=author, group=g, kind="offer", title="Rude")
    for outsider in (
        factories.user("branch_organiser", branch=south),
        factories.user("branch_organiser", branch=north),
    ):
        with pytest.raises(Refused):
            services.post_hide(user=outsider, post=post, reason="abusive")
        with pytest.raises(Refused):
            services.group_remove(user=outsider, group=g, person_id=author.person_id)
    services.post_hide(user=fac, post=post, reason="abusive")
    assert selectors.visible_post(member_in(g, north), post.pk) is None


def member_in(g, branch):
    u = member(branch)
    services.group_join(user=u, group=g)
    return u


def test_the_groups_mailout_skips_the_muted_and_those_without_consent(
    north, django_capture_on_commit_callbacks
):
    fac = member(north)
    g = group(fac, north)
    keen, muted, no_consent = member(north), member(north), member(north, consent=False)
    requested = member(north)
    for u in (keen, muted, no_consent):
        services.group_join(user=u, group=g)
    services.group_mute(user=muted, group=g, muted=True)
    GroupMember.objects.create(group=g, person=requested.person, status="requested")
    member(north)  # in the branch, not the group
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.group_mailout(user=fac, group=g, subject="Shift rota", body="New rota attached.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([fac.person.email, keen.person.email])


def test_only_a_facilitator_sends_the_groups_mailout(north):
    fac, plain = member(north), member(north)
    g = group(fac, north)
    services.group_join(user=plain, group=g)
    for u in (plain, factories.user("branch_organiser", branch=north)):
        with pytest.raises(Refused):
            services.group_mailout(user=u, group=g, subject="x", body="y")


# ---- join policies


def test_join_policies_open_request_invite(north, south):
    fac, a, b, c = member(north), member(north), member(north), member(north)
    open_g = group(fac, north, join_policy="open")
    assert services.group_join(user=a, group=open_g).status == "active"
    req = group(fac, north, join_policy="request")
    assert services.group_join(user=b, group=req).status == "requested"
    assert not selectors.is_active_member(b, req)
    with pytest.raises(Refused):
        services.group_approve(user=a, group=req, person_id=b.person_id)  # not a facilitator
    services.group_approve(user=fac, group=req, person_id=b.person_id)
    assert selectors.is_active_member(b, req)
    inv = group(fac, north, join_policy="invite", visibility="hidden")
    with pytest.raises(Refused):
        services.group_join(user=c, group=inv)
    services.group_invite(user=fac, group=inv, person=c.person)
    assert selectors.visible_groups(c).filter(pk=inv.pk).exists()  # the invited see it
    assert services.group_join(user=c, group=inv).status == "active"
    services.group_leave(user=c, group=inv)
    assert not selectors.visible_groups(c).filter(pk=inv.pk).exists()
    with pytest.raises(Refused):  # a branch group is for its branch's members
        services.group_join(user=member(south), group=open_g)


def test_a_closed_post_takes_no_responses_and_nobody_answers_their_own(north):
    poster, other = member(north), member(north)
    g = group(poster, north)
    services.group_join(user=other, group=g)
    post = services.post_create(
        user=poster, group=g, kind="request", title="Help with a PIP form", topic="form"
    )
    with pytest.raises(Refused):
        services.response_create(user=poster, post=post, share="email")
    services.post_close(user=poster, post=post)
    with pytest.raises(Refused) as e:
        services.response_create(user=other, post=post, share="email")
    assert e.value.status == 409


def test_a_branch_board_is_for_the_branchs_members(north, south):
    poster, neighbour, stranger = member(north), member(north), member(south)
    post = services.post_create(
        user=poster, branch=north, kind="offer", title="Food bank shift Tuesday", topic="foodbank"
    )
    assert selectors.visible_post(neighbour, post.pk) is not None
    assert selectors.visible_post(stranger, post.pk) is None
    with pytest.raises(Refused):
        services.post_create(user=stranger, branch=north, kind="offer", title="x")
    with pytest.raises(Refused):
        services.post_hide(user=factories.user("branch_organiser", branch=south), post=post, reason="x")
    services.post_hide(user=factories.user("branch_organiser", branch=north), post=post, reason="spam")


def test_choosing_a_detail_you_do_not_have_is_refused_by_name(north):
    poster, responder = member(north), member(north, phone="")
    post = services.post_create(user=poster, branch=north, kind="offer", title="Lift")
    with pytest.raises(services.GroupError, match="contact: your record has no phone"):
        services.response_create(user=responder, post=post, share="phone")


def test_subject_access_and_erasure_cover_groups_posts_and_responses(north):
    from groundswell.groups import personal_data

    poster, responder = member(north), member(north)
    g = group(poster, north)
    services.group_join(user=responder, group=g)
    post = services.post_create(user=poster, group=g, kind="offer", title="Lifts")
    services.response_create(user=responder, post=post, share="email", message="Yes please")
    data = personal_data.access(responder.person)
    assert data["groups"][0]["group"] == "Food bank"
    assert data["board_responses"][0]["message"] == "Yes please"
    personal_data.erase(poster.person)
    assert personal_data.access(poster.person) == {
        "groups": [],
        "board_posts": [],
        "board_responses": [],
        "group_events_proposed": [],
    }
    assert not Response.objects.exists()  # responses to an erased person's post go with it


def test_a_lapsed_member_still_listed_in_a_group_can_neither_post_nor_answer(north):
    from groundswell.members.models import Membership

    fac, lapsed = member(north), member(north)
    g = group(fac, north)
    services.group_join(user=lapsed, group=g)
    post = services.post_create(user=fac, group=g, kind="request", title="Lift")
    Membership.objects.filter(person=lapsed.person).update(lapsed_on=date(2020, 1, 1))
    with pytest.raises(Refused):
        services.post_create(user=lapsed, group=g, kind="offer", title="x")
    with pytest.raises(Refused):
        services.response_create(user=lapsed, post=post, share="email")


def test_an_organiser_of_the_branch_reads_but_cannot_answer_its_board_without_membership(north):
    poster = member(north)
    post = services.post_create(user=poster, branch=north, kind="offer", title="Lift")
    org = factories.user("branch_organiser", branch=north)
    assert selectors.visible_post(org, post.pk) is not None
    with pytest.raises(Refused):
        services.response_create(user=org, post=post, share="email")
