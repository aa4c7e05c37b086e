"""Reads for selections: what a member, an applicant and the panel each see."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from groundswell.core.selections.balance import BalanceCheck, check_balance
from groundswell.core.selections.eligibility import Eligibility, MemberRecord, check_eligibility
from groundswell.members.models import Membership
from groundswell.members.selectors import person_of
from groundswell.selections.models import Affiliate, Application, Selection


def member_record(person, selection: Selection, *, trade_union: str = "") -> MemberRecord:
    """From the membership records at the close of applications: the earliest still-current
    full membership (of any branch) gives the length; the branch must be among the current
    ones. Trade-union membership is the applicant's declaration (already checked to name a
    trade union on the party's list: declared_union) or an affiliated membership through a
    trade union; a socialist society's members are affiliated too, but are not in a union."""
    on = selection.applications_close
    current = Membership.objects.filter(person=person, joined_on__lte=on).exclude(lapsed_on__lt=on)
    members = current.filter(category="member")
    first = members.order_by("joined_on").values_list("joined_on", flat=True).first()
    in_branch = members.filter(branch_id=selection.branch_id).exists()
    union = (
        bool(trade_union.strip())
        or current.filter(affiliate__selections_kind__kind=Affiliate.Kind.TRADE_UNION).exists()
    )
    return MemberRecord(joined=first, in_branch=in_branch, union_member=union)


def eligibility(person, selection: Selection, *, trade_union: str = "") -> Eligibility:
    return check_eligibility(
        selection.rules,
        member_record(person, selection, trade_union=trade_union),
        selection.applications_close,
    )


def shortlist(selection: Selection) -> QuerySet[Application]:
    return selection.applications.filter(status=Application.Status.SHORTLISTED).select_related("person")


def balance(selection: Selection) -> BalanceCheck:
    return check_balance(selection.balance_rule, shortlist(selection).values_list("gender", flat=True))


def published_shortlist(selection: Selection) -> list[Application]:
    """What the branch's members see: nothing until the panel confirms the shortlist."""
    if selection.shortlist_confirmed_at is None:
        return []
    return list(shortlist(selection))


def my_application(user, selection: Selection) -> Application | None:
    person = person_of(user)
    if person is None:
        return None
    return selection.applications.filter(person=person).first()


def today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def visible_selections(user) -> QuerySet[Selection]:
    """National admins see all; others the selections of branches they organise or belong to."""
    from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
    from groundswell.members.selectors import current_branch_ids

    qs = Selection.objects.select_related("branch")
    if is_national_admin(user):
        return qs
    person = person_of(user)
    ids = set(organised_branch_ids(user)) | (current_branch_ids(person) if person is not None else set())
    return qs.filter(branch_id__in=ids)


def trade_unions() -> QuerySet[Affiliate]:
    return Affiliate.objects.filter(kind=Affiliate.Kind.TRADE_UNION).select_related("organisation")


def declared_union(name: str) -> tuple[str, str]:
    """The applicant's declared trade union, as (its name on the party's list, problem).
    Empty declaration: ("", ""). A socialist society or an unknown name is a problem."""
    name = " ".join(name.split())
    if not name:
        return "", ""
    found = Affiliate.objects.select_related("organisation").filter(organisation__name__iexact=name).first()
    if found is None:
        return "", f"trade union: {name!r} is not a trade union on the party's list"
    if found.kind != Affiliate.Kind.TRADE_UNION:
        return "", f"trade union: {found.name} is a {found.get_kind_display().lower()}, not a trade union"
    return found.name, ""


def hustings(selection: Selection):
    """The selection's hustings events (not cancelled), soonest first."""
    from groundswell.events.models import Event

    return Event.objects.filter(hustings__selection=selection, cancelled_at__isnull=True).order_by(
        "starts_at"
    )


def nominations_of(application: Application | None):
    """The nominations an applicant has received (made ones: a vote still open is no nomination)."""
    from groundswell.selections.models import Nomination

    if application is None:
        return Nomination.objects.none()
    return application.nominations.filter(status=Nomination.Status.MADE).select_related(
        "branch", "affiliate__organisation"
    )


def open_nomination_vote(selection: Selection):
    from groundswell.selections.models import Nomination

    return (
        Nomination.objects.filter(selection=selection, status=Nomination.Status.VOTING, ballot__isnull=False)
        .select_related("ballot")
        .first()
    )


def vote_state(ballot, user) -> str:
    """For an in-app vote: "not_elector", "voted" or "can_vote" for the signed-in user."""
    from groundswell.ballots.selectors import signed_in_vote_state

    if ballot is None or ballot.status != "open":
        return "closed"
    return signed_in_vote_state(ballot, person_of(user))


def nomination_counts(selection: Selection) -> dict[int, int]:
    """Nominations made, by application id (for the shortlist members see and the panel)."""
    from django.db.models import Count

    from groundswell.selections.models import Nomination

    return dict(
        Nomination.objects.filter(selection=selection, status=Nomination.Status.MADE)
        .values_list("application_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def visible_triggers(user):
    from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
    from groundswell.members.selectors import current_branch_ids
    from groundswell.selections.models import TriggerBallot

    qs = TriggerBallot.objects.select_related("branch")
    if is_national_admin(user):
        return qs
    person = person_of(user)
    ids = set(organised_branch_ids(user)) | (current_branch_ids(person) if person is not None else set())
    return qs.filter(branch_id__in=ids)
