"""Nominations: a branch's decided by its members' vote in the app (sealed, one each, only
the branch's members), an affiliate's by a recorded decision (who, when, minutes); the
applicant sees theirs. Adversaries: another branch's member voting, another branch's
organiser recording, a decision with no minutes, an affiliate nominating twice."""

from datetime import date

import pytest

from groundswell.accounts.models import AuditEvent, Role
from groundswell.accounts.policies import NeedsConfirmation, Refused
from groundswell.ballots.models import Ballot
from groundswell.selections import selectors, services
from groundswell.selections.models import Nomination
from tests import factories
from tests.selections.test_selections import TT, apply, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    a, b = factories.branch(), factories.branch()
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    s = services.selection_create(actor=org, branch=a, title="North", timetable=TT)
    jo, sam = member(a, first="Jo"), member(a, first="Sam")
    apps = {"jo": apply(jo, s), "sam": apply(sam, s, gender="man")}
    return a, b, org, s, apps, {"jo": jo, "sam": sam}


def test_a_branch_nomination_is_decided_by_its_members_vote(setup, django_capture_on_commit_callbacks):
    a, b, org, s, apps, _people = setup
    voters = [member(a) for _ in range(3)]
    outsider = member(b)
    with django_capture_on_commit_callbacks(execute=True):  # the electorate is drawn as it opens
        nomination = services.nomination_vote_open(actor=org, selection=s)
    nomination.refresh_from_db()
    assert nomination.ballot.in_app and nomination.ballot.branch_id == a.pk
    with pytest.raises(Refused):  # not a member of the branch: not on the electorate, nor the page
        services.nomination_vote_cast(actor=outsider, nomination=nomination, application_id=apps["jo"].pk)
    for v, who in zip(voters, ("sam", "sam", "jo"), strict=True):
        services.nomination_vote_cast(actor=v, nomination=nomination, application_id=apps[who].pk)
    with pytest.raises(Refused, match="votes once"):
        services.nomination_vote_cast(actor=voters[0], nomination=nomination, application_id=apps["jo"].pk)
    with pytest.raises(NeedsConfirmation):  # others were told the vote runs a week
        services.nomination_vote_close(actor=org, nomination=nomination)
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_vote_close(actor=org, nomination=nomination, confirm=True)
    nomination.refresh_from_db()
    assert nomination.status == "made" and nomination.application == apps["sam"]
    assert nomination.ballot.status == Ballot.Status.PUBLISHED
    assert [n.body for n in selectors.nominations_of(apps["sam"])] == [a.name]
    assert not selectors.nominations_of(apps["jo"]).exists()
    assert AuditEvent.objects.filter(
        action="selections.nominated", target=f"application:{apps['sam'].pk}"
    ).exists()


def test_another_branchs_organiser_cannot_run_nominations(setup):
    _a, b, _org, s, apps, _ = setup
    other = factories.user(Role.BRANCH_ORGANISER, branch=b)
    with pytest.raises(Refused):
        services.nomination_vote_open(actor=other, selection=s)
    unite = services.affiliate_set_kind(
        actor=factories.user(Role.NATIONAL_ADMIN), name="Unite", kind="trade_union"
    )
    with pytest.raises(Refused):
        services.nomination_record(
            actor=other, selection=s, application=apps["jo"], affiliate=unite,
            decided_by="Regional committee", decided_on=date(2026, 11, 20), minutes_ref="RC/11/3",
            today=date(2026, 11, 25),
        )  # fmt: skip
    assert not Nomination.objects.exists()


def test_an_affiliate_nomination_needs_who_when_and_minutes_and_comes_once(setup, client):
    _a, _b, org, s, apps, people = setup
    unite = services.affiliate_set_kind(
        actor=factories.user(Role.NATIONAL_ADMIN), name="Unite", kind="trade_union"
    )
    record = dict(actor=org, selection=s, affiliate=unite, today=date(2026, 11, 25))
    with pytest.raises(Refused) as e:
        services.nomination_record(
            **record, application=apps["jo"], decided_by="", decided_on=date(2026, 12, 1), minutes_ref=" "
        )
    assert (
        "decided_by" in e.value.message and "future" in e.value.message and "minutes_ref" in e.value.message
    )
    n = services.nomination_record(
        **record, application=apps["jo"], decided_by="Unite East Midlands regional committee",
        decided_on=date(2026, 11, 20), minutes_ref="EMRC minutes 2026-11, item 4",
    )  # fmt: skip
    with pytest.raises(Refused, match="already nominated"):
        services.nomination_record(
            **record, application=apps["sam"], decided_by="x", decided_on=date(2026, 11, 21), minutes_ref="y"
        )
    assert n.method == "recorded"
    client.force_login(people["jo"])
    page = client.get(f"/selections/{s.pk}/").content.decode()
    assert "Unite" in page and "EMRC minutes 2026-11, item 4" in page
    client.force_login(people["sam"])
    assert "EMRC minutes" not in client.get(f"/selections/{s.pk}/").content.decode()


def test_nominations_close_with_the_shortlist(setup):
    _a, _b, org, s, apps, _ = setup
    for app in apps.values():
        for stage in ("longlist", "shortlist"):
            services.decision_record(actor=org, application=app, stage=stage, include=True, reason="good")
    services.shortlist_confirm(actor=org, selection=s)
    with pytest.raises(Refused, match="nominations are closed"):
        services.nomination_vote_open(actor=org, selection=s)
