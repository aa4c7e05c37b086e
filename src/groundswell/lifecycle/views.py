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


def _payments_page(request, *, fmt: str = "", match: dict | None = None, status: int = 200):
    """The payments page; after a refusal, the chosen format and a row's match inputs stay."""
    return render(
        request,
        "lifecycle/payments.html",
        {
            "formats": SourceFile.Format.choices,
            "chosen_format": fmt,
            "match": match or {},
            "files": selectors.files_for(request.user)[:10],
            "unmatched": selectors.unmatched_for(request.user)[:200],
        },
        status=status,
    )


@role_required(*MANAGERS)
def payments(request):
    """Import a file; see the files imported and the rows waiting to be matched by hand."""
    policies.may_view_ledger(request.user)
    if request.method == "POST":
        upload, fmt = request.FILES.get("file"), request.POST.get("format", "")
        if upload is None:
            messages.error(request, "File: choose a file to upload.")
        elif upload.size > settings.MAX_UPLOAD_BYTES:
            messages.error(request, f"File: {upload.name} is larger than the upload limit.")
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
        # the file input cannot be refilled (browsers forbid it), but the format can
        return _payments_page(request, fmt=fmt, status=422)
    return _payments_page(request)


@role_required(*MANAGERS)
@require_POST
def payment_match(request, payment_id: int):
    """Matches a queued payment to a membership, after a confirm step showing both (a match
    is made once and cannot be undone from here)."""
    payment = get_object_or_404(selectors.unmatched_for(request.user).select_related("source"), pk=payment_id)
    number = request.POST.get("membership_number", "").strip()
    note = request.POST.get("note", "")
    membership = (
        members.visible_memberships(request.user)
        .select_related("person", "branch")
        .filter(membership_number__iexact=number)
        .first()
        if number
        else None
    )
    if membership is None:
        messages.error(
            request,
            f"Membership number (payment {payment.pk}): no membership {number!r} "
            "among the members you can see.",
        )
        match = {"payment": payment.pk, "number": number, "note": note}
        return _payments_page(request, match=match, status=422)
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "lifecycle/match_confirm.html",
            {"payment": payment, "membership": membership, "number": number, "note": note},
        )
    try:
        services.payment_match(user=request.user, payment=payment, membership=membership, note=note)
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
    raw = request.GET.get("on", "").strip()
    on, not_understood = timezone.localdate(), ""
    if raw:
        try:
            on = date.fromisoformat(raw)
        except ValueError:
            # said, not silently replaced: an officer reading "today" as their date would be misled
            not_understood = raw
    rows: list[Payment] = list(selectors.ledger_of(membership))
    return render(
        request,
        "lifecycle/ledger.html",
        {
            "membership": membership,
            "rows": rows,
            "on": on,
            "not_understood": not_understood,
            "standing": selectors.standing_of(membership, on),
        },
        status=400 if not_understood else 200,
    )


# --- eligibility rules: public history, publishing by a ballot's runners ---------------------


# what each reason code of core.lifecycle.eligibility means, for the public rules page
REASON_LABELS = {
    "excluded": "Excluded by a recorded decision (vetting)",
    "in_arrears": "Members whose dues were not in good standing by the rules' date",
    "no_supporter_fee": "Supporters with no fee paid in the rules' window",
    "lapsed": "Memberships lapsed on the freeze date",
    "joined_too_late": "Joined too late (after the freeze date, less the minimum membership)",
    "wrong_category": "In no category that votes in this ballot",
    "erased": "Records erased at the person's request",
}


def rules_page(request, ballot_id: int):
    """Public: a ballot's eligibility rules, the current version and every earlier one, and
    once its result is published, how many people each rule left out (counts, not names)."""
    from groundswell.ballots.models import Ballot

    ballot = get_object_or_404(Ballot, pk=ballot_id, in_app=False)
    versions = list(selectors.rules_versions(ballot).select_related(None))
    if not versions:
        raise Http404("no rules have been published for this ballot")
    counts = selectors.exclusion_counts(ballot) if ballot.status == Ballot.Status.PUBLISHED else {}
    described = [(v, describe_rules(v.document)) for v in versions]
    return render(
        request,
        "lifecycle/rules.html",
        {
            "ballot": ballot,
            "current": described[0],
            "earlier": described[1:],
            "counts": counts,
            "left_out": [(REASON_LABELS.get(c, c), n) for c, n in counts.get("by_reason", {}).items()],
        },
    )


def _day(value) -> str:
    """A date in the words the rest of the site uses ("6 December 2026")."""
    from django.utils.dateformat import format as date_format

    try:
        return date_format(date.fromisoformat(str(value)), "j F Y")
    except ValueError:
        return str(value)


