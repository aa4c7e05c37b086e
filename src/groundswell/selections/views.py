"""Selection pages: the timetable and confirmed shortlist for the branch's members (with the
applicant's own status and the apply form), and the panel's page. Refusals of 403/404 are
the page's answer (web.middleware.RefusalMiddleware); bad input comes back as a message."""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from groundswell.accounts.permissions import role_required
from groundswell.accounts.policies import NeedsConfirmation, Refused
from groundswell.selections import policies, selectors, services
from groundswell.selections.models import (
    Affiliate,
    Application,
    Nomination,
    Selection,
    TriggerBallot,
    TriggerSection,
)
from groundswell.web.feedback import refused


def _soft(request, error: Refused, back: str, pk: int):
    if error.status == 403 and error.code in (
        "selections.ineligible",
        "ballot.refused",
    ):  # e.g. not an elector
        refused(request, error)
        return redirect(back, pk)
    if error.status not in (400, 409, 422):
        raise error
    refused(request, error)
    return redirect(back, pk)


def _selection(request, selection_id: int) -> Selection:
    s = get_object_or_404(Selection.objects.select_related("branch"), pk=selection_id)
    policies.may_see(request.user, s)
    return s


@role_required()
def selection_detail(request, selection_id: int):
    s = _selection(request, selection_id)
    mine = selectors.my_application(request.user, s)
    vote = selectors.open_nomination_vote(s)
    counts = selectors.nomination_counts(s)
    shortlist = selectors.published_shortlist(s)
    for a in shortlist:
        a.nomination_count = counts.get(a.pk, 0)
    return render(
        request,
        "selections/detail.html",
        {
            "s": s,
            "stage": s.stage_on(selectors.today()),
            "shortlist": shortlist,
            "mine": mine,
            "my_nominations": selectors.nominations_of(mine),
            "genders": Application.Gender.choices,
            "unions": selectors.trade_unions(),
            "panel": policies.is_panel(request.user, s),
            "hustings": selectors.hustings(s),
            "vote": vote,
            "vote_state": selectors.vote_state(vote.ballot if vote else None, request.user),
            "vote_choices": list(vote.choices.items()) if vote else [],
            "winners": _published_winners(s),
        },
    )


def _published_winners(s: Selection) -> list[str]:
    """Who the members selected, once (and only once) the ballot's result is published."""
    ballot = s.ballot if s.ballot_id else None
    if ballot is None or ballot.status != "published" or not ballot.result:
        return []
    return [str(w) for w in ballot.result.get("winners") or []]


@require_POST
@role_required()
def selection_apply(request, selection_id: int):
    s = _selection(request, selection_id)
    try:
        services.application_submit(
            actor=request.user,
            selection=s,
            statement=request.POST.get("statement", ""),
            gender=request.POST.get("gender", ""),
            trade_union=request.POST.get("trade_union", ""),
        )
    except Refused as e:
        return _soft(request, e, "selections:detail", s.pk)
    return redirect("selections:detail", s.pk)


@role_required()
def selection_panel(request, selection_id: int):
    s = _selection(request, selection_id)
    apps = services.applications_for_panel(actor=request.user, selection=s)
    counts = selectors.nomination_counts(s)
    for a in apps:
        a.nomination_count = counts.get(a.pk, 0)
    return render(
        request,
        "selections/panel.html",
        {
            "s": s,
            "apps": apps,
            "balance": selectors.balance(s),
            "nominations": s.nominations.select_related(
                "branch", "affiliate__organisation", "application__person", "ballot"
            ),
            "affiliates": Affiliate.objects.select_related("organisation"),
            "running": [a for a in apps if a.status != Application.Status.NOT_SELECTED],
            "hustings": selectors.hustings(s),
        },
    )


@require_POST
@role_required()
def selection_decide(request, selection_id: int, application_id: int):
    s = _selection(request, selection_id)
    policies.may_decide(request.user, s)
    app = get_object_or_404(Application, pk=application_id, selection=s)
    try:
        services.decision_record(
            actor=request.user,
            application=app,
            stage=request.POST.get("stage", ""),
            include=request.POST.get("include") == "yes",
            reason=request.POST.get("reason", ""),
        )
    except Refused as e:
        return _soft(request, e, "selections:panel", s.pk)
    return redirect("selections:panel", s.pk)


@require_POST
@role_required()
def selection_confirm(request, selection_id: int):
    s = _selection(request, selection_id)
    try:
        services.shortlist_confirm(actor=request.user, selection=s)
    except Refused as e:
        return _soft(request, e, "selections:panel", s.pk)
    return redirect("selections:panel", s.pk)


