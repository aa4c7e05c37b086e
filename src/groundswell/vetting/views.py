"""Vetting pages: the officers' cases (propose, confirm), the appeal panel's page, refunds
owed, and the excluded person's own page (the notice, the deadline, the appeal form).
Refusals of 403/404 are the page's answer (web.middleware.RefusalMiddleware); bad input and
a wrong state come back as a message on the page."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from groundswell.accounts.permissions import role_required
from groundswell.accounts.policies import NeedsConfirmation, Refused
from groundswell.accounts.selectors import is_national_admin
from groundswell.ballots.models import Ballot
from groundswell.members import selectors as members
from groundswell.members.selectors import person_of
from groundswell.vetting import policies, selectors, services
from groundswell.vetting.models import Appeal, Exclusion
from groundswell.web.feedback import refused


def _soft(request, error: Refused, to: str, *args):
    if error.status not in (400, 409, 422):
        raise error
    refused(request, error)
    return redirect(to, *args)


def _ballots():
    return Ballot.objects.filter(in_app=False).exclude(
        status__in=[Ballot.Status.COUNTED, Ballot.Status.PUBLISHED]
    )


def _list(request, *, ballot=None, form=None, problem: str = "", status: int = 200):
    """The cases and the propose form, with what was typed kept after a refusal."""
    form = form or {}
    if ballot is None and form.get("ballot", "").isdigit():
        ballot = _ballots().filter(pk=form["ballot"]).first()
    return render(
        request,
        "vetting/list.html",
        {
            "cases": services.exclusions_for_officer(actor=request.user, ballot=ballot),
            "ballot": ballot,
            "ballots": _ballots(),
            "criteria": selectors.criteria(),
            "is_panel": policies.is_panel(request.user),
            "form": form,
            "problem": problem,
        },
        status=status,
    )


@role_required()
def exclusion_list(request):
    policies.may_list(request.user)
    ballot_id = request.GET.get("ballot", "")
    ballot = Ballot.objects.filter(pk=ballot_id).first() if ballot_id.isdigit() else None
    return _list(request, ballot=ballot)


def _person(user, who: str):
    """A person in the officer's scope by membership number or email address."""
    who = who.strip()
    if not who:
        return None
    qs = members.visible_memberships(user)
    if "@" in who:
        m = qs.filter(person__email_key=who.lower()).first()
    else:
        m = qs.filter(membership_number=who.upper()).first()
    return m.person if m else None


@require_POST
@role_required()
def exclusion_propose(request):
    """Proposes an exclusion. A refusal comes back on the form with what was typed and the
    field named; one in force at once asks to confirm first (who, which ballot, the email)."""
    policies.may_list(request.user)
    form = {k: request.POST.get(k, "") for k in ("ballot", "who", "criterion", "evidence")}
    ballot = _ballots().filter(pk=form["ballot"] if form["ballot"].isdigit() else 0).first()
    person = _person(request.user, form["who"])
    if ballot is None or person is None:
        problem = (
            "Ballot: choose a ballot not yet counted."
            if ballot is None
            else "Membership number or email: no member or supporter of your branches has that "
            "membership number or email."
        )
        return _list(request, form=form, problem=problem, status=422)
    try:
        ex = services.exclusion_propose(
            actor=request.user,
            ballot=ballot,
            person=person,
            criterion=form["criterion"],
            evidence=form["evidence"],
            confirm=request.POST.get("confirm") == "yes",
        )
    except NeedsConfirmation as asked:
        return render(
            request,
            "vetting/confirm_exclusion.html",
            {"message": asked.message, "form": form, "person": person, "ballot": ballot},
        )
    except Refused as e:
        if e.status not in (400, 409, 422):
            raise
        field, _, rest = e.message.partition(": ")
        labels = {"evidence": "Evidence", "criterion": "Criterion"}
        problem = f"{labels[field]}: {rest}" if field in labels and rest else e.message
        return _list(request, form=form, problem=problem[:1].upper() + problem[1:], status=e.status)
    return redirect("vetting:case", ex.pk)


