"""The officer's payments pages: import a file, match the queue by hand, a membership's ledger."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from groundswell.accounts.permissions import role_required
from groundswell.accounts.policies import Refused
from groundswell.lifecycle import policies, selectors, services
from groundswell.lifecycle.models import Payment, SourceFile
from groundswell.members import selectors as members
from groundswell.reach import referrals
from groundswell.web.feedback import refused

MANAGERS = ("national_admin", "branch_organiser")


@role_required(*MANAGERS)
def payments(request):
    """Import a file; see the files imported and the rows waiting to be matched by hand."""
    policies.may_view_ledger(request.user)
    if request.method == "POST":
        upload, fmt = request.FILES.get("file"), request.POST.get("format", "")
        if upload is None:
            messages.error(request, "Choose a file to upload.")
        elif upload.size > settings.MAX_UPLOAD_BYTES:
            messages.error(request, f"{upload.name} is larger than the upload limit.")
        else:
            try:
                result = services.payments_import(
                    user=request.user, fmt=fmt, filename=upload.name, data=upload.read()
                )
            except services.ImportRefused as e:
                for problem in e.problems[:20]:
                    messages.error(request, problem)
                messages.error(request, "Nothing was imported.")
            else:
                messages.success(request, f"{upload.name}: {result.summary()}.")
            return redirect("lifecycle:payments")
    return render(
        request,
        "lifecycle/payments.html",
        {
            "formats": SourceFile.Format.choices,
            "files": selectors.files_for(request.user)[:10],
            "unmatched": selectors.unmatched_for(request.user)[:200],
        },
    )


@role_required(*MANAGERS)
@require_POST
def payment_match(request, payment_id: int):
    payment = get_object_or_404(selectors.unmatched_for(request.user), pk=payment_id)
    number = request.POST.get("membership_number", "").strip()
    membership = members.visible_memberships(request.user).filter(membership_number=number).first()
    if membership is None:
        messages.error(request, f"No membership {number!r} among the members you can see.")
        return redirect("lifecycle:payments")
    try:
        services.payment_match(
            user=request.user, payment=payment, membership=membership, note=request.POST.get("note", "")
        )
    except Refused as e:
        refused(request, e)
    else:
        messages.success(request, f"Payment {payment.pk} matched to {membership.membership_number}.")
    return redirect("lifecycle:payments")


@role_required(*MANAGERS)
def membership_ledger(request, membership_id: int):
    """A membership's ledger and its standing as at a date (today unless ?on=YYYY-MM-DD)."""
    membership = members.visible_memberships(request.user).filter(pk=membership_id).first()
    if membership is None:
        raise Http404("no such membership")
    try:
        on = date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        on = timezone.localdate()
    rows: list[Payment] = list(selectors.ledger_of(membership))
    return render(
        request,
        "lifecycle/ledger.html",
        {"membership": membership, "rows": rows, "on": on, "standing": selectors.standing_of(membership, on)},
    )


# --- eligibility rules: public history, publishing by a ballot's runners ---------------------


def rules_page(request, ballot_id: int):
    """Public: a ballot's eligibility rules, the current version and every earlier one, and
    once its result is published, how many people each rule left out (counts, not names)."""
    from groundswell.ballots.models import Ballot

    ballot = get_object_or_404(Ballot, pk=ballot_id, in_app=False)
    versions = list(selectors.rules_versions(ballot).select_related(None))
    if not versions:
        raise Http404("no rules have been published for this ballot")
    counts = selectors.exclusion_counts(ballot) if ballot.status == Ballot.Status.PUBLISHED else {}
    return render(
        request,
        "lifecycle/rules.html",
        {"ballot": ballot, "current": versions[0], "earlier": versions[1:], "counts": counts},
    )


RUNNERS = ("national_admin", "returning_officer")


