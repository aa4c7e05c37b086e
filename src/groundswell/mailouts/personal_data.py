"""What mail-outs hold about a person: the emails sent to them, and mail-outs they wrote."""

from groundswell.mailouts.models import Delivery, MailOut
from groundswell.members.personal_data import account_of, iso, null_user, register


def access(person) -> dict:
    return {
        "emails_sent": [
            {"subject": d.mailout.subject, "sent_at": iso(d.sent_at)}
            for d in Delivery.objects.filter(person=person).select_related("mailout")
        ]
    }


def erase(person) -> None:
    """Deliveries go. (An erased person has no email and no consent, so no mail-out selects
    them again: members.services.person_erase clears both.)"""
    Delivery.objects.filter(person=person).delete()
    null_user(MailOut, "created_by", account_of(person))


register("mailouts", models=["mailouts.Delivery", "mailouts.MailOut"], access=access, erase=erase)