@require_POST
@role_required()
def selection_ballot(request, selection_id: int):
    """One action: the OMOV ballot from the confirmed shortlist, on the published timetable
    (electorate frozen at the close of applications; voting 09:00 on the first ballot day to
    21:00 on the last, local time)."""
    from datetime import datetime, time

    from django.utils import timezone

    s = _selection(request, selection_id)
    tzinfo = timezone.get_current_timezone()
    try:
        services.selection_ballot_create(
            actor=request.user,
            selection=s,
            freeze_date=s.applications_close,
            opens_at=datetime.combine(s.ballot_opens, time(9), tzinfo),
            closes_at=datetime.combine(s.ballot_closes, time(21), tzinfo),
        )
    except Refused as e:
        return _soft(request, e, "selections:panel", s.pk)
    return redirect("selections:panel", s.pk)


@role_required()
def selection_list(request):
    return _list_page(request)


def _list_page(request, form=None, status: int = 200):
    """The list and the "open a selection" form; after a refusal the form comes back filled
    in with what was typed (an organiser should not retype eight fields for one bad date)."""
    from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
    from groundswell.members.models import Branch

    branches = (
        Branch.objects.all()
        if is_national_admin(request.user)
        else Branch.objects.filter(pk__in=organised_branch_ids(request.user))
    )
    return render(
        request,
        "selections/list.html",
        {
            "selections": selectors.visible_selections(request.user)[:200],
            "branches": branches.order_by("name")[:1000],
            "is_admin": is_national_admin(request.user),
            "form": form,
        },
        status=status,
    )


@require_POST
@role_required()
def selection_new(request):
    from datetime import date

    from groundswell.core.selections.timetable import STAGES, Timetable
    from groundswell.members.models import Branch

    policies.may_open_any(request.user)
    raw = request.POST.get("branch", "")
    branch = Branch.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    problems, days = [], {}
    if branch is None:
        problems.append("branch: choose one")
    for f in STAGES:
        try:
            days[f] = date.fromisoformat(request.POST.get(f, ""))
        except ValueError:
            problems.append(f"{f}: a date such as 2027-01-31")
    months = request.POST.get("min_months", "0") or "0"
    percent = request.POST.get("balance_percent", "50") or "50"
    if not (months.isdigit() and percent.isdigit()):
        problems.append("min_months and balance_percent: whole numbers")
    if problems:
        refused(request, Refused("selections.invalid", "; ".join(problems), status=422))
        return _list_page(request, form=request.POST, status=422)
    try:
        s = services.selection_create(
            actor=request.user,
            branch=branch,
            title=request.POST.get("title", ""),
            timetable=Timetable(**days),
            min_months=int(months),
            union_required=request.POST.get("union_required") == "on",
            balance_gender=request.POST.get("balance_gender", ""),
            balance_percent=int(percent),
        )
    except Refused as e:
        if e.status not in (400, 409, 422):
            raise
        refused(request, e)
        return _list_page(request, form=request.POST, status=e.status)
    return redirect("selections:detail", s.pk)


# ---- nominations, hustings


def _confirm(request, asked: NeedsConfirmation, action: str, back: str):
    """An irreversible step asked for without confirming: what it will do, and a button."""
    return render(
        request,
        "selections/confirm.html",
        {"message": asked.message, "c": asked.consequences, "action": action, "back": back},
        status=409,
    )


@require_POST
@role_required()
def nomination_vote_open(request, selection_id: int):
    s = _selection(request, selection_id)
    try:
        services.nomination_vote_open(actor=request.user, selection=s, days=_int(request.POST.get("days"), 7))
    except Refused as e:
        return _soft(request, e, "selections:panel", s.pk)
    return redirect("selections:panel", s.pk)


def _int(text, default: int) -> int:
    text = (text or "").strip()
    return int(text) if text.isdigit() else default


@require_POST
@role_required()
def nomination_vote_cast(request, selection_id: int, nomination_id: int):
    s = _selection(request, selection_id)
    n = get_object_or_404(Nomination, pk=nomination_id, selection=s)
    try:
        services.nomination_vote_cast(
            actor=request.user, nomination=n, application_id=_int(request.POST.get("choice"), 0)
        )
    except Refused as e:
        return _soft(request, e, "selections:detail", s.pk)
    from django.contrib import messages

    messages.success(request, "Your vote is cast and sealed.")
    return redirect("selections:detail", s.pk)


