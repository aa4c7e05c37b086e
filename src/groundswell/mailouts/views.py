"""Mail-out pages: compose to a segment, watch it send; unsubscribe without signing in."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from groundswell.accounts.permissions import role_required
from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
from groundswell.events.selectors import visible_events
from groundswell.mailouts import selectors, services
from groundswell.mailouts.models import MailOut
from groundswell.members.models import Branch, Category
from groundswell.motions.models import Motion
from groundswell.web.feedback import refused

MANAGERS = ("national_admin", "branch_organiser")


def _pick(qs, value):
    return qs.filter(pk=int(value)).first() if str(value).isdigit() else None


@role_required(*MANAGERS)
def mailout_list(request):
    admin = is_national_admin(request.user)
    scope = None if admin else organised_branch_ids(request.user)
    branches = Branch.objects.all() if admin else Branch.objects.filter(pk__in=scope)
    # Only events this user may see: not a volunteer's group event awaiting approval, nor a
    # hidden working group's (events.selectors.visible_events).
    events = visible_events(request.user).filter(starts_at__gte=timezone.now() - timezone.timedelta(days=60))
    motions = Motion.objects.exclude(status=Motion.Status.WITHDRAWN)
    if not admin:
        events, motions = events.filter(branch_id__in=scope), motions.filter(branch_id__in=scope)
    form = {
        "subject": "",
        "body": "",
        "segment": "branch",
        "branch": "",
        "category": "member",
        "event": "",
        "motion": "",
    }
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            mailout = services.mailout_create(
                user=request.user,
                subject=form["subject"],
                body=form["body"],
                segment=form["segment"],
                branch=_pick(branches, form["branch"]),
                category=form["category"],
                event=_pick(events, form["event"]),
                motion=_pick(motions, form["motion"]),
            )
        except services.MailOutError as e:
            refused(request, e)
        else:
            return redirect("mailouts:detail", mailout_id=mailout.pk)
    return render(
        request,
        "mailouts/list.html",
        {
            "mailouts": selectors.mailouts_for(request.user)[:20],
            "form": form,
            "branches": branches.only("pk", "name"),
            "events": events.order_by("-starts_at")[:200],
            "motions": motions.order_by("-created_at")[:200],
            "segments": [c for c in MailOut.Segment.choices if c[0] != MailOut.Segment.GROUP],
            "categories": Category.choices,
            "admin": admin,
        },
    )


@role_required(*MANAGERS)
def mailout_detail(request, mailout_id: int):
    mailout = get_object_or_404(selectors.mailouts_for(request.user), pk=mailout_id)
    template = "mailouts/_status.html" if request.headers.get("HX-Request") else "mailouts/detail.html"
    return render(request, template, {"m": mailout})


@csrf_exempt  # the signed address is the credential; mail clients' one-click POST carries no CSRF token
def unsubscribe(request, token: str):
    person_id = services.person_for_unsubscribe_token(token)
    if person_id is None:
        raise Http404("this unsubscribe link is not valid")
    done = False
    if request.method == "POST":
        done = services.person_unsubscribe(person_id=person_id) is not None
        if not done:
            raise Http404("this unsubscribe link is not valid")
    return render(request, "mailouts/unsubscribe.html", {"done": done, "token": token})
