"""Events: who sees what, RSVPs with a waiting list, attendance, iCal feeds, reminders."""

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from groundswell.events import selectors, services
from groundswell.events.models import Event, Rsvp
from tests import factories
from tests.motions.helpers import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    return factories.branch(name="Derby North")


@pytest.fixture
def organiser(branch):
    return factories.user("branch_organiser", branch=branch)


def make_event(
    organiser, branch, *, capacity=None, visibility="public", starts_in=timedelta(days=3), title="Rally"
):
    start = timezone.now() + starts_in
    return services.event_create(
        user=organiser,
        branch=branch,
        kind="rally",
        title=title,
        place="Market Place, Derby",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=capacity,
        visibility=visibility,
    )


def test_waiting_list_promotes_the_next_person_when_someone_cancels(
    branch, organiser, django_capture_on_commit_callbacks
):
    event = make_event(organiser, branch, capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        a = services.rsvp_create(event=event, email="a@example.org", name="A")
        b = services.rsvp_create(event=event, email="b@example.org", name="B")
        c = services.rsvp_create(event=event, email="c@example.org", name="C")
        d = services.rsvp_create(event=event, email="d@example.org", name="D")
    assert [r.status for r in (a, b, c, d)] == ["going", "going", "waiting", "waiting"]
    assert selectors.waiting_position(d) == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.rsvp_cancel(rsvp=a)
    assert promoted.pk == c.pk
    assert Rsvp.objects.get(pk=c.pk).status == Rsvp.Status.GOING
    assert Rsvp.objects.get(pk=d.pk).status == Rsvp.Status.WAITING
    assert selectors.waiting_position(Rsvp.objects.get(pk=d.pk)) == 1
    assert Event.objects.get(pk=event.pk).going_count == 2
    assert [m.to for m in mail.outbox] == [["c@example.org"]] and "place" in mail.outbox[0].subject
    # cancelling someone on the waiting list frees no place and promotes nobody
    assert services.rsvp_cancel(rsvp=d) is None
    assert services.rsvp_cancel(rsvp=a) is None  # twice is harmless


def test_rsvp_twice_gives_the_same_reply(branch, organiser):
    event = make_event(organiser, branch, capacity=5)
    first = services.rsvp_create(event=event, email="A@Example.org", name="A")
    again = services.rsvp_create(event=event, email="a@example.org", name="A")
    assert first.pk == again.pk and Event.objects.get(pk=event.pk).going_count == 1


def test_email_only_replies_are_for_public_events(branch, organiser):
    members_only = make_event(organiser, branch, visibility="members")
    with pytest.raises(services.EventError, match="not open to you"):
        services.rsvp_create(event=members_only, email="x@example.org")
    public = make_event(organiser, branch)
    with pytest.raises(services.EventError, match="email address"):
        services.rsvp_create(event=public, email="not an address")


def test_branch_events_are_seen_by_that_branch_only(branch, organiser):
    mine = member(branch)
    other = member(factories.branch())
    event = make_event(organiser, branch, visibility="branch")
    members = make_event(organiser, branch, visibility="members")
    assert event in selectors.visible_events(mine) and event not in selectors.visible_events(other)
    assert members in selectors.visible_events(other)
    from django.contrib.auth.models import AnonymousUser

    assert members not in selectors.visible_events(AnonymousUser())
    rsvp = services.rsvp_create(event=event, user=mine)
    assert rsvp.person_id == mine.person_id and rsvp.status == "going"
    with pytest.raises(services.EventError):
        services.rsvp_create(event=event, user=other)


def test_organisers_create_events_only_for_their_branch(branch, organiser):
    with pytest.raises(services.EventError, match="branch you organise"):
        make_event(organiser, factories.branch())
    start = timezone.now()
    with pytest.raises(services.EventError, match="end after"):
        services.event_create(
            user=organiser,
            branch=branch,
            kind="rally",
            title="X",
            place="Y",
            starts_at=start,
            ends_at=start,
            capacity=None,
            visibility="public",
        )
    assert not Event.objects.exists()


def test_attendance_is_marked_by_the_organiser(branch, organiser):
    event = make_event(organiser, branch, capacity=1)
    going = services.rsvp_create(event=event, email="a@example.org")
    waiting = services.rsvp_create(event=event, email="b@example.org")
    services.attendance_mark(user=organiser, rsvp=going, attended=True)
    assert Rsvp.objects.get(pk=going.pk).attended
    with pytest.raises(services.EventError):
        services.attendance_mark(user=organiser, rsvp=waiting, attended=True)
    with pytest.raises(services.EventError):
        services.attendance_mark(user=member(branch), rsvp=going, attended=False)


def test_ical_feeds_parse_with_the_icalendar_library(client, branch, organiser):
    public = make_event(organiser, branch, title="Rally in the Market Place")
    make_event(organiser, branch, visibility="members", title="Members' meeting")
    response = client.get(f"/events/branch/{branch.ons_code}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = [c for c in cal.walk("VEVENT")]
    assert [str(e["SUMMARY"]) for e in events] == ["Rally in the Market Place"]
    assert events[0].decoded("DTSTART") == public.starts_at.replace(microsecond=0)
    assert str(events[0]["LOCATION"]) == "Market Place, Derby"

    me = member(branch)
    meeting = Event.objects.get(title="Members' meeting")
    services.rsvp_create(event=meeting, user=me)
    services.rsvp_create(event=public, user=me)
    token = selectors.feed_token(me.person_id)
    cal = icalendar.Calendar.from_ical(client.get(f"/events/feed/{token}.ics").content)
    assert sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT")) == [
        "Members' meeting",
        "Rally in the Market Place",
    ]
    assert client.get("/events/feed/forged-token.ics").status_code == 404


def test_reminder_goes_the_day_before_once_to_those_going(branch, organiser):
    soon = make_event(organiser, branch, capacity=1, starts_in=timedelta(hours=20), title="Soon")
    later = make_event(organiser, branch, starts_in=timedelta(days=5), title="Later")
    services.rsvp_create(event=soon, email="going@example.org")
    services.rsvp_create(event=soon, email="waiting@example.org")
    services.rsvp_create(event=later, email="later@example.org")
    mail.outbox.clear()
    assert services.event_reminders_send() == 1
    assert [m.to for m in mail.outbox] == [["going@example.org"]] and "Tomorrow" in mail.outbox[0].subject
    assert services.event_reminders_send() == 0  # once only
    # four days on, the later event is due
    assert services.event_reminders_send(now=timezone.now() + timedelta(days=4, hours=1)) == 1


def test_reminder_task_waits_when_the_event_moved_later(branch, organiser):
    from groundswell.events.tasks import send_event_reminder

    event = make_event(organiser, branch, starts_in=timedelta(days=3))
    services.rsvp_create(event=event, email="a@example.org")
    mail.outbox.clear()
    assert send_event_reminder.call(event.pk) == 0 and mail.outbox == []
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() + timedelta(hours=5))
    assert send_event_reminder.call(event.pk) == 1


