"""Event pages: the calendar, an event with its RSVP, attendance, and the iCal feeds."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from groundswell.accounts.permissions import role_required
from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
from groundswell.events import ical, policies, selectors, services
from groundswell.events.models import Event, Rsvp
from groundswell.members.models import Branch
from groundswell.members.selectors import person_of
from groundswell.reach import referrals
from groundswell.web.client import client_address
from groundswell.web.feedback import refused

ORGANISERS = ("national_admin", "branch_organiser")


def _month(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def calendar(request):
    first = _month(request.GET.get("month", ""))
    branch_id = int(request.GET["branch"]) if request.GET.get("branch", "").isdigit() else None
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    person = person_of(request.user)
    return render(
        request,
        "events/calendar.html",
        {
            "first": first,
            "weeks": selectors.month_grid(request.user, first.year, first.month, branch_id),
            "prev": prev_month,
            "next": next_month,
            "branch_id": branch_id,
            "branches": Branch.objects.only("pk", "name"),
            "can_create": is_national_admin(request.user) or bool(organised_branch_ids(request.user)),
            "feed_token": selectors.feed_token(person.pk) if person else None,
            "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        },
    )


def _event(request, event_id: int) -> Event:
    event = selectors.visible_events(request.user).filter(pk=event_id).first()
    if event is None:
        raise Http404("no such event")
    return event


def event_detail(request, event_id: int):
    event = _event(request, event_id)
    rsvp = selectors.rsvp_for(event, request.user)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "rsvp": rsvp if rsvp and rsvp.status != Rsvp.Status.CANCELLED else None,
            "position": selectors.waiting_position(rsvp) if rsvp else None,
            "organiser": selectors.can_organise(request.user, event),
            "is_member": getattr(request.user, "person", None) is not None
            if request.user.is_authenticated
            else False,
        },
    )


@require_POST
def event_rsvp(request, event_id: int):
    event = _event(request, event_id)
    started = timezone.now()
    try:
        rsvp = services.rsvp_create(
            event=event,
            user=request.user,
            name=request.POST.get("name", ""),
            email=request.POST.get("email", ""),
            address=client_address(request),
        )
    except services.EventError as e:
        refused(request, e)
        return redirect("events:detail", event_id=event.pk)
    # a reply that came through a member's referral link counts for them (reach): only a reply
    # this request made (or renewed), not one that was there already, whose email anyone
    # could post again through their own link
    if rsvp.queued_at >= started:
        referrals.referral_record_reply(rsvp=rsvp, token=referrals.token_from_request(request))
    if policies.reply_token_for(request.user, rsvp) is None:
        # by email: whoever posted the address learns nothing; the link is in that inbox
        messages.info(request, f"Thank you. We have emailed the link to your reply to {rsvp.email}.")
        return redirect("events:detail", event_id=event.pk)
    if rsvp.status == Rsvp.Status.GOING:
        messages.success(request, "You have a place. We have emailed you the details.")
    else:
        messages.info(
            request,
            "The event is full: you are on the waiting list, and we will email you if a place frees up.",
        )
    return redirect("events:detail", event_id=event.pk)


def rsvp_page(request, token: str):
    rsvp = get_object_or_404(Rsvp.objects.select_related("event"), token=token)
    return render(
        request,
        "events/rsvp.html",
        {"rsvp": rsvp, "event": rsvp.event, "position": selectors.waiting_position(rsvp)},
    )


@require_POST
def rsvp_cancel(request, token: str):
    rsvp = get_object_or_404(Rsvp, token=token)
    services.rsvp_cancel(rsvp=rsvp)
    messages.success(request, "Your reply is cancelled. Thank you for freeing the place.")
    return redirect("events:rsvp", token=token)


@role_required(*ORGANISERS)
def event_new(request):
    admin = is_national_admin(request.user)
    branches = (
        Branch.objects.all() if admin else Branch.objects.filter(pk__in=organised_branch_ids(request.user))
    )
    form = {
        "kind": "meeting",
        "title": "",
        "description": "",
        "place": "",
        "starts_at": "",
        "ends_at": "",
        "capacity": "",
        "visibility": "members",
        "branch": "",
    }
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            branch = branches.filter(pk=int(form["branch"])).first() if form["branch"].isdigit() else None
            tz = timezone.get_current_timezone()
            try:
                starts = datetime.fromisoformat(form["starts_at"]).replace(tzinfo=tz)
                ends = datetime.fromisoformat(form["ends_at"]).replace(tzinfo=tz)
            except ValueError:
                raise services.EventError("give the start and end as a date and time") from None
            if form["capacity"] and not form["capacity"].isdigit():
                raise services.EventError("capacity is a whole number (or empty for no limit)")
            event = services.event_create(
                user=request.user,
                branch=branch,
                kind=form["kind"],
                title=form["title"],
                description=form["description"],
                place=form["place"],
                starts_at=starts,
                ends_at=ends,
                capacity=int(form["capacity"]) if form["capacity"] else None,
                visibility=form["visibility"],
            )
        except services.EventError as e:
            refused(request, e)
        else:
            messages.success(request, "The event is on the calendar.")
            return redirect("events:detail", event_id=event.pk)
    return render(
        request,
        "events/new.html",
        {
            "form": form,
            "branches": branches,
            "admin": admin,
            "kinds": Event.Kind.choices,
            "visibilities": Event.Visibility.choices,
        },
    )


@require_POST
@role_required(*ORGANISERS)
def event_cancel(request, event_id: int):
    event = get_object_or_404(Event, pk=event_id)
    if not selectors.can_organise(request.user, event):
        raise Http404("no such event")
    services.event_cancel(user=request.user, event=event, reason=request.POST.get("reason", ""))
    messages.success(request, "The event is cancelled; everyone who replied has been emailed.")
    return redirect("events:detail", event_id=event.pk)


@role_required(*ORGANISERS)
def attendance(request, event_id: int):
    event = get_object_or_404(Event, pk=event_id)
    if not selectors.can_organise(request.user, event):
        raise Http404("no such event")
    rsvps = event.rsvps.exclude(status=Rsvp.Status.CANCELLED).order_by("status", "queued_at", "pk")
    return render(request, "events/attendance.html", {"event": event, "rsvps": rsvps})


@require_POST
@role_required(*ORGANISERS)
def attendance_mark(request, event_id: int, rsvp_id: int):
    rsvp = get_object_or_404(Rsvp.objects.select_related("event"), pk=rsvp_id, event_id=event_id)
    if not selectors.can_organise(request.user, rsvp.event):
        raise Http404("no such event")
    try:
        rsvp = services.attendance_mark(
            user=request.user, rsvp=rsvp, attended=request.POST.get("attended") == "yes"
        )
    except services.EventError as e:
        return HttpResponse(str(e), status=400)
    if request.headers.get("HX-Request"):
        return render(request, "events/_attendance_row.html", {"r": rsvp, "event": rsvp.event})
    return redirect("events:attendance", event_id=event_id)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def branch_feed(request, ons_code: str):
    """A branch's public events: the feed anyone can subscribe to."""
    branch = get_object_or_404(Branch, ons_code=ons_code)
    events = Event.objects.filter(
        branch=branch, visibility=Event.Visibility.PUBLIC, pending_approval=False
    ).order_by("starts_at")
    return _ics(ical.feed(events, name=f"{branch.name} events"), f"{ons_code}.ics")


def person_feed(request, token: str):
    """One person's events (those they have a place at), by a signed address: calendar apps
    cannot sign in, so the address is the key."""
    person_id = selectors.person_for_feed_token(token)
    if person_id is None:
        raise Http404("no such calendar")
    events = Event.objects.filter(rsvps__person_id=person_id, rsvps__status=Rsvp.Status.GOING).order_by(
        "starts_at"
    )
    return _ics(ical.feed(events, name="My Groundswell events"), "my-events.ics")
