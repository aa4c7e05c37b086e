"""Phone bank pages: organisers build lists and watch progress; callers join by code or
link and work one household at a time (preview dialling by a tel: link)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from groundswell.accounts.permissions import role_required
from groundswell.accounts.policies import Refused
from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
from groundswell.ballots.models import Ballot
from groundswell.core.reach.recall import Outcome
from groundswell.groundgame.models import Contact
from groundswell.members.models import Branch
from groundswell.reach import policies, referrals, relational, selectors, services
from groundswell.reach.models import Friend, PhoneBank, PhoneConsent, TpsNumber
from groundswell.web.charts import bar_chart
from groundswell.web.feedback import refused

MANAGERS = ("national_admin", "branch_organiser")
MEMBER_RESULTS = [
    ("will_volunteer", "Will volunteer"),
    ("will_vote", "Will vote"),
    ("already_voted", "Says they have already voted"),
    ("not_interested", "Not interested"),
]
OUTCOMES = [
    (Outcome.ANSWERED, "Answered"),
    (Outcome.NO_ANSWER, "No answer"),
    (Outcome.BUSY, "Busy"),
    (Outcome.VOICEMAIL, "Voicemail"),
    (Outcome.CALL_BACK, "Call back"),
    (Outcome.WRONG_NUMBER, "Wrong number"),
    (Outcome.DO_NOT_CALL, "Do not call"),
]
QUICK_OUTCOMES = {Outcome.NO_ANSWER, Outcome.BUSY, Outcome.VOICEMAIL, Outcome.WRONG_NUMBER}
ANSWERED_OUTCOMES = {Outcome.ANSWERED, Outcome.CALL_BACK}


def _int(value, default: int) -> int:
    return int(value) if str(value).isdigit() else default


@role_required(*MANAGERS)
def bank_list(request):
    admin = is_national_admin(request.user)
    scope = None if admin else organised_branch_ids(request.user)
    branches = (
        Branch.objects.order_by("name") if admin else Branch.objects.filter(pk__in=scope).order_by("name")
    )
    if request.method == "POST":
        branch = Branch.objects.filter(pk=_int(request.POST.get("branch"), 0)).first()
        try:
            if branch is None:
                raise Refused("reach.branch", "choose a branch", status=422)
            bank = services.phone_bank_create(
                user=request.user,
                branch=branch,
                name=request.POST.get("name", ""),
                busy_delay_minutes=_int(request.POST.get("busy_delay_minutes"), 15),
                no_answer_delay_hours=_int(request.POST.get("no_answer_delay_hours"), 4),
                segment=request.POST.get("segment") or PhoneBank.Segment.ELECTORS,
                ballot=Ballot.objects.filter(pk=_int(request.POST.get("ballot"), 0)).first(),
            )
        except Refused as e:
            refused(request, e)
        else:
            return redirect("reach:bank", bank_id=bank.pk)
    return render(
        request,
        "reach/list.html",
        {
            "banks": selectors.banks_for(request.user, branch_ids=scope),
            "branches": branches,
            "segments": PhoneBank.Segment.choices,
            "ballots": selectors.open_ballots_for(scope),
        },
    )


RESULT_LABELS = dict(MEMBER_RESULTS)
OUTCOME_LABELS = {o.value: label for o, label in OUTCOMES}


@role_required(*MANAGERS)
def bank_detail(request, bank_id: int):
    """The live dashboard: calls, people reached, results by code, callers active (the
    partial polls itself every 5 s with htmx; charts are server-side SVG)."""
    bank = get_object_or_404(PhoneBank.objects.select_related("branch", "ballot"), pk=bank_id)
    policies.may_see_bank(request.user, bank)
    progress = selectors.bank_progress(bank)
    context = {
        "bank": bank,
        "progress": progress,
        "link": request.build_absolute_uri(f"/call/{bank.code}/"),
        "turnout": selectors.ballot_turnout_count(bank, request.user),
        "codes_chart": bar_chart(
            sorted(progress["codes"].items(), key=lambda kv: -kv[1]),
            title="People reached, by code",
            width=460,
        )
        if progress["codes"]
        else "",
        "results_chart": bar_chart(
            [
                (RESULT_LABELS.get(k, k), v)
                for k, v in sorted(progress["results"].items(), key=lambda kv: -kv[1])
            ],
            title="Members' answers",
            width=460,
        )
        if progress["results"]
        else "",
        "outcomes_chart": bar_chart(
            [
                (OUTCOME_LABELS.get(k, k), v)
                for k, v in sorted(progress["outcomes"].items(), key=lambda kv: -kv[1])
            ],
            title="Calls by outcome",
            width=460,
        )
        if progress["outcomes"]
        else "",
    }
    template = "reach/_dashboard.html" if request.headers.get("HX-Request") else "reach/detail.html"
    return render(request, template, context)


@login_required
def join(request):
    if request.method == "POST":
        try:
            bank = services.phone_bank_join(user=request.user, code=request.POST.get("code", ""))
        except Refused as e:
            refused(request, e)
        else:
            return redirect("reach:call", code=bank.code)
    return render(request, "reach/join.html")


def _bank_by_code(code: str) -> PhoneBank:
    bank = PhoneBank.objects.filter(code=code.lower()).first()
    if bank is None:
        raise Http404("no phone bank has that code")
    return bank


def _call_context(request, bank: PhoneBank, kept=None) -> dict:
    """The caller's page; `kept` is the caller's input when a wrap-up was refused or needs
    confirming, so nothing they typed is lost."""
    joined = selectors.has_joined(bank, request.user)
    target = selectors.held_by(bank, request.user, timezone.now()) if joined else None
    history = []
    if target is not None and target.person_id:
        history = selectors.member_call_history(target.person_id)
    elif target is not None:
        history = selectors.contact_history(target.elector_id)
    return {
        "bank": bank,
        "joined": joined,
        "target": target,
        "history": history,
        "quick_outcomes": [(o, label) for o, label in OUTCOMES if o in QUICK_OUTCOMES],
        "answered_outcomes": [(o, label) for o, label in OUTCOMES if o in ANSWERED_OUTCOMES],
        "codes": services.SURVEY_CODES,
        "parties": Contact.PARTIES,
        "member_results": MEMBER_RESULTS,
        "kept": kept or {},
    }


@login_required
def call_page(request, code: str):
    bank = _bank_by_code(code)
    return render(request, "reach/call.html", _call_context(request, bank))


@login_required
@require_POST
def call_join(request, code: str):
    bank = _bank_by_code(code)
    services.phone_bank_join(user=request.user, code=bank.code)
    return redirect("reach:call", code=bank.code)


@login_required
@require_POST
def call_next(request, code: str):
    bank = _bank_by_code(code)
    try:
        target = services.call_next(bank=bank, user=request.user)
    except Refused as e:
        if e.status == 404:
            raise
        refused(request, e)
    else:
        if target is None:
            messages.info(request, "Nobody is due a call now. Try again in a few minutes.")
    return redirect("reach:call", code=bank.code)


@login_required
@require_POST
def call_wrap(request, code: str, target_id: int):
    bank = _bank_by_code(code)
    post = request.POST
    outcome = post.get("outcome", "")
    if outcome == Outcome.DO_NOT_CALL and not post.get("confirm_do_not_call"):
        # only the person can take it back (on /me/calls/): ask before a slip of the thumb
        context = _call_context(request, bank, kept=post) | {"confirm_do_not_call": True}
        return render(request, "reach/call.html", context, status=409)
    call_back_at = None
    if post.get("call_back_at"):
        try:
            call_back_at = timezone.make_aware(datetime.fromisoformat(post["call_back_at"]))
        except ValueError:
            call_back_at = None
    survey = {
        k: post.get(k, "") for k in ("code", "previous_vote", "likelihood", "issues", "notes", "result")
    } | {k: post.get(k) == "on" for k in ("pledged", "postal_vote", "lift")}
    try:
        services.call_wrap_up(
            bank=bank,
            user=request.user,
            target_id=target_id,
            outcome=outcome,
            survey=survey,
            call_back_at=call_back_at,
        )
    except Refused as e:
        if e.status == 404:
            raise
        refused(request, e)
        # show the form again with everything the caller entered (not a redirect that drops it)
        return render(request, "reach/call.html", _call_context(request, bank, kept=post), status=e.status)
    messages.success(request, f"Saved: {OUTCOME_LABELS.get(outcome, outcome)}. The number is hidden now.")
    return redirect("reach:call", code=bank.code)


@login_required
def friends(request):
    """A volunteer's own list of people they know (nobody else's, whoever asks)."""
    if request.method == "POST":
        try:
            relational.friend_add(
                user=request.user,
                nickname=request.POST.get("nickname", ""),
                how_known=request.POST.get("how_known", ""),
            )
        except Refused as e:
            refused(request, e)
        return redirect("reach:friends")
    rows = [(f, relational.share_links(f)) for f in relational.friends_of(request.user)]
    return render(
        request,
        "reach/friends.html",
        {
            "rows": rows,
            "outcomes": Friend.Outcome.choices,
            "asks": Friend.Ask.choices,
            "shareable": relational.SHAREABLE,
        },
    )


@login_required
@require_POST
def friend_update(request, friend_id: int):
    try:
        if request.POST.get("remove"):
            friend = get_object_or_404(Friend, pk=friend_id, owner=request.user)
            if not request.POST.get("confirm"):  # deleting is for good: ask first
                return render(request, "reach/friend_remove.html", {"friend": friend})
            relational.friend_remove(user=request.user, friend_id=friend_id)
            messages.success(request, f"Removed {friend.nickname} from your list.")
        elif request.POST.get("unmatch"):
            relational.friend_unmatch(user=request.user, friend_id=friend_id)
        elif not request.POST.get("outcome"):  # the ask alone, before any answer
            relational.friend_ask(user=request.user, friend_id=friend_id, ask=request.POST.get("ask", ""))
            messages.success(request, "Saved what you asked.")
        else:
            relational.friend_record(
                user=request.user,
                friend_id=friend_id,
                outcome=request.POST.get("outcome", ""),
                ask=request.POST.get("ask"),
            )
    except Refused as e:
        if e.status == 404:
            raise
        refused(request, e)
    return redirect("reach:friends")


@login_required
@require_POST
def friend_match(request, friend_id: int):
    """Find (by the name and postcode the volunteer types) then confirm a match to the register."""
    try:
        if request.POST.get("confirm"):
            relational.friend_match_confirm(
                user=request.user, friend_id=friend_id, token=request.POST["confirm"]
            )
            messages.success(request, "Matched. Their result counts for the party only if you share it.")
            return redirect("reach:friends")
        found = relational.friend_match_find(
            user=request.user,
            friend_id=friend_id,
            first_name=request.POST.get("first_name", ""),
            last_name=request.POST.get("last_name", ""),
            postcode=request.POST.get("postcode", ""),
        )
    except Refused as e:
        if e.status == 404:
            raise
        refused(request, e)
        return redirect("reach:friends")
    friend = Friend.objects.get(pk=friend_id, owner=request.user)
    return render(request, "reach/friend_match.html", {"friend": friend, "found": found})


@login_required
@require_POST
def friend_share(request, friend_id: int):
    try:
        relational.friend_share(user=request.user, friend_id=friend_id)
    except Refused as e:
        if e.status == 404:
            raise
        refused(request, e)
    else:
        messages.success(request, "Shared with the party (without your name).")
    return redirect("reach:friends")


@role_required(*MANAGERS)
def friend_totals(request):
    return render(request, "reach/friend_totals.html", {"totals": relational.friend_totals(request.user)})


@login_required
def my_calls(request):
    """A person's own say over phone calls: ask not to be called, or take that back (only
    they can: an organiser or admin cannot reverse someone's objection)."""
    own = services.own_number(request.user)
    if request.method == "POST" and own:
        if request.POST.get("action") == "reverse":
            try:
                services.do_not_call_reverse(user=request.user, number=own)
            except Refused as e:
                refused(request, e)
            else:
                messages.success(request, "Done: the party may call you again.")
        else:
            services.do_not_call_record(number=own, by=request.user)
            messages.success(request, "Done: nobody will call you from a phone bank.")
        return redirect("reach:my_calls")
    blocked = bool(own) and selectors.on_do_not_call(own)
    return render(request, "reach/my_calls.html", {"own": own, "blocked": blocked})


