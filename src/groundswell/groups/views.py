"""Group and board pages. Views only translate: a refusal for something the person may not
see (403/404) is the page's answer (web.middleware.RefusalMiddleware); a bad input or a
wrong state (400/409) comes back to the page as a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from groundswell.accounts.permissions import role_required
from groundswell.accounts.policies import Refused
from groundswell.accounts.selectors import is_national_admin
from groundswell.groups import policies, selectors, services
from groundswell.groups.models import GroupEvent, GroupMember, Post, Response, Share, WorkingGroup
from groundswell.members.models import Branch, Person
from groundswell.members.selectors import current_branch_ids, person_of
from groundswell.web.feedback import refused


def _soft(request, error: Refused, back: str):
    """A bad input or a wrong state goes back to the page it came from, with the sentence."""
    if error.status not in (400, 409):
        raise error
    refused(request, error)
    return redirect(back)


def _group(request, group_id: int) -> WorkingGroup:
    group = selectors.visible_groups(request.user).filter(pk=group_id).first()
    if group is None:
        raise Http404("no such group")
    return group


@role_required()
def group_list(request):
    person = person_of(request.user)
    branches = Branch.objects.filter(pk__in=current_branch_ids(person)) if person else Branch.objects.none()
    return render(
        request,
        "groups/list.html",
        {
            "groups": selectors.visible_groups(request.user)[:500],
            "branches": branches,
            "can_create": person is not None or is_national_admin(request.user),
            "join_policies": WorkingGroup.JoinPolicy.choices,
            "visibilities": WorkingGroup.Visibility.choices,
        },
    )


@role_required()
@require_POST
def group_new(request):
    branch_id = request.POST.get("branch", "")
    branch = Branch.objects.filter(pk=int(branch_id)).first() if branch_id.isdigit() else None
    try:
        group = services.group_create(
            user=request.user,
            name=request.POST.get("name", ""),
            purpose=request.POST.get("purpose", ""),
            branch=branch,
            join_policy=request.POST.get("join_policy", "open"),
            visibility=request.POST.get("visibility", "party"),
        )
    except Refused as e:
        return _soft(request, e, "groups:list")
    return redirect("groups:detail", group.pk)


@role_required()
def group_detail(request, group_id: int):
    return _detail_page(request, _group(request, group_id))


def _detail_page(request, group: WorkingGroup, form=None, status: int = 200):
    """The group's page; after a refused board post, the form comes back as it was typed."""
    place = selectors.place_of(request.user, group)
    facilitator = selectors.may_facilitate(request.user, group)
    board = selectors.may_read_board(request.user, group)
    in_group = place is not None and place.status == GroupMember.Status.ACTIVE
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "place": place,
            "facilitator": facilitator,
            "board": board,
            "in_group": in_group,
            "posts": selectors.board_posts(request.user, group=group)[:200] if board else [],
            "members": group.members.select_related("person").order_by("status", "pk")[:500]
            if in_group or facilitator
            else [],
            "kinds": Post.Kind.choices,
            "topics": Post.Topic.choices,
            "group_events": selectors.group_events(request.user, group)[:100],
            "form": form,
        },
        status=status,
    )


def _member_action(request, group_id: int, action):
    group = _group(request, group_id)
    try:
        action(group)
    except Refused as e:
        return _soft(request, e, request.path.rsplit("/", 2)[0] + "/")
    return redirect("groups:detail", group.pk)


@role_required()
@require_POST
def group_join(request, group_id: int):
    return _member_action(request, group_id, lambda g: services.group_join(user=request.user, group=g))


@role_required()
@require_POST
def group_leave(request, group_id: int):
    """Leaving takes the person's place (a facilitator's role, an invitation) away for good:
    asked once, then said."""
    group = _group(request, group_id)
    if request.POST.get("confirm") != "yes":
        place = selectors.place_of(request.user, group)
        lose = "your place in it"
        if place is not None and place.facilitator:
            lose = "your place in it and your role as its facilitator"
        message = (
            f"Leave {group.name}? You lose {lose}; you get no more of its mail-outs, and to come "
            "back you join (or ask to join) again."
        )
        return render(
            request,
            "groups/confirm.html",
            {"message": message, "action": request.path, "back": f"/groups/{group.pk}/"},
            status=409,
        )
    services.group_leave(user=request.user, group=group)
    messages.success(request, f"You have left {group.name}.")
    return redirect("groups:detail", group.pk)


