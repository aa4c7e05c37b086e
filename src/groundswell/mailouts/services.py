"""Writes for mail-outs: create (queued as a task), send in batches, unsubscribe."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts.policies import RuleError
from groundswell.accounts.services import audit_record
from groundswell.mailouts import selectors
from groundswell.mailouts.models import Delivery, MailOut
from groundswell.members.models import Category, Person

UNSUBSCRIBE_SALT = "groundswell.mailouts.unsubscribe"
BATCH = 200


class MailOutError(RuleError):
    """A mail-out that cannot be sent as asked; the message says why."""


def unsubscribe_token(person_id: int) -> str:
    return signing.dumps(person_id, salt=UNSUBSCRIBE_SALT, compress=True)


def person_for_unsubscribe_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None


def mailout_create(
    *,
    user,
    subject: str,
    body: str,
    segment: str,
    branch=None,
    category: str = "",
    event=None,
    motion=None,
    group=None,
) -> MailOut:
    problems = []
    if not subject.strip():
        problems.append("give it a subject")
    if not body.strip():
        problems.append("write the message")
    if segment not in MailOut.Segment.values:
        problems.append("choose who it goes to")
    if segment == MailOut.Segment.BRANCH and branch is None:
        problems.append("choose the branch")
    if segment == MailOut.Segment.CATEGORY and category not in Category.values:
        problems.append("choose the category")
    if segment == MailOut.Segment.EVENT and event is None:
        problems.append("choose the event")
    if segment == MailOut.Segment.MOTION and motion is None:
        problems.append("choose the motion")
    if segment == MailOut.Segment.GROUP and group is None:
        problems.append("choose the group")
    if problems:
        raise MailOutError("; ".join(problems))
    mailout = MailOut(
        created_by=user,
        subject=subject.strip(),
        body=body.strip(),
        segment=segment,
        branch=branch,
        category=category if segment == MailOut.Segment.CATEGORY else "",
        event=event if segment == MailOut.Segment.EVENT else None,
        motion=motion if segment == MailOut.Segment.MOTION else None,
        group=group if segment == MailOut.Segment.GROUP else None,
    )
    if user is not None and not selectors.may_send(user, mailout):  # None: the system (a group's digest)
        raise MailOutError("you can email only people in a branch you organise (or a group you facilitate)")
    with transaction.atomic():
        mailout.total = selectors.recipients(mailout).count()
        mailout.save()
        audit_record(
            actor=user,
            action="mailout.create",
            target=f"mailout:{mailout.pk}",
            rows=mailout.total,
            detail={"segment": segment, "subject": mailout.subject},
        )
        from groundswell.mailouts.tasks import send_mailout

        transaction.on_commit(lambda: send_mailout.enqueue(mailout.pk))
    return mailout


def message_id(mailout_id: int, person_id: int) -> str:
    """The same Message-ID every time this person's copy of this mail-out is sent: the one copy
    a crash may send twice arrives as the same message, which mail systems show once."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<mailout-{mailout_id}-{person_id}@{host}>"


def _message(mailout: MailOut, person: Person, connection) -> EmailMessage:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "mailouts:unsubscribe", args=[unsubscribe_token(person.pk)]
    )
    body = (
        f"Dear {person.first_name or 'friend'},\n\n{mailout.body}\n\n--\n"
        f"You get this because you agreed to hear from us by email. Stop these emails: {link}\n"
    )
    return EmailMessage(
        mailout.subject,
        body,
        to=[person.email],
        connection=connection,
        headers={
            "Message-ID": message_id(mailout.pk, person.pk),
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _send_claimed(mailout: MailOut, connection) -> None:
    """Sends every claimed, unconfirmed copy of `mailout`, confirming each as the SMTP server
    accepts it. Consent is read again: someone who unsubscribed since the claim is dropped."""
    claimed = Delivery.objects.filter(mailout=mailout, sent_at__isnull=True)
    people = {
        p.pk: p
        for p in selectors.recipients(mailout)
        .filter(pk__in=claimed.values("person_id"))
        .only("pk", "first_name", "email")
    }
    for delivery in claimed.order_by("person_id"):
        person = people.get(delivery.person_id)
        if person is None:
            delivery.delete()
            continue
        connection.send_messages([_message(mailout, person, connection)])
        Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())


def mailout_sent_count(mailout_id: int) -> int:
    """How many copies the SMTP server has accepted: counted from the outbox, never remembered."""
    return Delivery.objects.filter(mailout_id=mailout_id, sent_at__isnull=False).count()


def mailout_send(*, mailout_id: int, progress: Callable[[int, int], None] | None = None) -> MailOut:
    """Sends to everyone in the segment with consent, in batches, resumable after a crash.

    An outbox: each batch is first claimed (a Delivery row per person, committed, sent_at
    empty), then sent one message at a time, each confirmed (sent_at) as soon as the SMTP server
    accepts it. A run after a crash first re-sends the claimed, unconfirmed copies, then goes on
    after the highest person claimed (keyset: no batch re-reads the ones before it). So nobody
    is ever sent two different copies; the one message in flight when a worker dies (accepted
    by the server, not yet confirmed) is sent again with the same Message-ID. We chose this over
    "recorded in the same step as sent" because SMTP cannot take part in a database transaction:
    some window always remains, and this keeps it to one message and makes it harmless."""
    mailout = MailOut.objects.get(pk=mailout_id)
    if mailout.status == MailOut.Status.DONE:
        return mailout
    MailOut.objects.filter(pk=mailout.pk).update(status=MailOut.Status.SENDING)

    def report() -> None:
        sent = mailout_sent_count(mailout.pk)
        MailOut.objects.filter(pk=mailout.pk).update(sent=sent, total=max(mailout.total, sent))
        if progress:
            progress(sent, mailout.total)

    try:
        with get_connection() as connection:
            _send_claimed(mailout, connection)  # what a dead run claimed and may not have sent
            report()
            while True:
                after = Delivery.objects.filter(mailout=mailout).aggregate(last=Max("person_id"))["last"]
                batch = list(
                    selectors.recipients(mailout)
                    .filter(pk__gt=after or 0)
                    .values_list("pk", flat=True)[:BATCH]
                )
                if not batch:
                    break
                Delivery.objects.bulk_create(
                    [Delivery(mailout=mailout, person_id=pk, sent_at=None) for pk in batch],
                    ignore_conflicts=True,
                )
                _send_claimed(mailout, connection)
                report()
    except Exception as e:  # the page says what went wrong; a re-run resumes where it stopped
        MailOut.objects.filter(pk=mailout.pk).update(
            status=MailOut.Status.FAILED, error=str(e)[:2000], sent=mailout_sent_count(mailout.pk)
        )
        raise
    MailOut.objects.filter(pk=mailout.pk).update(status=MailOut.Status.DONE, finished_at=timezone.now())
    mailout.refresh_from_db()
    return mailout


@transaction.atomic
def person_unsubscribe(*, person_id: int) -> Person | None:
    """Withdraws email consent at once: the next batch of any mail-out leaves them out."""
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        return None
    if person.consent_email_on is not None:
        person.consent_email_on = None
        person.save(update_fields=["consent_email_on"])
        audit_record(actor=None, action="person.unsubscribe", target=f"person:{person.pk}")
    return person
