"""Pages for returning officers (run a ballot), trustees (take a share, count) and everyone
(published results, the board, checking a tracker or an audited paper)."""

from __future__ import annotations

import base64
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import http_date
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from groundswell.accounts.models import Role
from groundswell.accounts.permissions import role_required
from groundswell.ballots import selectors, services
from groundswell.ballots.forms import BallotForm
from groundswell.ballots.models import Ballot
from groundswell.core.ballotbox import sealing
from groundswell.core.formats.spreadsheet import SafeWriter
from groundswell.web.charts import bar_chart

RUNNERS = (Role.RETURNING_OFFICER, Role.NATIONAL_ADMIN)


@role_required(*RUNNERS)
def ballot_list(request):
    return render(request, "ballots/ballot_list.html", {"ballots": selectors.ballots_for(request.user)})


@role_required(*RUNNERS)
def ballot_new(request):
    form = BallotForm(request.POST or None, initial={"trustees": request.user.email})
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
                trustees=d["trustee_list"],
                threshold=d["threshold"],
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
        "postal": selectors.postal_electors(ballot).filter(code_issued_on__isnull=True).count()
        if ballot.status == Ballot.Status.OPEN
        else 0,
        "trustees": selectors.trustees(ballot),
    }
    template = (
        "ballots/_ballot_status.html" if request.headers.get("HX-Request") else "ballots/ballot_detail.html"
    )
    return render(request, template, context)


def _action(request, ballot_id: int, do, done: str, **kwargs):
    ballot = get_object_or_404(selectors.ballots_for(request.user), pk=ballot_id)
    try:
        do(ballot=ballot, actor=request.user, **kwargs)
    except services.ConfirmationNeeded as exc:
        return render(
            request,
            "ballots/confirm.html",
            {"ballot": ballot, "message": str(exc), "c": exc.consequences, "action": request.path},
        )
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
        "Opening: the key is made and split among the trustees, the electorate frozen and codes sent.",
    )


@require_POST
@role_required(*RUNNERS)
def ballot_close(request, ballot_id: int):
    return _action(
        request,
        ballot_id,
        services.ballot_close,
        "Closed. The sealed box waits for the trustees to count.",
        confirm=request.POST.get("confirm") == "yes",
    )


@require_POST
@role_required(*RUNNERS)
def ballot_publish(request, ballot_id: int):
    return _action(
        request,
        ballot_id,
        services.ballot_publish_start,
        "Publishing: the board and the papers are being written; the result is public when they are.",
        confirm=request.POST.get("confirm") == "yes",
    )