# -- referral links ---------------------------------------------------------------------------


def _join_url() -> str | None:
    """Where a referred visitor signs up: the supporter window open now (its page records
    the referral), else a join page if one is installed."""
    from groundswell.lifecycle.selectors import windows_open

    window = windows_open().order_by("closes_at").first()
    if window is not None:
        return reverse("lifecycle_public:signup", kwargs={"slug": window.slug})
    for name in ("lifecycle:join", "members:join", "join"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _upcoming(user, branch_id=None):
    from groundswell.events.selectors import visible_events

    qs = visible_events(user).filter(starts_at__gte=timezone.now(), cancelled_at__isnull=True)
    if branch_id is not None:
        qs = qs.filter(Q(branch_id=branch_id) | Q(branch__isnull=True))
    return qs.order_by("starts_at")


def _public_upcoming():
    """Events a stranger following a link can open: public, approved, not cancelled. A link
    to anything else (a members' event, a proposal awaiting approval) would be a 404."""
    from groundswell.events.models import Event

    return _upcoming(AnonymousUser()).filter(visibility=Event.Visibility.PUBLIC)


def referral_landing(request, token: str):
    """Where a member's link lands: the token is kept for the sign-up or reply that follows.
    An unknown token is a 404 and keeps nothing."""
    referrer = referrals.referrer_for(token)
    if referrer is None:
        raise Http404("no such link")
    referrals.remember(request, token)
    public = _public_upcoming()[:8]
    return render(request, "reach/referral_landing.html", {"events": public, "join_url": _join_url()})


def referral_event(request, token: str, event_id: int):
    if referrals.referrer_for(token) is None:
        raise Http404("no such link")
    referrals.remember(request, token)
    return redirect("events:detail", event_id=event_id)


@login_required
def my_referrals(request):
    person = getattr(request.user, "person", None)
    context: dict = {"link": None}
    if person is not None:
        token = referrals.link_token(person)
        context = {
            "link": request.build_absolute_uri(reverse("reach:referral", args=[token])),
            "counts": referrals.own_counts(person),
            "events": [
                (e, request.build_absolute_uri(reverse("reach:referral_event", args=[token, e.pk])))
                for e in _public_upcoming()[:8]
            ],
        }
    return render(request, "reach/my_referrals.html", context)


@role_required(*MANAGERS)
def referral_totals(request):
    return render(request, "reach/referral_totals.html", {"rows": referrals.totals(request.user)})


# -- PECR: the TPS list and consent -------------------------------------------------------------


@role_required(*MANAGERS)
def tps(request):
    """Import the TPS file (national admins: the policy refuses anyone else, 403)."""
    policies.may_import_tps(request.user)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise Refused("reach.tps_file", "choose the TPS file", status=422)
            try:
                lines = upload.read().decode("utf-8-sig").splitlines()
            except UnicodeDecodeError:
                raise Refused(
                    "reach.tps_file", f"{upload.name}: not a text file (UTF-8)", status=422
                ) from None
            n = services.tps_import(user=request.user, lines=lines, filename=upload.name)
        except Refused as e:
            refused(request, e)
        else:
            messages.success(request, f"{n:,} numbers imported from {upload.name}.")
        return redirect("reach:tps")
    return render(request, "reach/tps.html", {"count": TpsNumber.objects.count()})


@role_required(*MANAGERS)
def consent(request):
    if request.method == "POST":
        try:
            services.consent_record(
                user=request.user,
                number=request.POST.get("number", ""),
                evidence=request.POST.get("evidence", ""),
            )
        except Refused as e:
            refused(request, e)
        else:
            messages.success(request, "Consent recorded: this number may be called despite the TPS list.")
        return redirect("reach:consent")
    mine = PhoneConsent.objects.filter(recorded_by=request.user).order_by("-recorded_at")[:50]
    return render(request, "reach/consent.html", {"mine": mine, "admin": is_national_admin(request.user)})
