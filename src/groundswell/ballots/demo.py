"""Demo ballots, with synthetic votes: one published result and one ballot open to vote in."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from groundswell.ballots import selectors, services
from groundswell.ballots.models import Ballot, Elector

PUBLISHED_TITLE = "Leadership election (synthetic demo)"
OPEN_TITLE = "National Executive Committee, members' section (synthetic demo)"


def _votes(ballot: Ballot, count: int, rng: random.Random, favourites: dict[str, list[float]]) -> None:
    """Casts `count` synthetic ballots; each category leans its own way."""
    n = ballot.candidates.count()
    electors = list(Elector.objects.filter(ballot=ballot).values_list("credential", "category")[: count * 3])
    rng.shuffle(electors)
    for credential, category in electors[:count]:
        weights = favourites.get(category, [1.0] * n)
        order = sorted(range(n), key=lambda c: -(rng.random() ** (1 / weights[c])))
        ranking = order[: rng.randint(1, n)]
        services.ballot_cast(
            credential=credential, ranking=ranking if ballot.method != "fptp" else ranking[:1]
        )


def _open(ballot: Ballot) -> Ballot:
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.OPENING)
    ballot = services.ballot_open(ballot_id=ballot.pk)
    # No credential emails for made-up electors (the console would print thousands).
    Elector.objects.filter(ballot=ballot).update(credential_sent_on=timezone.localdate())
    return ballot


def demo_ballots(*, officer, member_person) -> str | None:
    """Creates the demo ballots once; returns the demo member's code for the open one."""
    rng = random.Random(2016)
    now = timezone.now()
    if not Ballot.objects.filter(title=PUBLISHED_TITLE).exists():
        ballot = services.ballot_create(
            actor=officer,
            title=PUBLISHED_TITLE,
            method="irv",
            seats=1,
            candidates=["Alex Morgan", "Sam Okafor", "Jo Whitfield", "Priya Nair"],
            eligible_categories=["member", "registered_supporter", "affiliated_supporter"],
            freeze_date=(now - timedelta(days=60)).date(),
            min_membership_days=180,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(hours=1),
            description="A made-up ballot with synthetic votes, to show a published result.",
        )
        ballot = _open(ballot)
        _votes(
            ballot,
            min(3000, ballot.electorate_size),
            rng,
            {
                "member": [3.0, 2.2, 1.0, 1.4],
                "registered_supporter": [4.0, 1.2, 0.8, 1.0],
                "affiliated_supporter": [2.0, 2.5, 1.5, 1.0],
            },
        )
        services.ballot_close(ballot=ballot, actor=officer)
        services.ballot_count(ballot_id=ballot.pk)
        services.ballot_publish(ballot=ballot, actor=officer)
    ballot = Ballot.objects.filter(title=OPEN_TITLE).first()
    if ballot is None:
        ballot = services.ballot_create(
            actor=officer,
            title=OPEN_TITLE,
            method="stv",
            seats=3,
            candidates=[
                "Ruth Adeyemi",
                "Tom Fraser",
                "Meg Rowlands",
                "Iqbal Hussain",
                "Ciara Doyle",
                "Dev Sharma",
            ],
            eligible_categories=["member"],
            freeze_date=now.date(),
            min_membership_days=0,
            opens_at=now - timedelta(minutes=5),
            closes_at=now + timedelta(days=14),
            description="A made-up STV ballot, open now: vote with the demo member's code.",
        )
        ballot = _open(ballot)
        _votes(ballot, min(500, ballot.electorate_size // 2), rng, {})
    if ballot.status != Ballot.Status.OPEN:
        return None
    elector = Elector.objects.filter(ballot=ballot, person=member_person).first()
    if elector is None or selectors.credential_spent(elector.credential):
        return None
    return services.format_credential(elector.credential)
