"""Writes for mail-outs: create (queued as a task), send in batches, unsubscribe."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
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
    )
    if not selectors.may_send(user, mailout):
        raise MailOutError("you can email only people in a branch you organise")
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
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def mailout_send(*, mailout_id: int, progress: Callable[[int, int], None] | None = None) -> MailOut:
    """Sends to everyone in the segment with consent, in batches; safe to run again (people
    already sent to are skipped), and each batch re-reads consent."""
    mailout = MailOut.objects.get(pk=mailout_id)
    if mailout.status == MailOut.Status.DONE:
        return mailout
    MailOut.objects.filter(pk=mailout.pk).update(status=MailOut.Status.SENDING)
    try:
        with get_connection() as connection:
            while True:
                batch = list(
                    selectors.recipients(mailout)
                    .exclude(pk__in=Delivery.objects.filter(mailout=mailout).values("person_id"))
                    .only("pk", "first_name", "email")[:BATCH]
                )
                if not batch:
                    break
                connection.send_messages([_message(mailout, p, connection) for p in batch])
                Delivery.objects.bulk_create(
                    [Delivery(mailout=mailout, person=p) for p in batch], ignore_conflicts=True
                )
                sent = Delivery.objects.filter(mailout=mailout).count()
                MailOut.objects.filter(pk=mailout.pk).update(sent=sent, total=max(mailout.total, sent))
                if progress:
                    progress(sent, mailout.total)
    except Exception as e:  # the page says what went wrong; a re-run resumes where it stopped
        MailOut.objects.filter(pk=mailout.pk).update(status=MailOut.Status.FAILED, error=str(e)[:2000])
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
