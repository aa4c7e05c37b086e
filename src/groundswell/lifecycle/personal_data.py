"""What the ledger holds about a person: the payments of their memberships.

Payments are financial records the organisation must keep (HMRC: six years), so erasure
keeps them (the person record itself is blanked by members); the ledger stores no payer
names, only references. Links to officers' accounts (who imported, who matched) are cut."""

from django.db.models import Q

from groundswell.lifecycle.models import (
    ArrearsNotice,
    HandMatch,
    LapseEvent,
    Payment,
    RulesVersion,
    SourceFile,
    SupporterSignup,
    SupporterWindow,
)
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
        ],
        "supporter_signups": [
            {
                "window": s.window.name,
                "signed_up_at": iso(s.signed_up_at),
                "fee_reference": s.fee_reference,
                "declaration": s.declaration,
                "membership_number": s.membership.membership_number,
            }
            for s in SupporterSignup.objects.filter(membership__person=person).select_related(
                "window", "membership"
            )
        ],
        "arrears_reminders": [
            {"arrears_since": iso(n.arrears_since), "sent_at": iso(n.sent_at)}
            for n in ArrearsNotice.objects.filter(membership__person=person).order_by("arrears_since")
        ],
        "lapses": [
            iso(e.lapsed_on)
            for e in LapseEvent.objects.filter(membership__person=person).order_by("lapsed_on")
        ],
    }


def erase(person) -> None:
    account = account_of(person)
    null_user(SourceFile, "imported_by", account)
    null_user(HandMatch, "matched_by", account)
    null_user(RulesVersion, "published_by", account)
    null_user(SupporterWindow, "created_by", account)
    # the sign-up stays (it made a membership, and its fee reference is a financial record, as
    # payments are); the email it was keyed by goes
    for signup in SupporterSignup.objects.filter(membership__person=person).only("pk"):
        SupporterSignup.objects.filter(pk=signup.pk).update(email_key=f"erased-{signup.pk}")


register(
    "lifecycle",
    models=[
        "lifecycle.Payment",
        "lifecycle.HandMatch",
        "lifecycle.SourceFile",
        "lifecycle.Subscription",
        "lifecycle.RulesVersion",
        "lifecycle.SupporterWindow",
        "lifecycle.SupporterSignup",
        "lifecycle.ArrearsNotice",
        "lifecycle.LapseEvent",
    ],
    access=access,
    erase=erase,
)
