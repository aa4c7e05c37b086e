"""What vetting holds about a person: exclusion cases about them (the criterion, the
evidence, the appeal and its decision), and, for officers, the cases they proposed,
confirmed or decided and their place on the panel.

Erasure blanks the evidence and the statement (the person's data) but keeps the case's
criterion and state: the exclusion counts published with a result, and the tendered paper
it governs, must not change when someone is erased. Officers' accounts are unlinked."""

from groundswell.members.personal_data import account_of, iso, null_user, register
from groundswell.vetting.models import Appeal, Exclusion, PanelMember

ERASED = "(erased)"


def access(person) -> dict:
    account = account_of(person)
    out = {
        "exclusions": [
            {
                "ballot": e.ballot.title,
                "criterion": e.criterion.label,
                "evidence": e.evidence,
                "state": e.state,
                "in_force_at": iso(e.in_force_at),
                "appeal_deadline": iso(e.appeal_deadline),
                "refunded_at": iso(e.refunded_at),
                "appeal": (
                    {
                        "statement": e.appeal.statement,
                        "lodged_at": iso(e.appeal.lodged_at),
                        "decision": e.appeal.decision,
                        "reasons": e.appeal.reasons,
                    }
                    if hasattr(e, "appeal")
                    else None
                ),
            }
            for e in Exclusion.objects.filter(person=person)
            .select_related("ballot", "criterion")
            .order_by("pk")
        ]
    }
    if account is not None:
        out["exclusions_proposed_or_confirmed"] = Exclusion.objects.filter(proposed_by=account).count() + (
            Exclusion.objects.filter(confirmed_by=account).count()
        )
        out["appeals_decided"] = Appeal.objects.filter(decided_by=account).count()
        out["on_appeal_panel"] = PanelMember.objects.filter(user=account).exists()
    return out


def erase(person) -> None:
    Exclusion.objects.filter(person=person).update(evidence=ERASED, refund_reference="")
    Appeal.objects.filter(exclusion__person=person).update(statement=ERASED, reasons=ERASED)
    account = account_of(person)
    if account is None:
        return
    PanelMember.objects.filter(user=account).delete()
    null_user(PanelMember, "appointed_by", account)
    for field in ("proposed_by", "confirmed_by", "refunded_by"):
        null_user(Exclusion, field, account)
    null_user(Appeal, "decided_by", account)


register(
    "vetting",
    models=["vetting.Exclusion", "vetting.Appeal", "vetting.PanelMember"],
    access=access,
    erase=erase,
)
