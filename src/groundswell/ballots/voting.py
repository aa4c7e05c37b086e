"""The elector's pages: enter the voting code, rank the candidates, review, cast, receipt.

No sign-in: the code is the key (postal and email voters alike). The ranking is a plain
form — a number beside each candidate — so it works with a keyboard, a mouse or a thumb on
a phone. With JavaScript the page seals the paper in the browser (`static/groundswell/
seal.js`) and sends only the sealed paper; without it, the form posts the ranking and the
server seals it on receipt. The code itself is kept nowhere: the session holds the
elector's id and the code's keyed hash, so a reissued code ends the old session too.
"""

from __future__ import annotations

import base64
import binascii
import json

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from groundswell.ballots import selectors, services
from groundswell.ballots.models import Ballot, Elector, TenderedPaper
from groundswell.core.ballotbox import sealing


def _elector(request):
    state = request.session.get("vote")
    if not state:
        return None, None
    elector = (
        Elector.objects.select_related("ballot")
        .filter(pk=state.get("elector"), code_hash=state.get("h"))
        .first()
    )
    return elector, state


@sensitive_post_parameters("code")
def vote_start(request):
    error = ""
    code = request.POST.get("code") or request.GET.get("code", "")
    if request.method == "POST":
        elector = services.elector_for_code(code)
        if elector is None:
            error = "That voting code is not valid. Check it against your email or letter."
        elif selectors.has_voted(elector):
            error = "This voting code has already been used. Each elector votes once."
        elif not elector.ballot.is_accepting_votes():
            ballot = elector.ballot
            if ballot.status == Ballot.Status.OPEN and timezone.now() < ballot.opens_at:
                error = f"Voting opens on {timezone.localtime(ballot.opens_at):%d %B %Y at %H:%M}."
            else:
                error = "This ballot is closed."
        else:
            request.session["vote"] = {"elector": elector.pk, "h": elector.code_hash}
            return redirect("vote:ballot")
    return render(
        request, "ballots/vote_start.html", {"code": code, "error": error}, status=400 if error else 200
    )


def _parse_ranking(request, ballot: Ballot, count: int) -> tuple[list[int], dict[int, int], str]:
    """The ranking from the form, the marks as given (to show again), and any problem."""
    if ballot.method == Ballot.Method.FPTP:
        choice = request.POST.get("choice", "")
        if not choice.isdigit() or not 0 <= int(choice) < count:
            return [], {}, "Choose one candidate."
        return [int(choice)], {int(choice): 1}, ""
    marks: dict[int, int] = {}
    for position in range(count):
        value = request.POST.get(f"rank_{position}", "")
        if value:
            marks[position] = int(value) if value.isdigit() and len(value) < 4 else 0
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


@sensitive_post_parameters("ranking", *[f"rank_{i}" for i in range(200)], "choice")
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
                        "tendered": elector.must_tender,
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
            "public_key_hex": bytes(ballot.public_key or b"").hex(),
            "info": sealing.info_for(ballot.pk).decode(),
            "candidate_names_json": json.dumps([c.name for c in candidates]),
            "tendered": elector.must_tender,
        },
        status=400 if error else 200,
    )


@require_POST
@sensitive_post_parameters("ranking", "sealed")
def vote_cast(request):
    """Casts, then shows the receipt in this response: the tracker is stored nowhere but
    with the sealed paper itself, not in the session, not in a URL.

    `sealed` is the paper as the browser sealed it; `tracker` is what the page showed the
    voter, and must be the SHA-256 of what arrived. `ranking` (no JavaScript) is sealed here
    at once and never kept."""
    elector, _state = _elector(request)
    if elector is None:
        return redirect("vote:start")
    sealed_text = request.POST.get("sealed", "")
    ranking: list[int] = []
    sealed = None
    if sealed_text:
        try:
            sealed = base64.b64decode(sealed_text, validate=True)
        except (binascii.Error, ValueError):
            sealed = b""
        shown = request.POST.get("tracker", "").strip().lower()
        if not sealed or (shown and shown != sealing.tracker(sealed)):
            return render(
                request,
                "ballots/vote_start.html",
                {"code": "", "error": "The sealed paper arrived damaged: nothing was cast. Vote again."},
                status=400,
            )
    else:
        ranking = _ranking_from_hidden(request.POST.get("ranking", ""), elector.ballot.candidates.count())
        if not ranking:
            return redirect("vote:ballot")
    request.session.pop("vote", None)
    try:
        # `tendered`: the page told the voter their paper would be tendered (set aside); an
        # exclusion that came in while they were voting is refused, not silently applied
        cast = services.ballot_cast(
            elector=elector,
            ranking=ranking or None,
            sealed=sealed,
            tendered=request.POST.get("tendered") == "1",
        )
    except services.BallotError as exc:
        return render(request, "ballots/vote_start.html", {"code": "", "error": str(exc)}, status=exc.status)
    return render(
        request,
        "ballots/vote_receipt.html",
        {
            "receipt": {
                "tracker": cast.tracker,
                "ballot_id": elector.ballot_id,
                "title": elector.ballot.title,
                "tendered": isinstance(cast, TenderedPaper),
            },
        },
    )
