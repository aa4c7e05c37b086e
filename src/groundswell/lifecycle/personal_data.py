"""What the ledger holds about a person: the payments of their memberships.

Payments are financial records the organisation must keep (HMRC: six years), so erasure
keeps them (the person record itself is blanked by members); the ledger stores no payer
names, only references. Links to officers' accounts (who imported, who matched) are cut."""

from django.db.models import Q

from groundswell.lifecycle.models import HandMatch, Payment, SourceFile
from groundswell.members.personal_data import account_of, iso, null_user, register


def access(person) -> dict:
    rows = Payment.objects.filter(
        Q(membership__person=person) | Q(hand_match__membership__person=person)
    ).order_by("paid_on", "pk")
    return {
        "payments": [
            {
                "kind": p.kind,
                "amount_pence": p.amount_pence,
                "paid_on": iso(p.paid_on),
                "method": p.method,
                "reference": p.reference,
            }
            for p in rows
        ]
    }


def erase(person) -> None:
    account = account_of(person)
    null_user(SourceFile, "imported_by", account)
    null_user(HandMatch, "matched_by", account)


register(
    "lifecycle",
    models=["lifecycle.Payment", "lifecycle.HandMatch", "lifecycle.SourceFile", "lifecycle.Subscription"],
    access=access,
    erase=erase,
)
