"""What selections hold about a person: their applications and the decisions on them."""

from groundswell.members.personal_data import account_of, iso, null_user, register
from groundswell.selections.models import (
    Application,
    Decision,
    Nomination,
    Selection,
    TriggerBallot,
    TriggerSection,
)


def access(person) -> dict:
    return {
        "selection_applications": [
            {
                "selection": a.selection.title,
                "statement": a.statement,
                "gender": a.gender,
                "trade_union": a.trade_union,
                "status": a.status,
                "applied_at": iso(a.applied_at),
                "decisions": [
                    {"stage": d.stage, "include": d.include, "reason": d.reason, "at": iso(d.decided_at)}
                    for d in a.decisions.all()
                ],
                "nominations": [
                    {
                        "by": n.body,
                        "method": n.method,
                        "decided_on": iso(n.decided_on),
                        "minutes": n.minutes_ref,
                    }
                    for n in a.nominations.filter(status=Nomination.Status.MADE).select_related(
                        "branch", "affiliate__organisation"
                    )
                ],
            }
            for a in Application.objects.filter(person=person).select_related("selection").order_by("pk")
        ]
    }


def erase(person) -> None:
    """Applications (and the decisions and nominations on them) go; a panel member's account
    is unlinked from what they recorded."""
    Application.objects.filter(person=person).delete()
    account = account_of(person)
    null_user(Decision, "decided_by", account)
    null_user(Selection, "created_by", account)
    null_user(Nomination, "recorded_by", account)
    null_user(TriggerBallot, "created_by", account)
    null_user(TriggerSection, "recorded_by", account)


register(
    "selections",
    models=[
        "selections.Selection",
        "selections.Application",
        "selections.Decision",
        "selections.Nomination",
        "selections.TriggerBallot",
        "selections.TriggerSection",
    ],
    access=access,
    erase=erase,
)
