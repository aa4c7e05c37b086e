"""What selections hold about a person: their applications and the decisions on them."""

from groundswell.members.personal_data import account_of, iso, null_user, register
from groundswell.selections.models import Application, Decision, Selection


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
            }
            for a in Application.objects.filter(person=person).select_related("selection").order_by("pk")
        ]
    }


def erase(person) -> None:
    """Applications (and the decisions on them) go; a panel member's account is unlinked."""
    Application.objects.filter(person=person).delete()
    account = account_of(person)
    null_user(Decision, "decided_by", account)
    null_user(Selection, "created_by", account)


register(
    "selections",
    models=["selections.Selection", "selections.Application", "selections.Decision"],
    access=access,
    erase=erase,
)