def _case(request, pk: int) -> Exclusion:
    ex = get_object_or_404(Exclusion.objects.select_related("ballot", "person", "criterion"), pk=pk)
    policies.may_see_case(request.user, ex)
    return ex


@role_required()
def exclusion_case(request, pk: int):
    ex = _case(request, pk)
    return render(
        request,
        "vetting/case.html",
        {"ex": ex, "appeal": selectors.appeal_of(ex), "is_panel": policies.is_panel(request.user)},
    )


@require_POST
@role_required()
def exclusion_confirm(request, pk: int):
    ex = _case(request, pk)
    try:
        services.exclusion_confirm(actor=request.user, exclusion=ex)
    except Refused as e:
        return _soft(request, e, "vetting:case", ex.pk)
    return redirect("vetting:case", ex.pk)


@role_required()
def appeal_list(request):
    return render(
        request,
        "vetting/appeals.html",
        {
            "appeals": services.appeals_for_panel(actor=request.user),
            "is_panel": policies.is_panel(request.user),
            "can_appoint": is_national_admin(request.user),
            "panel": selectors.panel_members(),
        },
    )


@require_POST
@role_required()
def appeal_decide(request, pk: int):
    policies.may_see_appeals(request.user)
    appeal = get_object_or_404(Appeal.objects.select_related("exclusion__person", "exclusion__ballot"), pk=pk)
    allow = request.POST.get("decision") == "allow"
    reasons = request.POST.get("reasons", "")
    try:
        services.appeal_decide(
            actor=request.user, appeal=appeal, allow=allow, reasons=reasons,
            confirm=request.POST.get("confirm") == "yes",
        )  # fmt: skip
    except NeedsConfirmation as asked:
        return render(
            request,
            "vetting/confirm.html",
            {"message": asked.message, "appeal": appeal, "allow": allow, "reasons": reasons},
            status=200,
        )
    except Refused as e:
        return _soft(request, e, "vetting:appeals")
    return redirect("vetting:appeals")


@require_POST
@role_required()
def panel_appoint(request):
    policies.may_appoint_panel(request.user)
    user = get_user_model().objects.filter(email__iexact=request.POST.get("email", "").strip()).first()
    if user is None:
        refused(request, Refused("vetting.invalid", "email: no account has that address", status=422))
    elif request.POST.get("remove"):
        services.panel_remove(actor=request.user, user=user)
    else:
        services.panel_appoint(actor=request.user, user=user)
    return redirect("vetting:appeals")


@role_required()
def refund_list(request):
    return render(request, "vetting/refunds.html", {"refunds": selectors.refunds_owed(request.user)})


@require_POST
@role_required()
def refund_record(request, pk: int):
    policies.may_see_refunds(request.user)
    ex = get_object_or_404(Exclusion.objects.select_related("person"), pk=pk)
    try:
        services.refund_record(actor=request.user, exclusion=ex, reference=request.POST.get("reference", ""))
    except Refused as e:
        return _soft(request, e, "vetting:refunds")
    return redirect("vetting:refunds")


@role_required()
def my_vetting(request):
    """The person's own page: each exclusion's reason, evidence and deadline, the appeal form
    and the panel's decision. Anyone signed in sees their own (usually: nothing)."""
    person = person_of(request.user)
    cases = [(ex, selectors.appeal_of(ex)) for ex in selectors.my_exclusions(person)]
    return render(request, "vetting/mine.html", {"cases": cases})


@require_POST
@role_required()
def my_appeal(request, pk: int):
    ex = get_object_or_404(Exclusion, pk=pk)
    try:
        services.appeal_lodge(actor=request.user, exclusion=ex, statement=request.POST.get("statement", ""))
    except Refused as e:
        return _soft(request, e, "vetting:mine")
    return redirect("vetting:mine")
