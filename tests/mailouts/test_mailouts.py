"""Mail-outs: consent decides who gets one, unsubscribing is honoured at once, a re-run never doubles."""

from datetime import date

import pytest
from django.core import mail

from groundswell.mailouts import services
from groundswell.mailouts.models import MailOut
from groundswell.members.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    return factories.branch(name="Derby North")


@pytest.fixture
def organiser(branch):
    return factories.user("branch_organiser", branch=branch)


def consenting(branch, **kw):
    p = factories.person(branch=branch, **kw)
    Person.objects.filter(pk=p.pk).update(consent_email_on=date(2024, 1, 1))
    return Person.objects.get(pk=p.pk)


def send(organiser, capture, **kw):
    kw.setdefault("segment", "branch")
    with capture(execute=True):
        mailout = services.mailout_create(
            user=organiser, subject="Canvass on Saturday", body="Meet at 10.", **kw
        )
    return MailOut.objects.get(pk=mailout.pk)


def test_a_member_without_email_consent_gets_no_mail_out(
    branch, organiser, django_capture_on_commit_callbacks
):
    yes = consenting(branch)
    no = factories.person(branch=branch)  # never consented
    erased = consenting(branch)
    Person.objects.filter(pk=erased.pk).update(erased_at="2025-01-01T00:00Z")
    consenting(factories.branch())  # another branch
    mail.outbox.clear()
    mailout = send(organiser, django_capture_on_commit_callbacks, branch=branch)
    assert [m.to for m in mail.outbox] == [[yes.email]]
    assert no.email not in str([m.to for m in mail.outbox])
    assert (mailout.status, mailout.total, mailout.sent) == ("done", 1, 1)


def test_unsubscribing_stops_the_next_mail_out(client, branch, organiser, django_capture_on_commit_callbacks):
    a = consenting(branch)
    b = consenting(branch)
    mail.outbox.clear()
    send(organiser, django_capture_on_commit_callbacks, branch=branch)
    message = next(m for m in mail.outbox if m.to == [a.email])
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200  # a page with a button: link scanners do not unsubscribe
    assert Person.objects.get(pk=a.pk).consent_email_on is not None
    assert client.post("/" + path).status_code == 200  # no sign-in, no CSRF token (one-click)
    assert Person.objects.get(pk=a.pk).consent_email_on is None
    mail.outbox.clear()
    send(organiser, django_capture_on_commit_callbacks, branch=branch)
    assert [m.to for m in mail.outbox] == [[b.email]]


def test_a_forged_unsubscribe_link_does_nothing(client, branch):
    a = consenting(branch)
    assert client.post(f"/unsubscribe/{a.pk}/").status_code == 404
    assert Person.objects.get(pk=a.pk).consent_email_on is not None


def test_a_re_run_after_a_crash_sends_nobody_twice(
    branch, organiser, django_capture_on_commit_callbacks, monkeypatch
):
    people = [consenting(branch) for _ in range(5)]
    monkeypatch.setattr(services, "BATCH", 2)
    calls = {"n": 0}
    real = services._message

    def flaky(mailout, person, connection):
        calls["n"] += 1
        if calls["n"] == 4:
            raise ConnectionError("SMTP server went away")
        return real(mailout, person, connection)

    monkeypatch.setattr(services, "_message", flaky)
    mail.outbox.clear()
    send(organiser, django_capture_on_commit_callbacks, branch=branch)  # the task fails part-way
    mailout = MailOut.objects.get()
    assert mailout.status == "failed" and mailout.sent == 3 and "SMTP" in mailout.error
    services.mailout_send(mailout_id=mailout.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)