@role_required(*RUNNERS)
def rules_publish(request, ballot_id: int):
    """A ballot's runners write and publish a new version (a JSON document, pre-filled with
    the current one or the ballot's own fields), confirming first."""
    import json

    from groundswell.accounts.policies import NeedsConfirmation
    from groundswell.ballots.models import Ballot

    ballot = get_object_or_404(Ballot, pk=ballot_id)
    try:
        policies.may_publish_rules(request.user, ballot)
    except Refused as e:
        raise Http404("no such ballot") if e.status == 404 else e from None
    rules, _ = selectors.rules_for(ballot)
    text = json.dumps(rules.to_document(), indent=2)
    confirm_needed = None
    if request.method == "POST":
        text = request.POST.get("document", "")
        try:
            document = json.loads(text)
        except ValueError as e:
            messages.error(request, f"The rules are not valid JSON: {e}.")
        else:
            try:
                version = services.rules_publish(
                    user=request.user,
                    ballot=ballot,
                    document=document,
                    note=request.POST.get("note", ""),
                    confirm=request.POST.get("confirm") == "yes",
                )
            except NeedsConfirmation as e:
                confirm_needed = e.message
            except Refused as e:
                refused(request, e)
            else:
                messages.success(request, f"Version {version.number} of the rules is published.")
                return redirect("lifecycle_public:rules", ballot_id=ballot.pk)
    return render(
        request,
        "lifecycle/rules_publish.html",
        {
            "ballot": ballot,
            "text": text,
            "note": request.POST.get("note", ""),
            "confirm_needed": confirm_needed,
        },
    )


# --- supporter windows ---------------------------------------------------------------------


def supporter_signup(request, slug: str):
    """Public, no account: sign up as a registered supporter while the window is open."""
    from groundswell.lifecycle.models import SupporterWindow
    from groundswell.web.client import client_address

    window = get_object_or_404(SupporterWindow.objects.select_related("branch"), slug=slug)
    now = timezone.now()
    done = None
    if request.method == "POST":
        try:
            signup, created = services.supporter_signup(
                window=window,
                first_name=request.POST.get("first_name", ""),
                last_name=request.POST.get("last_name", ""),
                email=request.POST.get("email", ""),
                postcode=request.POST.get("postcode", ""),
                declared=request.POST.get("declared") == "yes",
                fee_reference=request.POST.get("fee_reference", ""),
                consent_email=request.POST.get("consent_email") == "yes",
                address=client_address(request),
            )
        except services.SignupRefused as e:
            for problem in e.problems:
                messages.error(request, problem)
        else:
            # through a member's link: they brought this person in (the first link only). A
            # sign-up that made nothing (this email had signed up already) counts for nobody:
            # anyone can post someone else's email through their own link
            if created:
                referrals.referral_record(
                    person=signup.membership.person, token=referrals.token_from_request(request)
                )
            # the same words whether this email had signed up before or not
            done = signup.window
            messages.success(
                request,
                f"Thank you: you are registered as a supporter ({window.name}). "
                "We have emailed a confirmation to the address you gave.",
            )
    return render(
        request,
        "lifecycle/signup.html",
        {
            "window": window,
            "done": done,
            "state": "early" if now < window.opens_at else "closed" if now >= window.closes_at else "open",
            "form": request.POST if request.method == "POST" and done is None else {},
        },
    )


@role_required("national_admin")
def windows(request):
    """National admins: the supporter windows, and a new one."""
    from datetime import datetime

    from groundswell.lifecycle.models import SupporterWindow
    from groundswell.members.models import Branch

    if request.method == "POST":
        try:
            opens = timezone.make_aware(datetime.fromisoformat(request.POST.get("opens_at", "")))
            closes = timezone.make_aware(datetime.fromisoformat(request.POST.get("closes_at", "")))
            fee = round(float(request.POST.get("fee", "0")) * 100)
            branch = Branch.objects.get(pk=int(request.POST.get("branch", "0")))
        except (ValueError, Branch.DoesNotExist):
            messages.error(request, "Give the opening and closing times, the fee in pounds and a branch.")
        else:
            try:
                w = services.window_create(
                    user=request.user, slug=request.POST.get("slug", "").strip(),
                    name=request.POST.get("name", "").strip(), opens_at=opens, closes_at=closes,
                    fee_pence=fee, branch=branch, declaration=request.POST.get("declaration", ""),
                )  # fmt: skip
            except services.SignupRefused as e:
                for problem in e.problems:
                    messages.error(request, problem)
            except Refused as e:
                refused(request, e)
            else:
                messages.success(request, f"Window {w.name} made: /supporters/{w.slug}/")
                return redirect("lifecycle:windows")
    return render(
        request,
        "lifecycle/windows.html",
        {"windows": SupporterWindow.objects.all()[:50], "branches": Branch.objects.all()[:700]},
    )
