"""Reads for events: who sees which event, the month on the calendar, the iCal feeds."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.accounts.selectors import has_role, organised_branch_ids
from groundswell.events.models import Event, Rsvp
from groundswell.members.selectors import current_branch_ids, person_of

FEED_SALT = "groundswell.events.feed"


def _member_branch_ids(user) -> set[int] | None:
    """Branches of the user's own memberships; None if the user is not a member."""
    person = person_of(user)
    return None if person is None else current_branch_ids(person)


def visible_events(user) -> QuerySet[Event]:
    """Public events for everyone; members' events for members and staff; a branch's own
    events for its members and organisers. National admins see everything. An event a
    volunteer proposed for a working group is seen by nobody else until a facilitator
    approves it (groups.services.group_event_approve)."""
    qs = Event.objects.select_related("branch")
    if has_role(user, Role.NATIONAL_ADMIN):
        return qs
    if getattr(user, "is_authenticated", False):  # a volunteer's proposal: its proposer alone
        qs = qs.filter(Q(pending_approval=False) | Q(created_by=user))
    else:
        qs = qs.filter(pending_approval=False)
    allowed = Q(visibility=Event.Visibility.PUBLIC)
    if getattr(user, "is_authenticated", False):
        mine = _member_branch_ids(user)
        organised = set(organised_branch_ids(user))
        staff = bool(organised) or has_role(user, Role.RETURNING_OFFICER, Role.CANVASSER)
        if mine or staff:
            allowed |= Q(visibility=Event.Visibility.MEMBERS)
        branches = (mine or set()) | organised
        if branches:
            allowed |= Q(visibility=Event.Visibility.BRANCH, branch_id__in=branches)
    qs = qs.filter(allowed)
    # A hidden working group's events (groups.GroupEvent) are its members' and invitees'
    # alone, whatever the event's own visibility: otherwise the calendar would tell the
    # whole branch the group exists (groups.selectors.visible_groups is the same rule).
    hidden = Event.objects.filter(group_link__group__visibility="hidden")
    person = person_of(user) if getattr(user, "is_authenticated", False) else None
    if person is not None:
        hidden = hidden.exclude(group_link__group__members__person=person)
    return qs.exclude(pk__in=hidden.values("pk"))


def can_organise(user, event: Event | None = None, branch_id: int | None = None) -> bool:
    """National admins organise every event; branch organisers their branch's."""
    if has_role(user, Role.NATIONAL_ADMIN):
        return True
    target = event.branch_id if event is not None else branch_id
    return target is not None and target in organised_branch_ids(user)


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    events: list


def month_grid(user, year: int, month: int, branch_id: int | None = None) -> list[list[Day]]:
    """The month as weeks (Monday first) with the visible events of each day."""
    tz = timezone.get_current_timezone()
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start = datetime.combine(weeks[0][0], datetime.min.time(), tz)
    end = datetime.combine(weeks[-1][-1] + timedelta(days=1), datetime.min.time(), tz)
    qs = visible_events(user).filter(starts_at__gte=start, starts_at__lt=end, cancelled_at__isnull=True)
    if branch_id:
        qs = qs.filter(branch_id=branch_id)
    by_day: dict[date, list[Event]] = {}
    for e in qs.only("pk", "title", "kind", "starts_at", "branch__name", "capacity", "going_count").order_by(
        "starts_at", "pk"
    )[:2000]:
        by_day.setdefault(timezone.localtime(e.starts_at).date(), []).append(e)
    return [[Day(d, d.month == month, by_day.get(d, [])) for d in week] for week in weeks]


def rsvp_for(event: Event, user) -> Rsvp | None:
    person = person_of(user)
    if person is None:
        return None
    return Rsvp.objects.filter(event=event, person=person).first()


def waiting_position(rsvp: Rsvp) -> int | None:
    if rsvp.status != Rsvp.Status.WAITING:
        return None
    return (
        Rsvp.objects.filter(event_id=rsvp.event_id, status=Rsvp.Status.WAITING)
        .filter(Q(queued_at__lt=rsvp.queued_at) | Q(queued_at=rsvp.queued_at, pk__lt=rsvp.pk))
        .count()
        + 1
    )


def feed_token(person_id: int) -> str:
    """A person's calendar feed address: signed, so it needs no sign-in (calendar apps have none)."""
    return signing.dumps(person_id, salt=FEED_SALT, compress=True)


def person_for_feed_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=FEED_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None