def test_segments_event_attendees_and_motion_supporters(
    branch, organiser, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from groundswell.events import services as events
    from groundswell.motions import services as motions
    from tests.motions.helpers import member, rules

    rules(support_count=5)
    proposer, supporter, bystander = (member(branch) for _ in range(3))
    for u in (proposer, supporter, bystander):
        Person.objects.filter(pk=u.person_id).update(consent_email_on=date(2024, 1, 1))
    start = timezone.now() + timedelta(days=2)
    event = events.event_create(
        user=organiser,
        branch=branch,
        kind="meeting",
        title="AGM",
        place="Hall",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=None,
        visibility="members",
    )
    events.rsvp_create(event=event, user=supporter)
    motion = motions.motion_propose(user=proposer, branch=branch, title="T", subject="S", text="Text.")
    motions.motion_support(user=supporter, motion=motion)
    mail.outbox.clear()
    send(organiser, django_capture_on_commit_callbacks, segment="event", event=event)
    assert [m.to for m in mail.outbox] == [[supporter.person.email]]
    mail.outbox.clear()
    send(organiser, django_capture_on_commit_callbacks, segment="motion", motion=motion)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([proposer.person.email, supporter.person.email])


def test_an_organiser_emails_only_their_own_branch(branch, organiser):
    other = factories.branch()
    with pytest.raises(services.MailOutError, match="branch you organise"):
        services.mailout_create(user=organiser, subject="x", body="y", segment="branch", branch=other)
    with pytest.raises(services.MailOutError, match="branch you organise"):
        services.mailout_create(user=organiser, subject="x", body="y", segment="category", category="member")
    with pytest.raises(services.MailOutError, match="subject"):
        services.mailout_create(user=organiser, subject="", body="y", segment="branch", branch=branch)
    assert not MailOut.objects.exists()


def test_progress_page_shows_how_many_were_sent(
    client, branch, organiser, django_capture_on_commit_callbacks
):
    consenting(branch)
    consenting(branch)
    mailout = send(organiser, django_capture_on_commit_callbacks, branch=branch)
    client.force_login(organiser)
    page = client.get(f"/mailouts/{mailout.pk}/", HTTP_HX_REQUEST="true")
    assert b"2 of 2 sent" in page.content and b'value="100"' in page.content


class _DiesAfterAccepting:
    """An SMTP connection whose worker is killed just after the server accepted message `n`:
    the message is delivered, the worker never hears the answer (the worst moment to die)."""

    def __init__(self, n, real):
        self.n = n
        self.real = real
        self.accepted = 0

    def __call__(self, backend, messages):
        for m in messages:
            self.real(backend, [m])
            self.accepted += 1
            if self.accepted == self.n:
                raise KeyboardInterrupt("worker killed")  # not an Exception: nothing is recorded
        return len(messages)


def test_a_worker_killed_between_smtp_accepting_and_recording_sends_nobody_a_second_message(
    branch, organiser, django_capture_on_commit_callbacks, monkeypatch
):
    """The adversary is the clock: kill -9 after the server took a message, before the
    database heard. At most that one message goes again, and as the same message (Message-ID)."""
    from django.core.mail.backends.locmem import EmailBackend

    people = [consenting(branch) for _ in range(7)]
    monkeypatch.setattr(services, "BATCH", 5)
    dies = _DiesAfterAccepting(3, EmailBackend.send_messages)
    monkeypatch.setattr(EmailBackend, "send_messages", lambda backend, messages: dies(backend, messages))
    mail.outbox.clear()
    with pytest.raises(KeyboardInterrupt):
        send(organiser, django_capture_on_commit_callbacks, branch=branch)
    monkeypatch.undo()
    services.mailout_send(mailout_id=MailOut.objects.get().pk)  # the re-run after the restart
    ids_by_person: dict[str, set[str]] = {}
    for m in mail.outbox:
        ids_by_person.setdefault(m.to[0], set()).add(m.message()["Message-ID"])
    assert sorted(ids_by_person) == sorted(p.email for p in people)
    assert all(len(ids) == 1 for ids in ids_by_person.values()), "someone got two different messages"
    assert len(mail.outbox) <= len(people) + 1  # only the one in flight can arrive twice
    assert MailOut.objects.get().sent == len(people)
