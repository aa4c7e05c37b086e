"""What ballots hold about a person: the electorates they were on (category, whether and on
which day they voted — the marked register, never how), the ballots they hold a share of,
and the ballots they created. How anyone voted is held by nobody, so it is in no download.

Erasure keeps the elector rows (the person row they point to is emptied by members): the
marked register's counts are published and checked by the verifier, and one vote each must
still hold. A trustee of a ballot not yet published stays one (their share is needed to
count); of a published ballot, the row goes."""

from groundswell.ballots.models import Ballot, Elector, SpentCredential, TenderedPaper, Trustee
from groundswell.members.personal_data import account_of, iso, null_user, register


def access(person) -> dict:
    voted = dict(SpentCredential.objects.filter(elector__person=person).values_list("elector_id", "spent_on"))
    account = account_of(person)
    return {
        "electorates": [
            {
                "ballot": e.ballot.title,
                "category": e.category,
                "codes_issued": e.codes_issued,
                "last_code_issued_on": iso(e.code_issued_on),
                "voted_on": iso(voted.get(e.pk)),
            }
            for e in Elector.objects.filter(person=person).select_related("ballot").order_by("pk")
        ],
        # a tendered paper names its elector (it waits on their appeal): its state, never the vote
        "tendered_papers": [
            {"ballot": t.ballot.title, "state": "admitted" if t.admitted else "set aside"}
            for t in TenderedPaper.objects.filter(elector__person=person).select_related("ballot")
        ],
        "trustee_of": list(
            Trustee.objects.filter(user=account).values_list("ballot__title", flat=True) if account else []
        ),
        "ballots_created": list(
            Ballot.objects.filter(created_by=account).values_list("title", flat=True) if account else []
        ),
    }


def erase(person) -> None:
    account = account_of(person)
    if account is None:
        return
    Trustee.objects.filter(user=account, ballot__status=Ballot.Status.PUBLISHED).delete()
    null_user(Ballot, "created_by", account)


register(
    "ballots", models=["ballots.Ballot", "ballots.Elector", "ballots.Trustee"], access=access, erase=erase
)
