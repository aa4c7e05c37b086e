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