def test_calendar_page_shows_the_month(client, branch, organiser):
    event = make_event(organiser, branch, title="Watch party", starts_in=timedelta(days=1))
    month = timezone.localtime(event.starts_at).strftime("%Y-%m")
    page = client.get(f"/events/?month={month}")
    assert page.status_code == 200 and b"Watch party" in page.content
    assert b"Watch party" not in client.get("/events/?month=2001-01").content


def test_public_reply_and_cancel_without_an_account(
    client, branch, organiser, django_capture_on_commit_callbacks
):
    event = make_event(organiser, branch, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{event.pk}/rsvp/", {"name": "Jo", "email": "jo@example.org"})
    rsvp = Rsvp.objects.get(email_key="jo@example.org")
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/"
    assert f"/events/reply/{rsvp.token}/" in mail.outbox[-1].body  # the link goes by email
    assert b"Going" in client.get(f"/events/reply/{rsvp.token}/").content
    client.post(f"/events/reply/{rsvp.token}/cancel/")
    assert Rsvp.objects.get(pk=rsvp.pk).status == "cancelled"


def test_cancelling_an_event_tells_everyone_and_marks_the_feed(
    client, branch, organiser, django_capture_on_commit_callbacks
):
    event = make_event(organiser, branch, capacity=1)
    services.rsvp_create(event=event, email="going@example.org")
    services.rsvp_create(event=event, email="waiting@example.org")
    with pytest.raises(services.EventError, match="organisers"):
        services.event_cancel(user=member(branch), event=event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(user=organiser, event=event, reason="The hall flooded.")
    assert sorted(m.to[0] for m in mail.outbox) == ["going@example.org", "waiting@example.org"]
    assert "The hall flooded." in mail.outbox[0].body
    month = timezone.localtime(event.starts_at).strftime("%Y-%m")
    assert b"Rally" not in client.get(f"/events/?month={month}").content
    cal = icalendar.Calendar.from_ical(client.get(f"/events/branch/{branch.ons_code}.ics").content)
    assert [str(e["STATUS"]) for e in cal.walk("VEVENT")] == ["CANCELLED"]
    with pytest.raises(services.EventError, match="cancelled"):
        services.rsvp_create(event=Event.objects.get(pk=event.pk), email="late@example.org")


def test_public_replies_from_one_address_are_limited(client, branch, organiser):
    event = make_event(organiser, branch)
    for n in range(services.PUBLIC_REPLIES_PER_HOUR):
        services.rsvp_create(event=event, email=f"p{n}@example.org", address="203.0.113.9")
    with pytest.raises(services.EventError, match="too many replies"):
        services.rsvp_create(event=event, email="bot@example.org", address="203.0.113.9")
    services.rsvp_create(event=event, email="neighbour@example.org", address="203.0.113.10")
    # members replying as themselves are not counted against their address
    services.rsvp_create(event=event, user=member(branch), address="203.0.113.9")
    page = client.post(f"/events/{event.pk}/rsvp/", {"email": "bot2@example.org"}, REMOTE_ADDR="203.0.113.9")
    assert page.status_code == 302 and not Rsvp.objects.filter(email_key="bot2@example.org").exists()


def test_a_reminder_run_killed_part_way_is_finished_by_the_next_and_nobody_gets_two(
    branch, organiser, monkeypatch
):
    """The adversary is the crash: the run dies after the second reminder (a kill -9 of the
    worker). Before, the event was marked reminded first and the rest never got theirs."""
    from django.core.mail.backends.locmem import EmailBackend

    soon = make_event(organiser, branch, capacity=10, starts_in=timedelta(hours=20), title="Soon")
    for i in range(5):
        services.rsvp_create(event=soon, email=f"going{i}@example.org")
    mail.outbox.clear()
    real, calls = EmailBackend.send_messages, {"n": 0}

    def dies_after_two(backend, messages):
        for m in messages:
            if calls["n"] == 2:
                raise KeyboardInterrupt("worker killed")
            calls["n"] += 1
            real(backend, [m])
        return len(messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dies_after_two)
    with pytest.raises(KeyboardInterrupt):
        services.event_reminders_send()
    monkeypatch.undo()
    services.event_reminders_send()  # the next tick
    to = sorted(m.to[0] for m in mail.outbox)
    assert len(to) == len(set(to))  # nobody twice
    assert len(to) >= 4  # at most the one claimed when the worker died is lost