@role_required()
@require_POST
def group_mute(request, group_id: int):
    group = _group(request, group_id)
    place = services.group_mute(user=request.user, group=group, muted=request.POST.get("muted") == "1")
    if request.headers.get("HX-Request"):
        return render(request, "groups/_mute.html", {"group": group, "place": place})
    return redirect("groups:detail", group.pk)


@role_required()
@require_POST
def group_member(request, group_id: int, person_id: int):
    """A facilitator approves a request or removes a member."""
    if request.POST.get("action") == "approve":
        act = lambda g: services.group_approve(user=request.user, group=g, person_id=person_id)  # noqa: E731
    else:
        act = lambda g: services.group_remove(user=request.user, group=g, person_id=person_id)  # noqa: E731
    group = _group(request, group_id)
    policies.may_facilitate(request.user, group)
    return _member_action(request, group_id, act)


@role_required()
@require_POST
def group_invite(request, group_id: int):
    group = _group(request, group_id)
    policies.may_facilitate(request.user, group)
    email = request.POST.get("email", "").strip().lower()
    person = Person.objects.filter(email_key=email, erased_at__isnull=True).first() if email else None
    if person is None or not selectors.eligible(person, group):
        messages.error(request, "Email: no current member of the group's branch has that address.")
        return redirect("groups:detail", group.pk)
    services.group_invite(user=request.user, group=group, person=person)
    messages.success(request, f"Invited {person}.")
    return redirect("groups:detail", group.pk)


@role_required()
@require_POST
def group_mailout(request, group_id: int):
    group = _group(request, group_id)
    try:
        mailout = services.group_mailout(
            user=request.user,
            group=group,
            subject=request.POST.get("subject", ""),
            body=request.POST.get("body", ""),
        )
    except Refused as e:
        return _soft(request, e, f"/groups/{group.pk}/")
    messages.success(
        request, f"Sending to {mailout.total} members who agreed to email and have not muted the group."
    )
    return redirect("groups:detail", group.pk)


def _post_from_form(request, **where):
    """A board post (a group's or a branch's: `where`) from the posted form."""
    return services.post_create(
        user=request.user,
        **where,
        kind=request.POST.get("kind", ""),
        topic=request.POST.get("topic", "other"),
        title=request.POST.get("title", ""),
        body=request.POST.get("body", ""),
    )


@role_required()
@require_POST
def post_new(request, group_id: int):
    group = _group(request, group_id)
    try:
        post = _post_from_form(request, group=group)
    except Refused as e:
        if e.status not in (400, 409):
            raise
        refused(request, e)
        return _detail_page(request, group, form=request.POST, status=e.status)
    return redirect("groups:post", post.pk)


@role_required()
def branch_board(request, ons_code: str):
    branch = get_object_or_404(Branch, ons_code=ons_code)
    if not selectors.may_read_branch_board(request.user, branch.pk):
        raise Refused("groups.board", "only the branch's members read its board", status=403)
    if request.method == "POST":
        try:
            post = _post_from_form(request, branch=branch)
        except Refused as e:
            if e.status not in (400, 409):
                raise
            refused(request, e)
            return _board_page(request, branch, form=request.POST, status=e.status)
        return redirect("groups:post", post.pk)
    return _board_page(request, branch)


def _board_page(request, branch: Branch, form=None, status: int = 200):
    return render(
        request,
        "groups/branch_board.html",
        {
            "branch": branch,
            "posts": selectors.board_posts(request.user, branch_id=branch.pk)[:200],
            "kinds": Post.Kind.choices,
            "topics": Post.Topic.choices,
            "form": form,
        },
        status=status,
    )


def _post(request, post_id: int) -> Post:
    post = selectors.visible_post(request.user, post_id)
    if post is None:
        raise Http404("no such post")
    return post


@role_required()
def post_detail(request, post_id: int):
    post = _post(request, post_id)
    if request.method == "POST":
        try:
            services.response_create(
                user=request.user,
                post=post,
                message=request.POST.get("message", ""),
                share=request.POST.get("share", ""),
            )
        except Refused as e:
            if e.status not in (400, 409):
                raise
            refused(request, e)
            return _post_page(request, post, form=request.POST, status=e.status)
        messages.success(request, "Sent. Your contact detail is shown to the poster only if they accept.")
        return redirect("groups:post", post.pk)
    return _post_page(request, post)