def describe_rules(document: dict) -> list[dict]:
    """A published rules document in words for the public page: category names, not codes;
    a supporter window by its name and dates, not its slug. Each item is {"text": ...} and,
    for the window, {"window": SupporterWindow or None, "after": ...}."""
    from django.utils.dateformat import format as date_format

    from groundswell.lifecycle.models import SupporterWindow
    from groundswell.members.models import Category

    labels = dict(Category.choices)

    def names(codes) -> str:
        words = [labels.get(c, c).lower() + "s" for c in codes or []]
        text = ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + (words[-1] if words else "")
        return text[:1].upper() + text[1:]

    d = document or {}
    items = [{"text": f"Who votes: {names(d.get('categories'))}."}]
    joined = []
    if d.get("min_membership_months"):
        joined.append(f"{d['min_membership_months']} month(s)")
    if d.get("min_membership_days"):
        joined.append(f"{d['min_membership_days']} day(s)")
    freeze = f"The electorate is fixed on {_day(d.get('freeze_date'))}"
    if joined:
        freeze += f"; they must have joined at least {' and '.join(joined)} before it"
    items.append({"text": freeze + "."})
    if d.get("dues_in_good_standing_by"):
        items.append({
            "text": f"Dues of {names(d.get('dues_categories') or ['member']).lower()} must be in good "
            f"standing by {_day(d['dues_in_good_standing_by'])} (payments dated up to that day count)."
        })  # fmt: skip
    slug = d.get("supporter_fee_window")
    if slug:
        window = SupporterWindow.objects.filter(slug=slug).first()
        when = ""
        if window is not None:
            local = timezone.localtime
            when = (
                f" (open {date_format(local(window.opens_at), 'j F Y, H:i')} to "
                f"{date_format(local(window.closes_at), 'j F Y, H:i')}, fee {window.fee})"
            )
        items.append({
            "text": f"{names(d.get('fee_categories') or ['registered_supporter'])} must have paid "
            "the fee in the sign-up window ",
            "window": window, "slug": slug, "after": when + ".",
        })  # fmt: skip
    return items


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


def _window_fields(post) -> tuple[dict, list[str]]:
    """Reads the new-window form field by field, so each wrong one is named (not one vague
    sentence for all six)."""
    from datetime import datetime
    from decimal import Decimal, InvalidOperation

    from groundswell.members.models import Branch

    values, problems = {}, []
    for field, label in (("opens_at", "Opens"), ("closes_at", "Closes")):
        raw = post.get(field, "").strip()
        try:
            values[field] = timezone.make_aware(datetime.fromisoformat(raw))
        except ValueError:
            problems.append(f"{label}: {raw!r} is not a date and time (YYYY-MM-DD HH:MM)")
    raw = post.get("fee", "").strip().lstrip("£").strip()
    try:
        fee = Decimal(raw)
        if not fee.is_finite() or fee != fee.quantize(Decimal("0.01")):
            raise InvalidOperation
        values["fee_pence"] = int(fee * 100)
    except (InvalidOperation, ValueError):
        problems.append(f"Fee (£): {post.get('fee', '')!r} is not an amount in pounds, such as 25 or 25.00")
    branch_id = post.get("branch", "")
    values["branch"] = Branch.objects.filter(pk=branch_id).first() if branch_id.isdigit() else None
    if values["branch"] is None:
        problems.append("New supporters' branch: choose a branch")
    return values, problems


@role_required("national_admin")
def windows(request):
    """National admins: the supporter windows, and a new one. A refusal keeps what was typed
    and names the field that is wrong."""
    from groundswell.lifecycle.models import SupporterWindow
    from groundswell.members.models import Branch

    form: dict = {}
    status = 200
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "")
            for k in ("slug", "name", "opens_at", "closes_at", "fee", "branch", "declaration")
        }
        values, problems = _window_fields(request.POST)
        if not problems:
            try:
                w = services.window_create(
                    user=request.user, slug=form["slug"].strip(), name=form["name"].strip(),
                    declaration=form["declaration"], **values,
                )  # fmt: skip
            except services.SignupRefused as e:
                problems = [_window_problem(p) for p in e.problems]
            except Refused as e:
                refused(request, e)
            else:
                messages.success(request, f"Window {w.name} made: /supporters/{w.slug}/")
                return redirect("lifecycle:windows")
        for problem in problems:
            messages.error(request, problem)
        status = 422 if problems else 200
    return render(
        request,
        "lifecycle/windows.html",
        {"windows": SupporterWindow.objects.all()[:50], "branches": Branch.objects.all()[:700], "form": form},
        status=status,
    )


WINDOW_LABELS = {
    "slug": "Short name",
    "closes_at": "Closes",
    "opens_at": "Opens",
    "fee_pence": "Fee (£)",
}


def _window_problem(problem: str) -> str:
    """The service names its fields by code ("fee_pence: ..."); the page by their labels."""
    field, _, rest = problem.partition(": ")
    if field not in WINDOW_LABELS:
        return problem
    rest = rest.replace("opens_at", "the opening time")
    return f"{WINDOW_LABELS[field]}: {rest}"
