"""Reads for selections: what a member, an applicant and the panel each see."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from groundswell.core.selections.balance import BalanceCheck, check_balance
from groundswell.core.selections.eligibility import Eligibility, MemberRecord, check_eligibility
from groundswell.members.models import Membership
from groundswell.members.selectors import person_of
from groundswell.selections.models import Application, Selection


def member_record(person, selection: Selection, *, trade_union: str = "") -> MemberRecord:
    """From the membership records at the close of applications: the earliest still-current
    full membership (of any branch) gives the length; the branch must be among the current
    ones. Trade-union membership is the applicant's declaration or an affiliated membership."""
    on = selection.applications_close
    current = Membership.objects.filter(person=person, joined_on__lte=on).exclude(lapsed_on__lt=on)
    members = current.filter(category="member")
    first = members.order_by("joined_on").values_list("joined_on", flat=True).first()
    in_branch = members.filter(branch_id=selection.branch_id).exists()
    union = bool(trade_union.strip()) or current.filter(affiliate__isnull=False).exists()
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
