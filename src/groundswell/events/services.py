"""Writes for events: create, RSVP (waiting list when full), cancel with promotion,
attendance, and the reminder the day before."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts.policies import RuleError
from groundswell.accounts.services import audit_record, throttle_allow
from groundswell.events import policies, selectors
from groundswell.events.models import Event, Rsvp
from groundswell.members.selectors import person_of

REMINDER_AHEAD = timedelta(days=1)
PUBLIC_REPLIES_PER_HOUR = 20  # from one address, without an account: enough for a family, not for a bot


class EventError(RuleError):
    """What an event's rules do not allow; the message says why."""


def _when(event: Event) -> str:
    return timezone.localtime(event.starts_at).strftime("%A %d %B %Y at %H:%M")


def _rsvp_link(rsvp: Rsvp) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("events:rsvp", args=[rsvp.token])


def _send(rsvp: Rsvp, subject: str, lines: list[str]) -> None:
    if not rsvp.email or (rsvp.person_id and rsvp.person.erased_at):
        return  # an erased person is never emailed again
    subject = " ".join(subject.split())  # a line break in a subject is a header injection
    body = (
        f"Dear {rsvp.name or 'friend'},\n\n"
        + "\n".join(lines)
        + (f"\n\nYour reply, and a button to cancel it: {_rsvp_link(rsvp)}\n")
    )
    EmailMessage(subject, body, to=[rsvp.email]).send()


@transaction.atomic
def event_create(
    *,
    user,
    branch,
    kind: str,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int | None,
    visibility: str,
    description: str = "",
) -> Event:
    if not selectors.can_organise(user, branch_id=getattr(branch, "pk", None)):
        raise EventError("you can create events only for a branch you organise", status=403)
    return _event_make(
        user=user,
        branch=branch,
        kind=kind,
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        visibility=visibility,
        description=description,
        pending=False,
    )


@transaction.atomic
def event_create_for_group(
    *,
    user,
    branch,
    kind: str,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int | None,
    visibility: str,
    description: str = "",
    pending: bool,
) -> Event:
    """A working group's event. Called only by groups.services after the group's own policy
    (a member of the group proposes, a facilitator creates): with `pending` it is seen by its
    proposer alone until a facilitator approves it (event_approve)."""
    return _event_make(
        user=user,
        branch=branch,
        kind=kind,
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        visibility=visibility,
        description=description,
        pending=pending,
    )