@require_POST
@role_required(*RUNNERS)
def postal_credentials(request, ballot_id: int):
    """Codes for electors without email, to print and post: made now, in this file only
    (the database keeps their hashes). An audited export."""
    ballot = get_object_or_404(selectors.ballots_for(request.user), pk=ballot_id)
    try:
        pairs = services.postal_codes_issue(ballot=ballot, actor=request.user)
    except services.BallotError as exc:
        messages.error(request, str(exc))
        return redirect("ballots:detail", ballot_id=ballot.pk)
    out = io.StringIO()
    w = SafeWriter(out)
    w.writerow(["first_name", "last_name", "postcode", "category", "voting_code", "vote_at"])
    for e, code in pairs:
        w.writerow(
            [
                e.person.first_name,
                e.person.last_name,
                e.person.postcode,
                e.category,
                services.format_credential(code),
                f"{request.build_absolute_uri('/vote/')}",
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="postal-codes-{ballot.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@role_required(*RUNNERS)
def code_reissue(request, ballot_id: int):
    """A new code for an elector who lost theirs (audited): emailed, or shown once to print."""
    ballot = get_object_or_404(selectors.ballots_for(request.user), pk=ballot_id)
    try:
        elector, code = services.code_reissue_and_send(
            ballot=ballot, who=request.POST.get("who", ""), actor=request.user
        )
    except services.BallotError as exc:
        messages.error(request, str(exc))
        return redirect("ballots:detail", ballot_id=ballot.pk)
    if code is None:
        messages.success(request, "A new code was emailed; the old one no longer works.")
        return redirect("ballots:detail", ballot_id=ballot.pk)
    response = render(
        request,
        "ballots/reissued.html",
        {"ballot": ballot, "elector": elector, "code": services.format_credential(code)},
    )
    response["Cache-Control"] = "no-store"
    return response


# -- trustees -------------------------------------------------------------------------------


@login_required
def trustee_home(request):
    """The ballots this person holds a share of: take the share, and count when closed."""
    ballots = list(selectors.trustee_ballots(request.user).order_by("-opens_at"))
    if not ballots:
        raise Http404("You hold no share of any ballot.")
    return render(request, "ballots/trustee_home.html", {"ballots": ballots})


@sensitive_post_parameters("password")
@login_required
def trustee_share(request, ballot_id: int):
    """A trustee's own share: shown and downloadable once, then erased from the server."""
    ballot = get_object_or_404(selectors.trustee_ballots(request.user), pk=ballot_id)
    share = None
    if request.method == "POST":
        try:
            share = services.share_download(
                ballot=ballot, user=request.user, password=request.POST.get("password", "")
            )
        except services.BallotError as exc:
            messages.error(request, str(exc))
    trustee = next(t for t in selectors.trustees(ballot) if t.user_id == request.user.pk)
    response = render(
        request,
        "ballots/trustee_share.html",
        {
            "ballot": ballot,
            "trustee": trustee,
            "share": share,
            "share_json": json.dumps(share, indent=2) if share else "",
            "words": share["share"].split() if share else [],
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters()
@login_required
def ballot_count(request, ballot_id: int):
    """The count: k trustees give their shares (typed, or their share files)."""
    ballot = get_object_or_404(Ballot, pk=ballot_id)
    if not (
        selectors.can_run_ballots(request.user)
        or selectors.trustee_ballots(request.user).filter(pk=ballot.pk).exists()
    ):
        raise Http404("No such ballot.")
    trustees = selectors.trustees(ballot)
    error = ""
    if request.method == "POST":
        given = [request.POST.get(f"share_{t.index}", "") for t in trustees]
        for upload in request.FILES.getlist("share_files"):
            given.append(_share_from_file(upload.read()))
        try:
            services.ballot_count_start(
                ballot=ballot, shares_given=[g for g in given if g.strip()], actor=request.user
            )
        except services.BallotError as exc:
            error = str(exc)
        else:
            messages.success(request, "The shares open this ballot's box: it is being counted now.")
            if selectors.can_run_ballots(request.user):
                return redirect("ballots:detail", ballot_id=ballot.pk)
            return redirect("ballots:count", ballot_id=ballot.pk)
    return render(
        request,
        "ballots/count.html",
        {"ballot": ballot, "trustees": trustees, "error": error},
        status=422 if error else 200,
    )


def _share_from_file(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    try:
        return str(json.loads(text).get("share", ""))
    except (ValueError, AttributeError):
        return text


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
    extra = next((f for f in files if f.name == "exclusions.json"), None)  # published by vetting
    exclusions = json.loads(extra.content) if extra is not None else None
    exclusion_rows = [
        ((exclusions or {}).get("reasons", {}).get(code, code), n)
        for code, n in (exclusions or {}).get("in_force_by_reason", {}).items()
    ]
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
            "exclusions": exclusions,
            "exclusion_rows": exclusion_rows,
        },
    )


def published_file(request, ballot_id: int, name: str):
    """A published file, streamed from its chunks (memory flat whatever its size), with an
    ETag (its SHA-256), Last-Modified, conditional requests and byte ranges, so a scrutineer
    on a poor line can resume a download of the board."""
    ballot = get_object_or_404(Ballot, pk=ballot_id, status=Ballot.Status.PUBLISHED)
    f = selectors.published_file(ballot, name)
    if f is None:
        raise Http404("No such file.")
    etag = f'"{f.sha256}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    start, end, status = 0, f.size - 1, 200
    wanted = request.headers.get("Range", "")
    if wanted.startswith("bytes=") and "," not in wanted and f.size:
        first, _, last = wanted[6:].partition("-")
        try:
            if first:
                start, end = int(first), min(int(last) if last else f.size - 1, f.size - 1)
            else:
                start, end = max(f.size - int(last), 0), f.size - 1
        except ValueError:
            start, end = 0, f.size - 1
        else:
            if start > end or start >= f.size:
                response = HttpResponse(status=416)
                response["Content-Range"] = f"bytes */{f.size}"
                return response
            status = 206
    response = StreamingHttpResponse(
        selectors.published_file_stream(f, start, end + 1), content_type=f.content_type, status=status
    )
    response["Content-Length"] = str(end - start + 1 if f.size else 0)
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{f.size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(ballot.published_at.timestamp())
    response["Content-Disposition"] = f'attachment; filename="{ballot.pk}-{f.name}"'
    response["X-Content-SHA256"] = f.sha256
    return response


def tracker_check(request, ballot_id: int):
    """Is my sealed paper in the box? From the moment it is cast, and on the published board."""
    ballot = get_object_or_404(
        Ballot,
        pk=ballot_id,
        status__in=[Ballot.Status.OPEN, Ballot.Status.CLOSED, Ballot.Status.COUNTED, Ballot.Status.PUBLISHED],
    )
    tracker = request.GET.get("tracker", "").strip().lower()[:64]
    found = selectors.tracker_published(ballot, tracker) if tracker else None
    tendered = services.tendered_state(tracker, ballot) if tracker and not found else None
    return render(
        request,
        "ballots/tracker.html",
        {"ballot": ballot, "tracker": tracker, "found": found, "tendered": tendered},
    )


def audit_check(request, ballot_id: int):
    """Checks an audited (never cast) paper against this ballot's own key and candidates:
    does it seal exactly the ranking it claims? The same check as `groundswell verify
    audited-paper.json --candidates ... --key-fingerprint ...`, for voters without a shell."""
    ballot = get_object_or_404(Ballot.objects.exclude(public_key=None), pk=ballot_id)
    names = list(ballot.candidates.order_by("position").values_list("name", flat=True))
    verdict = None
    text = request.POST.get("paper", "")[:20_000] if request.method == "POST" else ""
    if text:
        try:
            paper = json.loads(text)
            if list(paper["candidates"]) != names:
                raise ValueError("the paper lists other candidates than this ballot's")
            verdict = sealing.verify_audit(
                public_bytes=bytes(ballot.public_key),
                info=sealing.info_for(ballot.pk),
                n_candidates=len(names),
                ranking=[int(x) for x in paper["ranking"]],
                ikm=bytes.fromhex(paper["ephemeral_ikm"]),
                sealed=base64.b64decode(paper["sealed"]),
            )
        except (ValueError, KeyError, TypeError, RecursionError) as e:
            reason = (
                str(e)
                if "candidates" in str(e)
                else "that is not an audited paper from this ballot's voting page"
            )
            verdict = sealing.AuditResult(False, (), "", reason)
    choices = [names[i] for i in verdict.ranking if 0 <= i < len(names)] if verdict else []
    return render(
        request,
        "ballots/audit_check.html",
        {"ballot": ballot, "verdict": verdict, "choices": choices, "paper": text},
        status=200 if verdict is None or verdict.ok else 422,
    )