@require_POST
@role_required()
def nomination_vote_close(request, selection_id: int, nomination_id: int):
    from django.urls import reverse

    s = _selection(request, selection_id)
    n = get_object_or_404(Nomination, pk=nomination_id, selection=s)
    try:
        services.nomination_vote_close(
            actor=request.user, nomination=n, confirm=request.POST.get("confirm") == "yes"
        )
    except NeedsConfirmation as asked:
        return _confirm(request, asked, request.path, reverse("selections:panel", args=[s.pk]))
    except Refused as e:
        return _soft(request, e, "selections:panel", s.pk)
    return redirect("selections:panel", s.pk)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@require_POST
@role_required()
def nomination_record(request, selection_id: int):
    s = _selection(request, selection_id)
    policies.may_run_nominations(request.user, s)
    app = Application.objects.filter(pk=_int(request.POST.get("application"), 0), selection=s).first()
    affiliate = Affiliate.objects.filter(pk=_int(request.POST.get("affiliate"), 0)).first()
    if app is None or affiliate is None:
        refused(
            request,
            Refused("selections.invalid", "application and affiliate: choose one of each", status=422),
        )
        return redirect("selections:panel", s.pk)
    try:
        services.nomination_record(
            actor=request.user,
            selection=s,
            application=app,
            affiliate=affiliate,
            decided_by=request.POST.get("decided_by", ""),
            decided_on=_date(request.POST.get("decided_on", "")),
            minutes_ref=request.POST.get("minutes_ref", ""),
        )
    except Refused as e:
        return _soft(request, e, "selections:panel", s.pk)
    return redirect("selections:panel", s.pk)


def _when(day: str, clock: str) -> datetime | None:
    d = _date(day)
    try:
        hh, mm = (clock or "19:00").split(":")
        return datetime(d.year, d.month, d.day, int(hh), int(mm), tzinfo=timezone.get_current_timezone())
    except (AttributeError, ValueError):
        return None


@require_POST
@role_required()
def hustings_new(request, selection_id: int):
    from datetime import timedelta

    s = _selection(request, selection_id)
    policies.may_decide(request.user, s)
    start = _when(request.POST.get("day", ""), request.POST.get("time", ""))
    if start is None:
        refused(
            request,
            Refused(
                "selections.invalid",
                "day and time: a date such as 2027-01-31 and a time such as 19:00",
                status=422,
            ),
        )
        return redirect("selections:panel", s.pk)
    capacity = _int(request.POST.get("capacity"), 0) or None
    try:
        services.hustings_create(
            actor=request.user,
            selection=s,
            place=request.POST.get("place", ""),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=capacity,
        )
    except Refused as e:
        return _soft(request, e, "selections:panel", s.pk)
    return redirect("selections:panel", s.pk)


@role_required()
def affiliates(request):
    """National admins say which affiliates are trade unions and which socialist societies."""
    policies.may_configure_affiliates(request.user)
    if request.method == "POST":
        try:
            services.affiliate_set_kind(
                actor=request.user, name=request.POST.get("name", ""), kind=request.POST.get("kind", "")
            )
        except Refused as e:
            if e.status not in (400, 409, 422):
                raise
            refused(request, e)
        return redirect("selections:affiliates")
    from groundswell.members.models import Affiliate as Organisation

    return render(
        request,
        "selections/affiliates.html",
        {
            "known": Affiliate.objects.select_related("organisation"),
            "unknown": Organisation.objects.filter(selections_kind__isnull=True)[:500],
            "kinds": Affiliate.Kind.choices,
        },
    )


# ---- trigger ballots


def _trigger(request, trigger_id: int) -> TriggerBallot:
    t = get_object_or_404(TriggerBallot.objects.select_related("branch"), pk=trigger_id)
    policies.may_see_trigger(request.user, t)
    return t


def _thresholds(post) -> dict:
    return {
        k: post.get(f"threshold_{k}", "").strip()
        for k in services.TRIGGER_KINDS
        if post.get(f"threshold_{k}", "").strip()
    }


@role_required()
def trigger_list(request):
    from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
    from groundswell.members.models import Branch

    branches = (
        Branch.objects.all()
        if is_national_admin(request.user)
        else Branch.objects.filter(pk__in=organised_branch_ids(request.user))
    )
    if request.method == "POST":
        policies.may_open_any(request.user)
        branch = branches.filter(pk=_int(request.POST.get("branch"), 0)).first()
        if branch is None:
            refused(request, Refused("selections.invalid", "branch: choose one of yours", status=422))
            return redirect("selections:triggers")
        try:
            t = services.trigger_create(
                actor=request.user,
                branch=branch,
                title=request.POST.get("title", ""),
                representative=request.POST.get("representative", ""),
                thresholds=_thresholds(request.POST),
            )
        except Refused as e:
            if e.status not in (400, 409, 422):
                raise
            refused(request, e)
            return redirect("selections:triggers")
        return redirect("selections:trigger", t.pk)
    return render(
        request,
        "selections/triggers.html",
        {
            "triggers": selectors.visible_triggers(request.user)[:200],
            "branches": branches.order_by("name")[:1000],
        },
    )


