"""Selections: the adversaries first (an ineligible applicant, another branch's organiser,
a decision without a reason, an unbalanced shortlist, a member peeking at statements)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from groundswell.accounts.models import AuditEvent, Role
from groundswell.accounts.policies import Refused
from groundswell.ballots.models import Ballot
from groundswell.core.selections.timetable import Timetable
from groundswell.selections import policies, selectors, services
from groundswell.selections.models import Application
from tests import factories

pytestmark = pytest.mark.django_db

TT = Timetable(
    date(2026, 11, 1),
    date(2026, 11, 30),
    date(2026, 12, 3),
    date(2026, 12, 10),
    date(2026, 12, 15),
    date(2026, 12, 31),
)
APPLYING = date(2026, 11, 15)


@pytest.fixture
def a():
    return factories.branch()


@pytest.fixture
def b():
    return factories.branch()


def member(branch, joined=date(2015, 1, 1), first="Ada"):
    p = factories.person(branch=branch, joined_on=joined, first_name=first)
    return factories.user(person=p)


@pytest.fixture
def selection(a):
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    return services.selection_create(
        actor=org, branch=a, title="Testshire North", timetable=TT, min_months=12, balance_gender="woman"
    )


def apply(user, selection, gender="woman", **kw):
    return services.application_submit(
        actor=user,
        selection=selection,
        statement="I will fight for the branch",
        gender=gender,
        today=APPLYING,
        **kw,
    )


def test_a_member_who_joined_last_month_is_refused_naming_the_rule(a, selection):
    with pytest.raises(Refused) as e:
        apply(member(a, joined=date(2026, 10, 20)), selection)
    assert "minimum membership: 12 months" in e.value.message
    assert not Application.objects.exists()


def test_a_member_of_another_branch_is_refused(b, selection):
    with pytest.raises(Refused) as e:
        apply(member(b), selection)
    assert "branch: not a member of this branch" in e.value.message


def test_union_membership_when_required(a):
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    s = services.selection_create(actor=org, branch=a, title="U", timetable=TT, union_required=True)
    with pytest.raises(Refused, match="trade union"):
        apply(member(a), s)
    services.affiliate_set_kind(actor=factories.user(Role.NATIONAL_ADMIN), name="Unison", kind="trade_union")
    assert apply(member(a), s, trade_union="Unison").status == "applied"


def test_applications_outside_the_window_are_refused(a, selection):
    with pytest.raises(Refused, match="not open"):
        services.application_submit(
            actor=member(a), selection=selection, statement="x", gender="man", today=date(2026, 12, 1)
        )


def test_a_branch_b_organiser_cannot_shortlist_in_branch_a(a, b, selection):
    app = apply(member(a), selection)
    other = factories.user(Role.BRANCH_ORGANISER, branch=b)
    with pytest.raises(Refused):
        services.decision_record(actor=other, application=app, stage="longlist", include=True, reason="good")
    with pytest.raises(Refused):
        policies.may_read_applications(other, selection)
    app.refresh_from_db()
    assert app.status == "applied"


def test_a_decision_with_no_reason_is_refused(a, selection):
    app = apply(member(a), selection)
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    with pytest.raises(Refused, match="reason"):
        services.decision_record(actor=org, application=app, stage="longlist", include=True, reason="   ")


def panel_shortlist(org, apps):
    for app in apps:
        services.decision_record(
            actor=org, application=app, stage="longlist", include=True, reason="meets the spec"
        )
        services.decision_record(
            actor=org, application=app, stage="shortlist", include=True, reason="strong hustings"
        )


def test_an_unbalanced_shortlist_cannot_be_confirmed(a, selection):
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    apps = [apply(member(a), selection, gender=g) for g in ("woman", "man", "man")]
    panel_shortlist(org, apps)
    assert not selectors.balance(selection).met
    with pytest.raises(Refused, match="balance broken: 1 of 3"):
        services.shortlist_confirm(actor=org, selection=selection)
    selection.refresh_from_db()
    assert selection.shortlist_confirmed_at is None


def test_members_see_no_statements_until_the_shortlist_is_confirmed(a, b, selection):
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    apps = [apply(member(a), selection, gender=g) for g in ("woman", "man")]
    onlooker = member(a)
    with pytest.raises(Refused):
        policies.may_read_applications(onlooker, selection)
    with pytest.raises(Refused):
        policies.may_see(member(b), selection)
    policies.may_see(onlooker, selection)
    panel_shortlist(org, apps)
    assert selectors.published_shortlist(selection) == []
    selection = services.shortlist_confirm(actor=org, selection=selection)
    assert len(selectors.published_shortlist(selection)) == 2


def test_confirmed_shortlist_makes_the_omov_ballot_with_reasons_audited(a, selection):
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    apps = [apply(member(a, first=n), selection, gender=g) for n, g in (("Jo", "woman"), ("Sam", "man"))]
    panel_shortlist(org, apps)
    with pytest.raises(Refused, match="returning officer"):
        services.selection_ballot_create(
            actor=org,
            selection=selection,
            freeze_date=TT.applications_close,
            opens_at=datetime(2026, 12, 15, tzinfo=UTC),
            closes_at=datetime(2026, 12, 31, tzinfo=UTC),
        )
    with pytest.raises(Refused, match="confirm the shortlist"):
        services.selection_ballot_create(
            actor=factories.user(Role.NATIONAL_ADMIN),
            selection=selection,
            freeze_date=TT.applications_close,
            opens_at=datetime(2026, 12, 15, tzinfo=UTC),
            closes_at=datetime(2026, 12, 31, tzinfo=UTC),
        )
    services.shortlist_confirm(actor=org, selection=selection)
    ro = factories.user(Role.NATIONAL_ADMIN)
    ballot = services.selection_ballot_create(
        actor=ro,
        selection=selection,
        freeze_date=TT.applications_close,
        opens_at=datetime(2026, 12, 15, tzinfo=UTC),
        closes_at=datetime(2026, 12, 31, tzinfo=UTC) + timedelta(0),
    )
    selection.refresh_from_db()
    assert selection.ballot == ballot
    assert ballot.method == Ballot.Method.IRV and ballot.branch_id == a.pk
    assert AuditEvent.objects.filter(action="selections.shortlist").count() == 2
    assert AuditEvent.objects.filter(action="selections.shortlist", detail__reason="strong hustings").exists()
