"""Hustings are events members RSVP to (on the timetable); trigger ballots are decided by
section with configurable thresholds, published by section, and only to the branch.
Adversaries: another branch's member peeking at the hustings or the result, an organiser
of another branch recording a section, publishing by accident, a section counted twice."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from groundswell.accounts.models import AuditEvent, Role
from groundswell.accounts.policies import NeedsConfirmation, Refused
from groundswell.events import services as events
from groundswell.selections import services
from groundswell.selections.models import TriggerSection
from tests import factories
from tests.selections.test_selections import TT, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def ab():
    return factories.branch(), factories.branch()


def test_hustings_is_an_event_the_branch_rsvps_to_and_the_timetable_shows(ab, client):
    a, b = ab
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    s = services.selection_create(actor=org, branch=a, title="North", timetable=TT)
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(Refused):
        services.hustings_create(
            actor=factories.user(Role.BRANCH_ORGANISER, branch=b), selection=s, place="Hall",
            starts_at=start, ends_at=start + timedelta(hours=2),
        )  # fmt: skip
    event = services.hustings_create(
        actor=org,
        selection=s,
        place="Sikh Community Centre",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    voter = member(a)
    rsvp = events.rsvp_create(event=event, user=voter)
    assert rsvp.status == "going"
    with pytest.raises(Refused):  # a branch-only event: not open to another branch's member
        events.rsvp_create(event=event, user=member(b))
    client.force_login(voter)
    page = client.get(f"/selections/{s.pk}/").content.decode()
    assert f"/events/{event.pk}/" in page and "Sikh Community Centre" in page
    client.force_login(member(b))
    assert client.get(f"/events/{event.pk}/").status_code == 404


@pytest.fixture
def trigger(ab):
    a, _b = ab
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    t = services.trigger_create(
        actor=org, branch=a, title="Re-selection of the sitting MP", representative="A. Sitting",
        thresholds={"branch": "1/3", "affiliate": "1/3"},
    )  # fmt: skip
    return org, t


def record(org, t, kind, name, yes, no, affiliate=None):
    return services.trigger_section_record(
        actor=org, trigger=t, kind=kind, name=name, affiliate=affiliate,
        votes_for=yes, votes_against=no, minutes_ref=f"{name} minutes",
    )  # fmt: skip


def test_a_third_of_branches_triggers_even_with_no_affiliate_saying_yes(trigger):
    org, t = trigger
    admin = factories.user(Role.NATIONAL_ADMIN)
    unions = [services.affiliate_set_kind(actor=admin, name=n, kind="trade_union") for n in ("Unite", "GMB")]
    record(org, t, "branch", "Darley", 20, 10)  # yes
    record(org, t, "branch", "Mackworth", 5, 9)
    record(org, t, "branch", "Allestree", 7, 7)  # a tie is no
    record(org, t, "affiliate", "", 1, 3, affiliate=unions[0])
    record(org, t, "affiliate", "", 0, 2, affiliate=unions[1])
    with pytest.raises(Refused, match="already recorded"):
        record(org, t, "branch", "darley", 1, 0)
    with pytest.raises(NeedsConfirmation) as asked:
        services.trigger_publish(actor=org, trigger=t)
    assert asked.value.consequences["triggered"] is True
    t.refresh_from_db()
    assert t.published_at is None
    t = services.trigger_publish(actor=org, trigger=t, confirm=True)
    assert t.triggered is True
    assert t.result["kinds"]["branch"] == {"sections": 3, "yes": 1, "needed": 1, "met": True}
    assert t.result["kinds"]["affiliate"]["met"] is False
    assert [s["name"] for s in t.result["sections"] if s["kind"] == "affiliate"] == ["GMB", "Unite"]
    assert AuditEvent.objects.filter(action="selections.trigger_publish", target=f"trigger:{t.pk}").exists()
    with pytest.raises(Refused, match="published"):
        record(org, t, "branch", "Late", 9, 0)


def test_a_higher_threshold_is_not_met_by_one_branch_in_three(ab):
    a, _ = ab
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    t = services.trigger_create(
        actor=org, branch=a, title="T", representative="R", thresholds={"branch": "1/2"}
    )
    for name, yes in (("A", 3), ("B", 0), ("C", 0)):
        record(org, t, "branch", name, yes, 1)
    with pytest.raises(Refused, match="kind"):
        record(org, t, "affiliate", "X", 1, 0)  # no affiliate threshold on this one
    assert services.trigger_publish(actor=org, trigger=t, confirm=True).triggered is False


def test_bad_thresholds_and_counts_are_refused_naming_the_field(ab):
    a, _ = ab
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    with pytest.raises(
        Refused, match=r"thresholds.branch: a fraction such as 1/3.*thresholds.affiliate: above 0"
    ):
        services.trigger_create(
            actor=org,
            branch=a,
            title="T",
            representative="R",
            thresholds={"branch": "a third", "affiliate": "3/2"},
        )
    t = services.trigger_create(
        actor=org, branch=a, title="T", representative="R", thresholds={"branch": "1/3"}
    )
    with pytest.raises(Refused, match=r"votes_for: a whole number.*minutes_ref"):
        services.trigger_section_record(
            actor=org, trigger=t, kind="branch", name="A", votes_for=-1, votes_against=0, minutes_ref=""
        )


def test_the_result_is_for_the_branch_and_run_only_by_its_organisers(ab, trigger, client):
    a, b = ab
    org, t = trigger
    other = factories.user(Role.BRANCH_ORGANISER, branch=b)
    with pytest.raises(Refused) as e:
        record(other, t, "branch", "Raid", 99, 0)
    assert e.value.status == 404
    record(org, t, "branch", "Darley", 2, 1)
    onlooker = member(a)
    client.force_login(onlooker)
    page = client.get(f"/selections/triggers/{t.pk}/").content.decode()
    assert "not published yet" in page and "Darley" not in page  # provisional counts: the panel only
    services.trigger_publish(actor=org, trigger=t, confirm=True)
    page = client.get(f"/selections/triggers/{t.pk}/").content.decode()
    assert "A selection is triggered" in page and "Darley" in page
    client.force_login(member(b))
    assert client.get(f"/selections/triggers/{t.pk}/").status_code == 404
    client.force_login(other)
    assert client.get(f"/selections/triggers/{t.pk}/").status_code == 404


def test_a_branch_section_by_a_members_ballot(ab, trigger, django_capture_on_commit_callbacks):
    a, b = ab
    org, t = trigger
    voters = [member(a) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        section = services.trigger_section_ballot_open(actor=org, trigger=t)
    section.refresh_from_db()
    with pytest.raises(Refused, match="still voting"):
        services.trigger_publish(actor=org, trigger=t, confirm=True)
    with pytest.raises(Refused):
        services.trigger_vote_cast(actor=member(b), section=section, choice="For")
    for v, choice in zip(voters, ("For", "For", "Against"), strict=True):
        services.trigger_vote_cast(actor=v, section=section, choice=choice)
    with django_capture_on_commit_callbacks(execute=True):
        services.trigger_vote_close(actor=org, section=section, confirm=True)
    section = TriggerSection.objects.get(pk=section.pk)
    assert (section.votes_for, section.votes_against, section.counted) == (2, 1, True)
    assert services.trigger_publish(actor=org, trigger=t, confirm=True).triggered is True
    assert isinstance(t.created_at, datetime)