@role_required()
def trigger_detail(request, trigger_id: int):
    t = _trigger(request, trigger_id)
    runs = policies.is_trigger_runner(request.user, t)
    preview = None
    if runs and t.published_at is None:
        try:
            preview = services.trigger_preview(t).report()
        except ValueError:
            preview = None
    ballot_section = t.sections.filter(ballot__isnull=False, counted=False).select_related("ballot").first()
    return render(
        request,
        "selections/trigger.html",
        {
            "t": t,
            "runs": runs,
            "sections": t.sections.all() if (runs or t.published_at) else [],
            "preview": preview,
            "affiliates": Affiliate.objects.select_related("organisation"),
            "ballot_section": ballot_section,
            "vote_state": selectors.vote_state(
                ballot_section.ballot if ballot_section else None, request.user
            ),
        },
    )


@require_POST
@role_required()
def trigger_section(request, trigger_id: int):
    t = _trigger(request, trigger_id)
    policies.may_run_triggers(request.user, t)
    affiliate = Affiliate.objects.filter(pk=_int(request.POST.get("affiliate"), 0)).first()
    raw = {f: (request.POST.get(f) or "").strip() for f in ("votes_for", "votes_against")}
    bad = [f"{f}: a whole number, 0 or more, not {v!r}" for f, v in raw.items() if not v.isdigit()]
    if bad:
        refused(request, Refused("selections.invalid", "; ".join(bad), status=422))
        return redirect("selections:trigger", t.pk)
    try:
        services.trigger_section_record(
            actor=request.user,
            trigger=t,
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", ""),
            affiliate=affiliate if request.POST.get("kind") == "affiliate" else None,
            votes_for=int(raw["votes_for"]),
            votes_against=int(raw["votes_against"]),
            minutes_ref=request.POST.get("minutes_ref", ""),
        )
    except Refused as e:
        return _soft(request, e, "selections:trigger", t.pk)
    return redirect("selections:trigger", t.pk)


@require_POST
@role_required()
def trigger_ballot(request, trigger_id: int):
    t = _trigger(request, trigger_id)
    try:
        services.trigger_section_ballot_open(
            actor=request.user, trigger=t, days=_int(request.POST.get("days"), 7)
        )
    except Refused as e:
        return _soft(request, e, "selections:trigger", t.pk)
    return redirect("selections:trigger", t.pk)


@require_POST
@role_required()
def trigger_vote(request, trigger_id: int, section_id: int):
    t = _trigger(request, trigger_id)
    section = get_object_or_404(TriggerSection, pk=section_id, trigger=t)
    try:
        services.trigger_vote_cast(actor=request.user, section=section, choice=request.POST.get("choice", ""))
    except Refused as e:
        return _soft(request, e, "selections:trigger", t.pk)
    from django.contrib import messages

    messages.success(request, "Your vote is cast and sealed.")
    return redirect("selections:trigger", t.pk)


@require_POST
@role_required()
def trigger_vote_close(request, trigger_id: int, section_id: int):
    from django.urls import reverse

    t = _trigger(request, trigger_id)
    section = get_object_or_404(TriggerSection, pk=section_id, trigger=t)
    try:
        services.trigger_vote_close(
            actor=request.user, section=section, confirm=request.POST.get("confirm") == "yes"
        )
    except NeedsConfirmation as asked:
        return _confirm(request, asked, request.path, reverse("selections:trigger", args=[t.pk]))
    except Refused as e:
        return _soft(request, e, "selections:trigger", t.pk)
    return redirect("selections:trigger", t.pk)


@require_POST
@role_required()
def trigger_publish(request, trigger_id: int):
    from django.urls import reverse

    t = _trigger(request, trigger_id)
    try:
        services.trigger_publish(actor=request.user, trigger=t, confirm=request.POST.get("confirm") == "yes")
    except NeedsConfirmation as asked:
        return _confirm(request, asked, request.path, reverse("selections:trigger", args=[t.pk]))
    except Refused as e:
        return _soft(request, e, "selections:trigger", t.pk)
    return redirect("selections:trigger", t.pk)