@transaction.atomic
def event_approve(*, event: Event) -> Event:
    """A facilitator approved a proposed group event (groups.services checks who): now
    visible to whoever its visibility allows, with its reminder scheduled."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.pending_approval:
        locked.pending_approval = False
        locked.save(update_fields=["pending_approval"])
        transaction.on_commit(lambda: schedule_reminder(locked))
    return locked


def _event_make(
    *,
    user,
    branch,
    kind: str,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int | None,
    visibility: str,
    description: str,
    pending: bool,
) -> Event:
    problems = []
    title, place = policies.one_line("title", title), policies.one_line("place", place)
    if kind not in Event.Kind.values:
        problems.append("choose what kind of event it is")
    if visibility not in Event.Visibility.values:
        problems.append("choose who can see it")
    if visibility == Event.Visibility.BRANCH and branch is None:
        problems.append("a branch-only event needs a branch")
    if not title.strip():
        problems.append("give it a title")
    if not place.strip():
        problems.append("say where it is")
    if ends_at <= starts_at:
        problems.append("it must end after it starts")
    if capacity is not None and capacity < 1:
        problems.append("capacity is at least 1 (leave it empty for no limit)")
    if problems:
        raise EventError("; ".join(problems))
    event = Event.objects.create(
        branch=branch,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        place=place.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        visibility=visibility,
        created_by=user,
        pending_approval=pending,
    )
    if not pending:
        transaction.on_commit(lambda: schedule_reminder(event))
    return event


def schedule_reminder(event: Event) -> None:
    """Queues the reminder for a day before the start (the `tick` command is the safety net
    for task backends that cannot defer, and for events created less than a day ahead)."""
    from django_tasks import default_task_backend

    from groundswell.events.tasks import send_event_reminder

    if not default_task_backend.supports_defer:
        return
    run_after = max(event.starts_at - REMINDER_AHEAD, timezone.now())
    send_event_reminder.using(run_after=run_after).enqueue(event.pk)


def rsvp_create(
    *, event: Event, user=None, name: str = "", email: str = "", address: str | None = None
) -> Rsvp:
    """A reply: a member by their account, anyone else (public events only) by email.

    Replying twice is harmless (the same reply comes back). Places are counted under a lock
    on the event, so two people cannot both take the last place."""
    person = person_of(user)
    if person is not None:
        name = f"{person.first_name} {person.last_name}".strip()
        email = person.email
    if not selectors.visible_events(user).filter(pk=event.pk).exists():
        raise EventError("this event is not open to you")
    if person is None and event.visibility != Event.Visibility.PUBLIC:
        raise EventError("sign in as a member to reply to this event")
    if (
        person is None
        and address
        and not throttle_allow(key=f"rsvp:{address}", limit=PUBLIC_REPLIES_PER_HOUR, window_seconds=3600)
    ):
        raise EventError("too many replies from this address in the last hour: please try again later")
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise EventError("give an email address we can send your place to") from None
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at:
            raise EventError("this event has been cancelled")
        if locked.ends_at <= timezone.now():
            raise EventError("this event is over")
        rsvp = Rsvp.objects.filter(event=locked, email_key=email.lower()).first()
        if rsvp is not None and rsvp.status != Rsvp.Status.CANCELLED:
            if person is None:  # asked again by email: the link goes to that address, not back
                transaction.on_commit(lambda: _confirm(rsvp, locked))
            return rsvp
        full = locked.capacity is not None and locked.going_count >= locked.capacity
        status = Rsvp.Status.WAITING if full else Rsvp.Status.GOING
        if rsvp is None:
            rsvp = Rsvp(event=locked, person=person, email_key=email.lower())
        rsvp.name, rsvp.email, rsvp.status, rsvp.queued_at = (
            name.strip()[:200] or email,
            email,
            status,
            timezone.now(),
        )
        rsvp.save()
        if status == Rsvp.Status.GOING:
            locked.going_count += 1
            locked.save(update_fields=["going_count"])
        transaction.on_commit(lambda: _confirm(rsvp, locked))
    return rsvp


def _confirm(rsvp: Rsvp, event: Event) -> None:
    if rsvp.status == Rsvp.Status.GOING:
        lines = [f"You have a place at {event.title}, {_when(event)}, {event.place}."]
    else:
        lines = [
            f"{event.title} is full, so you are on the waiting list. We will email you if a place comes free."
        ]
    _send(rsvp, f"{event.title}: your reply", lines)


def rsvp_cancel(*, rsvp: Rsvp) -> Rsvp | None:
    """Cancels a reply; a freed place goes to the first on the waiting list. Returns the
    person promoted, if any."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=rsvp.event_id)
        rsvp = Rsvp.objects.select_for_update().get(pk=rsvp.pk)
        if rsvp.status == Rsvp.Status.CANCELLED:
            return None
        was_going = rsvp.status == Rsvp.Status.GOING
        rsvp.status = Rsvp.Status.CANCELLED
        rsvp.save(update_fields=["status"])
        promoted = None
        if was_going:
            event.going_count -= 1
            promoted = (
                Rsvp.objects.select_for_update()
                .filter(event=event, status=Rsvp.Status.WAITING)
                .order_by("queued_at", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = Rsvp.Status.GOING
                promoted.save(update_fields=["status"])
                event.going_count += 1
            event.save(update_fields=["going_count"])
        if promoted is not None:
            transaction.on_commit(
                lambda: _send(
                    promoted,
                    f"{event.title}: a place for you",
                    [f"A place came free and it is yours: {event.title}, {_when(event)}, {event.place}."],
                )
            )
    return promoted


def event_cancel(*, user, event: Event, reason: str = "") -> Event:
    """Calls an event off and emails everyone with a place or on the waiting list. The
    calendar drops it; iCal feeds keep it, marked cancelled, so calendars update."""
    if not selectors.can_organise(user, event):
        raise EventError("only the event's organisers can cancel it", status=403)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at:
            return locked
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        told = list(locked.rsvps.exclude(status=Rsvp.Status.CANCELLED))
        audit_record(actor=user, action="event.cancel", target=f"event:{locked.pk}", rows=len(told))
        why = f" {reason.strip()}" if reason.strip() else ""
        transaction.on_commit(
            lambda: [
                _send(
                    r, f"Cancelled: {locked.title}", [f"{locked.title}, {_when(locked)}, is cancelled.{why}"]
                )
                for r in told
            ]
        )
    return locked


@transaction.atomic
def attendance_mark(*, user, rsvp: Rsvp, attended: bool) -> Rsvp:
    if not selectors.can_organise(user, rsvp.event):
        raise EventError("only the event's organisers mark attendance", status=403)
    if rsvp.status != Rsvp.Status.GOING:
        raise EventError("only people with a place can be marked as attending")
    rsvp.attended = attended
    rsvp.save(update_fields=["attended"])
    return rsvp


def event_reminders_send(*, now: datetime | None = None, event_id: int | None = None) -> int:
    """Emails everyone with a place at events starting within the next day, once each.

    Each person's reminder is claimed (Rsvp.reminded_at, a conditional update) just before it
    is sent, so two ticks or workers never both send it, and a run that died part-way is
    finished by the next one (it picks up the event's unreminded places). A kill -9 between
    the claim and the send loses that one reminder: for a reminder, we prefer that to two.
    Someone who takes a place after the reminders went (a late reply, a promotion from the
    waiting list) gets theirs at the next tick."""
    now = now or timezone.now()
    waiting = Rsvp.objects.filter(event=OuterRef("pk"), status=Rsvp.Status.GOING, reminded_at__isnull=True)
    due = Event.objects.filter(
        Exists(waiting),
        cancelled_at__isnull=True,
        pending_approval=False,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_AHEAD,
    )
    if event_id is not None:
        due = due.filter(pk=event_id)
    sent = 0
    for event in list(due):
        Event.objects.filter(pk=event.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
        reminded = 0
        with get_connection() as connection:
            for r in Rsvp.objects.filter(event=event, status=Rsvp.Status.GOING, reminded_at__isnull=True):
                if not Rsvp.objects.filter(pk=r.pk, reminded_at__isnull=True).update(reminded_at=now):
                    continue  # another run took this one
                body = (
                    f"Dear {r.name or 'friend'},\n\nA reminder: {event.title} is tomorrow, {_when(event)}, "
                    f"at {event.place}.\n\nCan't come? Free your place for someone on the waiting list: "
                    f"{_rsvp_link(r)}\n"
                )
                try:
                    connection.send_messages(
                        [EmailMessage(f"Tomorrow: {event.title}", body, to=[r.email], connection=connection)]
                    )
                except Exception:
                    Rsvp.objects.filter(pk=r.pk).update(reminded_at=None)  # not sent: the next run tries
                    raise
                reminded += 1
        sent += reminded
        if reminded:
            audit_record(actor=None, action="event.reminder", target=f"event:{event.pk}", rows=reminded)
    return sent
