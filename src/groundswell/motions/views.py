"""Motion pages: thin views over selectors and services; errors become messages on the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from groundswell.accounts.permissions import role_required
from groundswell.accounts.policies import NeedsConfirmation
from groundswell.accounts.selectors import is_national_admin
from groundswell.ballots.models import Ballot
from groundswell.ballots.selectors import signed_in_vote_state
from groundswell.members.models import Branch
from groundswell.motions import selectors, services
from groundswell.motions.models import Comment, Motion, MotionRules
from groundswell.web.charts import bar_chart
from groundswell.web.feedback import refused


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@role_required()
def motion_list(request):
    branch_id = _int(request.GET.get("branch"))
    status = request.GET.get("status", "")
    if status not in Motion.Status.values:
        status = ""
    national = request.GET.get("level") == "national"
    qs = selectors.motions_list(
        branch_id=branch_id, status=status, subject=request.GET.get("subject", "").strip(), national=national
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    mine = selectors.member_branch_ids(request.user)
    return render(
        request,
        "motions/list.html",
        {
            "page": page,
            "branches": Branch.objects.only("pk", "name"),
            "branch_id": branch_id,
            "status": status,
            "national": national,
            "subject": request.GET.get("subject", ""),
            "statuses": Motion.Status.choices,
            "can_propose": bool(mine),
            "querystring": "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page"),
        },
    )


@role_required()
def motion_new(request):
    mine = selectors.member_branch_ids(request.user)
    if not mine:
        messages.error(request, "Only members can propose motions, in their own branch.")
        return redirect("motions:list")
    branches = Branch.objects.filter(pk__in=mine)
    form = {"title": "", "subject": "", "text": "", "branch": str(next(iter(sorted(mine))))}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        branch = branches.filter(pk=_int(form["branch"])).first()
        try:
            if branch is None:
                raise services.MotionError("choose one of your branches")
            motion = services.motion_propose(
                user=request.user,
                branch=branch,
                title=form["title"],
                subject=form["subject"],
                text=form["text"],
            )
        except services.MotionError as e:
            refused(request, e)
        else:
            messages.success(request, "Your motion is proposed. Members of the branch can now support it.")
            return redirect("motions:detail", motion_id=motion.pk)
    return render(request, "motions/form.html", {"form": form, "branches": branches, "motion": None})


def _vote_panel(request, ballot: Ballot | None) -> dict | None:
    if ballot is None:
        return None
    person = getattr(request.user, "person", None)
    result = selectors.vote_result(ballot)
    chart = None
    if result:
        chart = bar_chart(list(result.counts.items()), title="Votes")
    return {
        "ballot": ballot,
        "state": signed_in_vote_state(ballot, person) if ballot.status == Ballot.Status.OPEN else "",
        "accepting": ballot.is_accepting_votes(),
        "result": result,
        "chart": chart,
        "choices": selectors.CHOICES,
    }


def _detail(request, motion_id: int, *, receipt: dict | None = None, status: int = 200):
    motion = get_object_or_404(
        Motion.objects.select_related("branch", "proposer", "ballot", "composite"), pk=motion_id
    )
    user = request.user
    person = getattr(user, "person", None)
    rules = MotionRules.current()
    member = selectors.is_branch_member(user, motion.branch_id, rules)
    amendments = []
    for a in motion.amendments.select_related("ballot", "proposer"):
        amendments.append(
            {
                "a": a,
                "diff": selectors.amendment_diff(a, motion.proposed_text),
                "vote": _vote_panel(request, a.ballot),
            }
        )
    supported = bool(person) and motion.supports.filter(person=person, version=motion.version).exists()
    changed = motion.text != motion.proposed_text
    context = {
        "motion": motion,
        "member": member,
        "moderator": selectors.can_moderate(user, motion),
        "is_proposer": bool(person) and person.pk == motion.proposer_id,
        "supported": supported,
        "amendments": amendments,
        "comments": selectors.visible_comments(motion, user),
        "vote": _vote_panel(request, motion.ballot),
        "open_votes": [b for b in services.open_ballots(motion) if b.status == Ballot.Status.OPEN],
        "text_diff": selectors.word_diff(motion.proposed_text, motion.text) if changed else None,
        "sources": motion.sources.select_related("branch") if motion.is_national else [],
        "receipt": receipt,
    }
    return render(request, "motions/detail.html", context, status=status)


@role_required()
def motion_detail(request, motion_id: int):
    return _detail(request, motion_id)


def _act(request, motion_id: int, action, success: str):
    """Runs one POSTed action on a motion; a rule it breaks becomes an error message."""
    motion = get_object_or_404(Motion, pk=motion_id)
    try:
        action(motion)
    except services.MotionError as e:
        refused(request, e)
    else:
        if success:
            messages.success(request, success)
    return redirect("motions:detail", motion_id=motion_id)


@require_POST
@role_required()
def motion_support(request, motion_id: int):
    return _act(
        request,
        motion_id,
        lambda m: services.motion_support(user=request.user, motion=m),
        "You support this motion.",
    )


@require_POST
@role_required()
def motion_withdraw(request, motion_id: int):
    return _act(
        request, motion_id, lambda m: services.motion_withdraw(user=request.user, motion=m), "Withdrawn."
    )


@role_required()
def motion_edit(request, motion_id: int):
    motion = get_object_or_404(Motion, pk=motion_id)
    person = getattr(request.user, "person", None)
    if person is None or person.pk != motion.proposer_id:
        raise PermissionDenied("Only the proposer can edit a motion.")
    form = {"title": motion.title, "subject": motion.subject, "text": motion.proposed_text}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            services.motion_edit(
                user=request.user,
                motion=motion,
                restart_supports=request.POST.get("restart_supports") == "yes",
                **form,
            )
        except services.MotionError as e:
            refused(request, e)
        else:
            messages.success(request, "Saved.")
            return redirect("motions:detail", motion_id=motion.pk)
    return render(request, "motions/form.html", {"form": form, "motion": motion, "branches": None})


@role_required()
def amendment_new(request, motion_id: int):
    motion = get_object_or_404(Motion, pk=motion_id)
    form = {"delete_text": request.GET.get("delete", ""), "insert_text": "", "reason": ""}
    preview = None
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            services.amendment_propose(user=request.user, motion=motion, **form)
        except services.MotionError as e:
            refused(request, e)
        else:
            messages.success(request, "Your amendment is proposed. It is voted on before the motion.")
            return redirect("motions:detail", motion_id=motion.pk)
    return render(
        request, "motions/amendment_form.html", {"motion": motion, "form": form, "preview": preview}
    )


@require_POST
@role_required()
def comment_post(request, motion_id: int):
    parent = None
    if _int(request.POST.get("parent")):
        parent = Comment.objects.filter(pk=_int(request.POST.get("parent"))).first()
    return _act(
        request,
        motion_id,
        lambda m: services.comment_add(
            user=request.user, motion=m, body=request.POST.get("body", ""), parent=parent
        ),
        "",
    )


@require_POST
@role_required()
def comment_hide(request, comment_id: int):
    comment = get_object_or_404(Comment.objects.select_related("motion"), pk=comment_id)
    return _act(
        request,
        comment.motion_id,
        lambda m: services.comment_hide(
            user=request.user, comment=comment, reason=request.POST.get("reason", "")
        ),
        "The comment is hidden; moderators still see it with your reason.",
    )


@require_POST
@role_required()
def motion_vote(request, motion_id: int, ballot_id: int):
    """Casts the vote and answers with the page itself, receipt included: the tracker is shown
    once, in this response, and never stored in the session (which names the voter)."""
    motion = get_object_or_404(Motion, pk=motion_id)
    ballot = next((b for b in services.open_ballots(motion) if b.pk == ballot_id), None)
    if ballot is None:
        raise Http404("no such vote on this motion")
    try:
        cast = services.vote_cast(user=request.user, ballot=ballot, choice=request.POST.get("choice", ""))
    except services.MotionError as e:
        refused(request, e)
        return redirect("motions:detail", motion_id=motion_id)
    return _detail(request, motion_id, receipt={"title": ballot.title, "tracker": cast.tracker})


@require_POST
@role_required()
def motion_close(request, motion_id: int):
    motion = get_object_or_404(Motion, pk=motion_id)
    try:
        return _act(
            request,
            motion_id,
            lambda m: services.motion_close_votes(
                user=request.user, motion=m, confirm=request.POST.get("confirm") == "yes"
            ),
            "The vote is closed and counted.",
        )
    except NeedsConfirmation as asked:  # before the advertised time: show who it shuts out
        return render(
            request,
            "motions/confirm_close.html",
            {"motion": motion, "message": asked.message, "c": asked.consequences},
            status=409,
        )


@require_POST
@role_required()
def motion_send(request, motion_id: int):
    return _act(
        request,
        motion_id,
        lambda m: services.motion_send_national(user=request.user, motion=m),
        "Sent to the national level, where it can be composited with others on its subject.",
    )


@role_required("national_admin")
def composite_new(request):
    subject = request.GET.get("subject", "") or request.POST.get("subject", "")
    candidates = Motion.objects.filter(
        sent_to_national_at__isnull=False, status=Motion.Status.CARRIED, composite__isnull=True
    ).select_related("branch")
    subjects = sorted({s.strip() for s in candidates.values_list("subject", flat=True)}, key=str.casefold)
    if subject:
        candidates = candidates.filter(subject__iexact=subject)
    form = {"title": "", "text": "", "subject": subject}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        chosen = candidates.filter(pk__in=[_int(v) for v in request.POST.getlist("motions") if _int(v)])
        try:
            composite = services.composite_create(user=request.user, motions=list(chosen), **form)
        except services.MotionError as e:
            refused(request, e)
        else:
            messages.success(request, "The composite is put to a national vote of all members.")
            return redirect("motions:detail", motion_id=composite.pk)
    return render(
        request,
        "motions/composite.html",
        {
            "candidates": candidates,
            "subjects": subjects,
            "form": form,
            "is_admin": is_national_admin(request.user),
        },
    )
