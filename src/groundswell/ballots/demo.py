"""Demo ballots, with synthetic votes: one published result and one ballot open to vote in.

The demo's trustees are the demo returning officer, national admin and branch organiser
(any 2 of 3 count). So that a newcomer can count the open ballot, its three shares are
kept in `var/demo-trustee-shares.json` and printed by `groundswell demo` — for a demo with
made-up votes only: a real ballot's shares leave the server once, to their trustees."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from groundswell.ballots import selectors, services
from groundswell.ballots.models import Ballot, Elector, Trustee

PUBLISHED_TITLE = "Leadership election (synthetic demo)"
OPEN_TITLE = "National Executive Committee, members' section (synthetic demo)"
TRUSTEE_EMAILS = (
    "returning@demo.groundswell.local",
    "admin@demo.groundswell.local",
    "organiser@demo.groundswell.local",
)


def shares_file() -> Path:
    return Path(settings.HOME) / "demo-trustee-shares.json"


def share_file(index: int) -> Path:
    return Path(settings.HOME) / f"demo-trustee-{index}-share.json"


def _votes(
    ballot: Ballot, count: int, rng: random.Random, favourites: dict[str, list[float]], *, not_by=None
) -> None:
    """Casts `count` synthetic ballots; each category leans its own way. `not_by` (the demo
    member) is left to vote for themselves: which electors the demo picks changes with the
    date, and once it picked them the demo had no code to print."""
    n = ballot.candidates.count()
    electors = Elector.objects.filter(ballot=ballot).select_related("ballot").order_by("pk")
    if not_by is not None:
        electors = electors.exclude(person=not_by)
    electors = list(electors[: count * 3])
    rng.shuffle(electors)
    for elector in electors[:count]:
        weights = favourites.get(elector.category, [1.0] * n)
        order = sorted(range(n), key=lambda c: -(rng.random() ** (1 / weights[c])))
        ranking = order[: rng.randint(1, n)]
        services.ballot_cast(elector=elector, ranking=ranking if ballot.method != "fptp" else ranking[:1])


def _create(officer, **kwargs) -> Ballot:
    User = get_user_model()
    trustees = [u for u in (User.objects.filter(email=e).first() for e in TRUSTEE_EMAILS) if u] or [officer]
    return services.ballot_create(actor=officer, trustees=trustees, threshold=min(2, len(trustees)), **kwargs)


def _open(ballot: Ballot, officer) -> tuple[Ballot, list[str]]:
    ballot = services.ballot_open_start(ballot=ballot, actor=officer)
    taken = [
        services.share_download(ballot=ballot, user=t.user)["share"]
        for t in Trustee.objects.filter(ballot=ballot).select_related("user")
    ]
    ballot = services.ballot_open(ballot_id=ballot.pk)
    # No code emails for made-up electors (the console would print thousands).
    Elector.objects.filter(ballot=ballot).update(credential_sent_on=timezone.localdate())
    return ballot, taken


def demo_ballots(*, officer, member_person) -> dict:
    """Creates the demo ballots once. Returns the demo member's fresh code for the open
    ballot (reissued at each run: codes are never stored) and its trustees' shares."""
    rng = random.Random(2016)
    now = timezone.now()
    if not Ballot.objects.filter(title=PUBLISHED_TITLE).exists():
        ballot = _create(
            officer,
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
        ballot, taken = _open(ballot, officer)
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
        services.ballot_close(ballot=ballot, actor=officer, confirm=True)
        services.ballot_count(ballot_id=ballot.pk, shares_given=taken[:2], actor=officer)
        services.ballot_publish(ballot=ballot, actor=officer, confirm=True)
    ballot = Ballot.objects.filter(title=OPEN_TITLE).first()
    if ballot is None:
        ballot = _create(
            officer,
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
            description="A made-up STV ballot, to vote in with the demo member's code.",
        )
        ballot, taken = _open(ballot, officer)
        path = shares_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"ballot": ballot.pk, "title": ballot.title, "shares": taken}, indent=2))
        for i, share in enumerate(taken, 1):  # one file per trustee, as `count-ballot --share` reads them
            share_file(i).write_text(
                json.dumps({"ballot": ballot.pk, "trustee": i, "share": share}, indent=2)
            )
        _votes(ballot, min(500, ballot.electorate_size // 2), rng, {}, not_by=member_person)
    out: dict = {"ballot": ballot.pk, "code": None, "shares": []}
    if shares_file().is_file():
        out["shares"] = json.loads(shares_file().read_text()).get("shares", [])
    if ballot.status != Ballot.Status.OPEN:
        return out
    elector = Elector.objects.filter(ballot=ballot, person=member_person).first()
    if elector is None or selectors.has_voted(elector):
        return out
    _, code = services.code_reissue(ballot=ballot, elector_id=elector.pk, actor=officer)
    out["code"] = services.format_credential(code)
    return out
