"""Pages for returning officers (run a ballot) and for everyone (published results)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from groundswell.accounts.models import Role
from groundswell.accounts.permissions import role_required
from groundswell.accounts.services import audit_record
from groundswell.ballots import selectors, services
from groundswell.ballots.forms import BallotForm
from groundswell.ballots.models import Ballot
from groundswell.core.formats.spreadsheet import SafeWriter
from groundswell.web.charts import bar_chart

RUNNERS = (Role.RETURNING_OFFICER, Role.NATIONAL_ADMIN)


@role_required(*RUNNERS)
def ballot_list(request):
    return render(request, "ballots/ballot_list.html", {"ballots": selectors.ballots_for(request.user)})


@role_required(*RUNNERS)
def ballot_new(request):
    form = BallotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ballot = services.ballot_create(
                actor=request.user,
                title=d["title"],
                description=d["description"],
                method=d["method"],
                seats=d["seats"],
                candidates=d["candidate_list"],
                eligible_categories=d["eligible_categories"],
                freeze_date=d["freeze_date"],
                min_membership_days=d["min_membership_days"],
                opens_at=d["opens_at"],
                closes_at=d["closes_at"],
            )
        except services.BallotError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Ballot created as a draft. Open it when you are ready.")
            return redirect("ballots:detail", ballot_id=ballot.pk)
    return render(request, "ballots/ballot_new.html", {"form": form})


@role_required(*RUNNERS)
def ballot_detail(request, ballot_id: int):
    ballot = get_object_or_404(selectors.ballots_for(request.user), pk=ballot_id)
    context = {
        "ballot": ballot,
        "candidates": ballot.candidates.all(),
        "turnout": selectors.ballot_turnout(ballot),
        "postal": selectors.postal_electors(ballot).count() if ballot.electorate_size else 0,
    }
    template = (
        "ballots/_ballot_status.html" if request.headers.get("HX-Request") else "ballots/ballot_detail.html"
    )
    return render(request, template, context)


def _action(request, ballot_id: int, do, done: str):
    ballot = get_object_or_404(selectors.ballots_for(request.user), pk=ballot_id)
    try:
        do(ballot=ballot, actor=request.user)
    except services.BallotError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("ballots:detail", ballot_id=ballot.pk)


@require_POST
@role_required(*RUNNERS)
def ballot_open(request, ballot_id: int):
    return _action(
        request,
        ballot_id,
        services.ballot_open_start,
        "Opening: the electorate is being frozen and credentials sent.",
    )


@require_POST
@role_required(*RUNNERS)
def ballot_close(request, ballot_id: int):
    return _action(request, ballot_id, services.ballot_close, "Closed. The count is running.")


@require_POST
@role_required(*RUNNERS)
def ballot_publish(request, ballot_id: int):
    return _action(
        request, ballot_id, services.ballot_publish, "Published: the result and the ballots are public."
    )


@role_required(*RUNNERS)
def postal_credentials(request, ballot_id: int):
    """Credentials for electors without email, to print and post. An audited export."""
    ballot = get_object_or_404(selectors.ballots_for(request.user), pk=ballot_id)
    electors = selectors.postal_electors(ballot)
    out = io.StringIO()
    w = SafeWriter(out)
    w.writerow(["first_name", "last_name", "postcode", "category", "voting_code", "vote_at"])
    for e in electors.iterator(chunk_size=5000):
        w.writerow(
            [
                e.person.first_name,
                e.person.last_name,
                e.person.postcode,
                e.category,
                services.format_credential(e.credential),
                f"{request.build_absolute_uri('/vote/')}",
            ]
        )
    audit_record(
        actor=request.user,
        action="ballot.postal_credentials",
        target=f"ballot:{ballot.pk}",
        rows=electors.count(),
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="postal-credentials-{ballot.pk}.csv"'
    return response


# -- public ---------------------------------------------------------------------------------


def results_list(request):
    return render(request, "ballots/results_list.html", {"ballots": selectors.published_ballots()})


def _visible_result(request, ballot_id: int) -> Ballot:
    ballot = get_object_or_404(Ballot, pk=ballot_id)
    if ballot.status == Ballot.Status.PUBLISHED:
        return ballot
    if ballot.status == Ballot.Status.COUNTED and selectors.can_run_ballots(request.user):
        return ballot  # the returning officer checks the result before publishing it
    raise Http404("No published result.")


def ballot_results(request, ballot_id: int):
    ballot = _visible_result(request, ballot_id)
    result = ballot.result or {}
    candidates = result.get("candidates", [])
    first = result.get("rounds", [{}])[0].get("tallies", {}) if result.get("rounds") else {}
    charts = [
        bar_chart(
            [(c, first.get(c, 0)) for c in candidates], title="First preferences, all electors", width=460
        )
    ]
    by_category = result.get("by_category") or {}
    for category, counts in by_category.items():
        charts.append(
            bar_chart(
                [(c, counts.get(c, 0)) for c in candidates],
                title=f"First preferences: {category.replace('_', ' ')}s",
            )
        )
    category_rows = [
        (
            c,
            [by_category[cat].get(c, 0) for cat in by_category],
            sum(by_category[cat].get(c, 0) for cat in by_category),
        )
        for c in candidates
    ]
    rounds = result.get("rounds", [])
    round_rows = [(c, [r["tallies"].get(c) for r in rounds]) for c in candidates]
    files = list(ballot.files.order_by("name").only("name", "sha256", "size", "description"))
    names_arg = ",".join(candidates)
    return render(
        request,
        "ballots/results.html",
        {
            "ballot": ballot,
            "result": result,
            "charts": charts,
            "categories": list(by_category),
            "category_rows": category_rows,
            "rounds": rounds,
            "round_rows": round_rows,
            "turnout": selectors.ballot_turnout(ballot),
            "files": files,
            "candidates_arg": names_arg,
        },
    )


def published_file(request, ballot_id: int, name: str):
    ballot = get_object_or_404(Ballot, pk=ballot_id, status=Ballot.Status.PUBLISHED)
    f = selectors.published_file(ballot, name)
    if f is None:
        raise Http404("No such file.")
    response = HttpResponse(bytes(f.content), content_type=f.content_type)
    response["Content-Disposition"] = f'attachment; filename="{ballot.pk}-{f.name}"'
    response["X-Content-SHA256"] = f.sha256
    return response


def tracker_check(request, ballot_id: int):
    ballot = get_object_or_404(Ballot, pk=ballot_id, status=Ballot.Status.PUBLISHED)
    tracker = request.GET.get("tracker", "").strip().lower()
    found = selectors.tracker_published(ballot, tracker) if tracker else None
    return render(request, "ballots/tracker.html", {"ballot": ballot, "tracker": tracker, "found": found})