def _shares_of(person) -> list[tuple[str, str]]:
    """Only the details the person's record holds: offering a phone they have not got only
    leads to a refusal."""
    if person is None:
        return []
    return [(v, label) for v, label in Share.choices if (person.phone if v == Share.PHONE else person.email)]


def _post_page(request, post: Post, form=None, status: int = 200):
    """The post, its responses and the response form (filled in again after a refusal)."""
    person = person_of(request.user)
    responses = [
        (r, selectors.contact_for(request.user, r)) for r in selectors.responses_seen_by(request.user, post)
    ]
    return render(
        request,
        "groups/post.html",
        {
            "post": post,
            "responses": responses,
            "is_poster": person is not None and person.pk == post.author_id,
            "has_responded": person is not None and any(r.responder_id == person.pk for r, _ in responses),
            "moderator": selectors.may_moderate_post(request.user, post),
            "shares": _shares_of(person),
            "form": form,
        },
        status=status,
    )


@role_required()
@require_POST
def response_decide(request, response_id: int):
    response = get_object_or_404(Response.objects.select_related("post"), pk=response_id)
    post = _post(request, response.post_id)
    try:
        if request.POST.get("action") == "accept":
            services.response_accept(
                user=request.user, response=response, share=request.POST.get("share", "")
            )
            who = response.responder.first_name
            messages.success(request, f"Accepted: you and {who} now see each other's chosen contact detail.")
        else:
            services.response_decline(user=request.user, response=response)
            messages.success(request, f"Declined: {response.responder.first_name} sees that you declined.")
    except Refused as e:
        return _soft(request, e, f"/groups/posts/{post.pk}/")
    return redirect("groups:post", post.pk)


@role_required()
@require_POST
def post_close(request, post_id: int):
    post = _post(request, post_id)
    services.post_close(user=request.user, post=post)
    return redirect("groups:post", post.pk)


@role_required()
@require_POST
def post_hide(request, post_id: int):
    post = _post(request, post_id)
    try:
        services.post_hide(user=request.user, post=post, reason=request.POST.get("reason", ""))
    except Refused as e:
        return _soft(request, e, f"/groups/posts/{post.pk}/")
    return redirect("groups:post", post.pk)


@role_required()
@require_POST
def group_event_new(request, group_id: int):
    """A member proposes an event of the group (a facilitator's is approved at once)."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    group = _group(request, group_id)
    if not selectors.may_facilitate(request.user, group):
        policies.may_propose_event(request.user, group)  # before reading the form: who may, first
    try:
        start = datetime.fromisoformat(
            f"{request.POST.get('day', '')}T{request.POST.get('time', '') or '19:00'}"
        )
    except ValueError:
        refused(
            request,
            Refused(
                "groups.invalid",
                "day and time: a date such as 2027-01-31 and a time such as 19:00",
                status=400,
            ),
        )
        return redirect("groups:detail", group.pk)
    start = timezone.make_aware(start, timezone.get_current_timezone())
    hours = request.POST.get("hours", "2")
    try:
        ge = services.group_event_propose(
            user=request.user,
            group=group,
            title=request.POST.get("title", ""),
            place=request.POST.get("place", ""),
            starts_at=start,
            ends_at=start + timedelta(hours=int(hours) if hours.isdigit() and 0 < int(hours) <= 24 else 2),
            description=request.POST.get("description", ""),
        )
    except Refused as e:
        return _soft(request, e, f"/groups/{group.pk}/")
    if ge.approved_at is None:
        messages.success(request, "Proposed: a facilitator will approve it before anyone else sees it.")
    return redirect("groups:detail", group.pk)


@role_required()
@require_POST
def group_event_decide(request, group_id: int, event_id: int):
    """A facilitator approves (action=approve) or declines a proposed event."""
    group = _group(request, group_id)
    ge = GroupEvent.objects.filter(group=group, event_id=event_id).first()
    if ge is None or not selectors.group_events(request.user, group).filter(pk=ge.pk).exists():
        raise Http404("no such event")
    title = ge.event.title
    try:
        if request.POST.get("action") == "approve":
            services.group_event_approve(user=request.user, group_event=ge)
            messages.success(request, f"Approved: {title} is published to the group.")
        else:
            services.group_event_decline(user=request.user, group_event=ge)
            messages.success(request, f"Declined: {title} is removed.")
    except Refused as e:
        return _soft(request, e, f"/groups/{group.pk}/")
    return redirect("groups:detail", group.pk)
