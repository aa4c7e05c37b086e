"""JSON endpoints for events: the calendar, replies (email alone for public events), attendance."""

from __future__ import annotations

from datetime import UTC, datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from groundswell.accounts.api_auth import csrf_if_signed_in, roles
from groundswell.accounts.models import Role
from groundswell.events import policies, selectors, services
from groundswell.events.models import Event, Rsvp
from groundswell.members.models import Branch
from groundswell.web.client import client_address

router = Router(tags=["events"])
ORGANISERS = roles(Role.NATIONAL_ADMIN, Role.BRANCH_ORGANISER)


class EventOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    place: str
    branch: str | None
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    going: int
    visibility: str
    cancelled: bool

    @staticmethod
    def of(e: Event) -> EventOut:
        return EventOut(
            id=e.pk,
            kind=e.kind,
            title=e.title,
            description=e.description,
            place=e.place,
            branch=e.branch.ons_code if e.branch_id else None,
            starts_at=e.starts_at,
            ends_at=e.ends_at,
            capacity=e.capacity,
            going=e.going_count,
            visibility=e.visibility,
            cancelled=bool(e.cancelled_at),
        )


def _utc(moment: datetime) -> datetime:
    """In UTC (an offset is any a client sends; the database takes only sensible ones)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(UTC)


@router.get("/events", response=list[EventOut], auth=None)
def events(request, start: datetime, end: datetime, branch: str = ""):
    """Events the caller may see that start in [start, end) — anyone sees public ones."""
    start, end = (_utc(t) for t in (start, end))
    qs = selectors.visible_events(request.user).filter(starts_at__gte=start, starts_at__lt=end)
    if branch:
        qs = qs.filter(branch__ons_code=branch)
    return [EventOut.of(e) for e in qs.order_by("starts_at", "pk")[:1000]]


@router.get("/events/{event_id}", response=EventOut, auth=None)
def event(request, event_id: int):
    e = selectors.visible_events(request.user).filter(pk=event_id).first()
    if e is None:
        raise HttpError(404, "no such event")
    return EventOut.of(e)


class EventIn(Schema):
    branch: str | None = None  # ONS code; empty for a national event (national admins)
    kind: str
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    visibility: str = "members"
    description: str = ""


@router.post("/events", response={201: EventOut}, auth=ORGANISERS)
def event_create(request, data: EventIn):
    branch = get_object_or_404(Branch, ons_code=data.branch) if data.branch else None
    try:
        e = services.event_create(user=request.auth, **{**data.dict(), "branch": branch})
    except services.EventError as err:
        raise HttpError(err.status, str(err)) from None
    return 201, EventOut.of(e)


class RsvpIn(Schema):
    name: str = ""
    email: str = ""


class RsvpOut(Schema):
    token: str | None  # only to the member it belongs to; a public reply's link goes by email
    status: str
    waiting_position: int | None


@router.post("/events/{event_id}/rsvp", response=RsvpOut, auth=None)
def rsvp(request, event_id: int, data: RsvpIn):
    """Members reply as themselves (signed in); anyone may reply to a public event by email.
    The token in the answer (members only) is the key to cancel; by email, it is in the email."""
    csrf_if_signed_in(request)
    e = selectors.visible_events(request.user).filter(pk=event_id).first()
    if e is None:
        raise HttpError(404, "no such event")
    try:
        r = services.rsvp_create(
            event=e,
            user=request.user,
            name=data.name,
            email=data.email,
            address=client_address(request),
        )
    except services.EventError as err:
        raise HttpError(400, str(err)) from None
    return RsvpOut(
        token=policies.reply_token_for(request.user, r),
        status=r.status,
        waiting_position=selectors.waiting_position(r),
    )


@router.delete("/events/rsvps/{token}", response=RsvpOut, auth=None)
def rsvp_cancel(request, token: str):
    csrf_if_signed_in(request)
    r = get_object_or_404(Rsvp, token=token)
    services.rsvp_cancel(rsvp=r)
    r.refresh_from_db()
    return RsvpOut(token=r.token, status=r.status, waiting_position=None)


class AttendanceIn(Schema):
    attended: bool


@router.post("/events/{event_id}/attendance/{rsvp_id}", auth=ORGANISERS)
def attendance(request, event_id: int, rsvp_id: int, data: AttendanceIn):
    r = get_object_or_404(Rsvp.objects.select_related("event"), pk=rsvp_id, event_id=event_id)
    if not selectors.can_organise(request.auth, r.event):
        raise HttpError(404, "no such event")
    try:
        services.attendance_mark(user=request.auth, rsvp=r, attended=data.attended)
    except services.EventError as err:
        raise HttpError(400, str(err)) from None
    return {"id": r.pk, "attended": data.attended}
