"""A demo selection in Derby North (synthetic), from applications to a published result:
three applicants (the demo member among them, so they see where they stand), the branch's
nomination vote and two unions' recorded nominations, a longlist and a balanced shortlist
with reasons, a hustings event, and the members' IRV ballot counted with the demo trustees'
shares and published. Also a published trigger ballot, and which affiliates are unions.

Everything here is made up; names end in "(synthetic demo)" or are at example.org."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from groundswell.accounts.services import user_create
from groundswell.ballots import services as ballot_services
from groundswell.ballots.models import Elector
from groundswell.core.selections.timetable import Timetable
from groundswell.members.models import Category, Membership, Person
from groundswell.selections import services
from groundswell.selections.models import Affiliate, Selection, TriggerBallot

TITLE = "Derby North parliamentary candidate (synthetic demo)"
TRIGGER_TITLE = "Trigger ballot on Derby North's sitting representative (synthetic demo)"
SOCIETIES = ("Fabian Society", "Co-operative Party")
UNIONS = ("Unite", "UNISON", "GMB", "CWU", "USDAW")
APPLICANTS = (("Asha", "Patel", "woman"), ("Rob", "Greenhalgh", "man"))


def _applicant(branch, first: str, last: str):
    email = f"{first}.{last}.applicant@example.org".lower()
    person = Person.objects.filter(email_key=email).first()
    if person is None:
        person = Person.objects.create(
            first_name=first,
            last_name=last,
            email=email,
            email_key=email,
            synthetic=True,
            consent_email_on=date(2016, 1, 1),
            consent_data_processing_on=date(2016, 1, 1),
        )
        Membership.objects.create(
            person=person,
            membership_number=f"DEMO-APPLICANT-{first.upper()}"[:32],
            branch=branch,
            category=Category.MEMBER,
            joined_on=date(2014, 5, 1),
        )
    account = getattr(person, "account", None)
    return account or user_create(email=email, password=None, display_name=f"{first} {last}", person=person)


def _cast(ballot, rng: random.Random, count: int, weights: list[float]) -> None:
    electors = list(
        Elector.objects.filter(ballot=ballot).select_related("ballot").order_by("pk")[: count * 2]
    )
    rng.shuffle(electors)
    n = len(weights)
    for elector in electors[:count]:
        order = sorted(range(n), key=lambda c: -(rng.random() ** (1 / weights[c])))
        ranking = order if ballot.method == "irv" else order[:1]
        ballot_services.ballot_cast(elector=elector, ranking=ranking[: rng.randint(1, n)] or ranking[:1])


def demo_affiliates(*, admin) -> None:
    for name in UNIONS:
        services.affiliate_set_kind(actor=admin, name=name, kind=Affiliate.Kind.TRADE_UNION)
    for name in SOCIETIES:
        services.affiliate_set_kind(actor=admin, name=name, kind=Affiliate.Kind.SOCIALIST_SOCIETY)


def demo_selection(*, branch, organiser, admin, officer, member) -> Selection:
    existing = Selection.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    from groundswell.ballots.demo import _open

    rng = random.Random(2017)
    today = timezone.localdate()
    now = timezone.now()
    tt = Timetable(
        today - timedelta(days=60),
        today - timedelta(days=40),
        today - timedelta(days=35),
        today - timedelta(days=20),
        today - timedelta(days=8),
        today - timedelta(days=1),
    )
    s = services.selection_create(
        actor=organiser, branch=branch, title=TITLE, timetable=tt, min_months=12, balance_gender="woman"
    )
    applying = today - timedelta(days=50)
    apps = [
        services.application_submit(
            actor=_applicant(branch, first, last),
            selection=s,
            statement=f"Synthetic demo statement: {first} on the NHS, housing and a living wage for Derby.",
            gender=gender,
            trade_union="Unite" if gender == "man" else "",
            today=applying,
        )
        for first, last, gender in APPLICANTS
    ]
    apps.append(
        services.application_submit(
            actor=member,
            selection=s,
            statement="Synthetic demo statement: the demo member on buses, libraries and youth services.",
            gender="woman",
            trade_union="UNISON",
            today=applying,
        )
    )
    # the branch's nomination: its members' sealed vote in the app (counted here, not by a worker)
    nomination = services.nomination_vote_open(actor=organiser, selection=s)
    ballot = ballot_services.ballot_open(ballot_id=nomination.ballot_id)
    _cast(ballot, rng, min(60, ballot.electorate_size), [1.0, 0.6, 1.4])
    ballot_services.ballot_close(ballot=ballot, actor=organiser, confirm=True)
    ballot = ballot_services.ballot_count(ballot_id=ballot.pk, actor=None)  # no trustees to wait for
    made = services.nomination_from_ballot(ballot=ballot)  # as the count's signal does
    made = made or s.nominations.get(pk=nomination.pk)
    # The story is told in the past: the branch's vote was decided weeks before the members'
    # ballot, not on the day the demo is built.
    made.decided_on = today - timedelta(days=38)
    made.save(update_fields=["decided_on"])
    # every applicant who reaches the shortlist has at least one nomination, whoever the
    # branch's vote went to
    for union, app in (("Unite", apps[1]), ("GMB", apps[2]), ("CWU", apps[0])):
        services.nomination_record(
            actor=organiser,
            selection=s,
            application=app,
            affiliate=Affiliate.objects.get(organisation__name=union),
            decided_by=f"{union} East Midlands regional political committee (synthetic demo)",
            decided_on=today - timedelta(days=38),
            minutes_ref=f"{union} EMRPC minutes, item 5 (synthetic)",
        )
    for app in apps:
        services.decision_record(
            actor=organiser, application=app, stage="longlist", include=True, reason="Meets the person spec"
        )
        services.decision_record(
            actor=organiser, application=app, stage="shortlist", include=True, reason="Strong interview"
        )
    services.shortlist_confirm(actor=organiser, selection=s)
    tz = timezone.get_current_timezone()
    start = datetime.combine(tt.hustings, time(19), tz)
    services.hustings_create(
        actor=organiser,
        selection=s,
        place="Sikh Community Centre, Derby (synthetic demo)",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        title=f"Hustings: {TITLE}",
    )
    # the members' OMOV IRV ballot, counted with two of the demo trustees' shares and published
    ballot = _selection_ballot(s, admin, tt, now)  # an admin: on the panel and may run ballots
    ballot, taken = _open(ballot, officer)
    _cast(ballot, rng, min(400, ballot.electorate_size), [1.3, 0.9, 1.1])
    ballot_services.ballot_close(ballot=ballot, actor=officer, confirm=True)
    ballot_services.ballot_count(ballot_id=ballot.pk, shares_given=taken[:2], actor=officer)
    ballot_services.ballot_publish(ballot=ballot, actor=officer, confirm=True)
    return s


def _selection_ballot(s: Selection, actor, tt: Timetable, now):
    from django.contrib.auth import get_user_model

    from groundswell.ballots.demo import TRUSTEE_EMAILS

    User = get_user_model()
    trustees = [u for u in (User.objects.filter(email=e).first() for e in TRUSTEE_EMAILS) if u] or [actor]
    return services.selection_ballot_create(
        actor=actor,
        selection=s,
        freeze_date=tt.applications_close,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(hours=1),
        trustees=trustees,
    )


def demo_trigger(*, branch, organiser) -> TriggerBallot:
    existing = TriggerBallot.objects.filter(title=TRIGGER_TITLE).first()
    if existing is not None:
        return existing
    t = services.trigger_create(
        actor=organiser,
        branch=branch,
        title=TRIGGER_TITLE,
        representative="Pat Sitting (synthetic demo)",
        thresholds={"branch": "1/3", "affiliate": "1/3"},
    )
    for name, yes, no in (("Darley", 31, 12), ("Mackworth", 9, 22), ("Allestree", 14, 14), ("Abbey", 8, 19)):
        services.trigger_section_record(
            actor=organiser,
            trigger=t,
            kind="branch",
            name=f"{name} ward branch",
            votes_for=yes,
            votes_against=no,
            minutes_ref=f"{name} branch AGM minutes, item 3 (synthetic)",
        )
    for name, yes, no in (("Unite", 2, 5), ("GMB", 1, 6), ("Fabian Society", 4, 1)):
        services.trigger_section_record(
            actor=organiser,
            trigger=t,
            kind="affiliate",
            affiliate=Affiliate.objects.get(organisation__name=name),
            votes_for=yes,
            votes_against=no,
            minutes_ref=f"{name} delegates' meeting (synthetic)",
        )
    return services.trigger_publish(actor=organiser, trigger=t, confirm=True)
