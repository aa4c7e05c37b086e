"""The elector's pages: enter the voting code, rank the candidates, review, cast, receipt.

No sign-in: the credential is the key (postal and email voters alike). The ranking is a
plain form — a number beside each candidate — so it works with a keyboard, a mouse or a
thumb on a phone, and without JavaScript.
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from groundswell.ballots import selectors, services
from groundswell.ballots.models import Ballot


def _elector(request):
    state = request.session.get("vote")
    if not state:
        return None, None
    elector = selectors.elector_for_credential(state["code"])
    return elector, state


def vote_start(request):
    error = ""
    code = request.POST.get("code") or request.GET.get("code", "")
    if request.method == "POST":
        normal = services.normalise_credential(code)
        elector = selectors.elector_for_credential(normal)
        if elector is None:
            error = "That voting code is not valid. Check it against your email or letter."
        elif selectors.credential_spent(normal):
            error = "This voting code has already been used. Each elector votes once."
        elif not elector.ballot.is_accepting_votes():
            ballot = elector.ballot
            if ballot.status == Ballot.Status.OPEN and timezone.now() < ballot.opens_at:
                error = f"Voting opens on {timezone.localtime(ballot.opens_at):%d %B %Y at %H:%M}."
            else:
                error = "This ballot is closed."
        else:
            request.session["vote"] = {"code": normal}
            return redirect("vote:ballot")
    return render(
        request, "ballots/vote_start.html", {"code": code, "error": error}, status=400 if error else 200
    )


def _parse_ranking(request, ballot: Ballot, count: int) -> tuple[list[int], dict[int, int], str]:
    """The ranking from the form, the marks as given (to show again), and any problem."""
    if ballot.method == Ballot.Method.FPTP:
        choice = request.POST.get("choice", "")
        if not choice.isdigit():
            return [], {}, "Choose one candidate."
        return [int(choice)], {int(choice): 1}, ""
    marks: dict[int, int] = {}
    for position in range(count):
        value = request.POST.get(f"rank_{position}", "")
        if value:
            marks[position] = int(value) if value.isdigit() else 0
    numbers = sorted(marks.values())
    if not numbers:
        return [], marks, "Put a 1 beside your first choice."
    if len(set(numbers)) != len(numbers):
        twice = next(n for n in numbers if numbers.count(n) > 1)
        return [], marks, f"You gave number {twice} to more than one candidate: each number once, please."
    if numbers != list(range(1, len(numbers) + 1)):
        missing = next(i for i in range(1, len(numbers) + 2) if i not in numbers)
        return [], marks, f"Number your choices 1, 2, 3… without gaps: nobody has number {missing}."
    return [p for p, _ in sorted(marks.items(), key=lambda item: item[1])], marks, ""


def _ranking_from_hidden(text: str, count: int) -> list[int]:
    try:
        ranking = [int(x) for x in text.split(",") if x != ""]
    except ValueError:
        return []
    if len(set(ranking)) != len(ranking) or any(not 0 <= r < count for r in ranking):
        return []
    return ranking


def vote_ballot(request):
    """The ballot paper; a valid paper goes straight to the review page.

    The ranking travels in the form (a hidden field on the review page), never in the
    session: the session may also say who is signed in, and must not hold how they vote."""
    elector, _state = _elector(request)
    if elector is None:
        return redirect("vote:start")
    ballot = elector.ballot
    candidates = list(ballot.candidates.order_by("position"))
    error = ""
    rank_of: dict[int, int] = {}
    if request.method == "POST":
        if request.POST.get("change"):
            kept = _ranking_from_hidden(request.POST.get("ranking", ""), len(candidates))
            rank_of = {p: i + 1 for i, p in enumerate(kept)}
        else:
            ranking, rank_of, error = _parse_ranking(request, ballot, len(candidates))
            if not error:
                names = {c.position: c.name for c in candidates}
                return render(
                    request,
                    "ballots/vote_review.html",
                    {
                        "ballot": ballot,
                        "choices": [names[p] for p in ranking],
                        "ranking": ",".join(str(p) for p in ranking),
                    },
                )
    rows = [(c, rank_of.get(c.position)) for c in candidates]
    return render(
        request,
        "ballots/vote_ballot.html",
        {
            "ballot": ballot,
            "rows": rows,
            "numbers": range(1, len(candidates) + 1),
            "error": error,
            "category": elector.category,
        },
        status=400 if error else 200,
    )


@require_POST
def vote_cast(request):
    """Casts, then shows the receipt in this response: the tracker is stored nowhere but
    with the ballot itself, not in the session, not in a URL."""
    elector, state = _elector(request)
    if elector is None:
        return redirect("vote:start")
    ranking = _ranking_from_hidden(request.POST.get("ranking", ""), elector.ballot.candidates.count())
    if not ranking:
        return redirect("vote:ballot")
    request.session.pop("vote", None)
    try:
        cast = services.ballot_cast(credential=state["code"], ranking=ranking)
    except services.BallotError as exc:
        return render(request, "ballots/vote_start.html", {"code": "", "error": str(exc)}, status=409)
    return render(
        request,
        "ballots/vote_receipt.html",
        {
            "receipt": {
                "tracker": cast.tracker,
                "ballot_id": elector.ballot_id,
                "title": elector.ballot.title,
            },
        },
    )
