"""Demo working groups in Derby North (synthetic): two groups, each with a solidarity board,
and a post on the branch's own board. The demo member is in the first group and has asked
to join the second; one of their responses waits for the poster to accept, and the event
they proposed for the first waits for its facilitator's approval."""

from __future__ import annotations

from groundswell.groups import services
from groundswell.groups.models import WorkingGroup

FOOD_BANK = "Derby North food bank crew (synthetic demo)"
LIFTS = "Lifts and childcare for canvassers (synthetic demo)"


def demo_groups(*, branch, facilitator, member, others) -> None:
    if WorkingGroup.objects.filter(name=FOOD_BANK).exists():
        return
    food = services.group_create(
        user=facilitator,
        name=FOOD_BANK,
        purpose="Synthetic demo group. Volunteers who staff the food bank on Normanton Road: "
        "shifts, collections at canvass sessions, and lifts for donations.",
        branch=branch,
        join_policy="open",
        visibility="party",
    )
    lifts = services.group_create(
        user=facilitator,
        name=LIFTS,
        purpose="Synthetic demo group. Members sharing lifts to canvass sessions and minding "
        "each other's children while they knock doors.",
        branch=branch,
        join_policy="request",
        visibility="members",
    )
    for u in [member, *others]:
        services.group_join(user=u, group=food)
    services.group_join(user=member, group=lifts)  # waits for the facilitator to approve
    for u in others:
        services.group_join(user=u, group=lifts)
        services.group_approve(user=facilitator, group=lifts, person_id=u.person_id)
    shift = services.post_create(
        user=facilitator,
        group=food,
        kind="request",
        topic="foodbank",
        title="Two people for the Saturday morning shift",
        body="Synthetic demo post. 9am to 12, sorting and packing.",
    )
    services.response_create(user=member, post=shift, share="email", message="I can do this Saturday.")
    if others:
        services.post_create(
            user=others[0],
            group=lifts,
            kind="offer",
            topic="childcare",
            title="Childcare on Sunday afternoon while you canvass",
            body="Synthetic demo post. Two children at most, at my house near the Arboretum.",
        )
        services.post_create(
            user=others[0],
            group=lifts,
            kind="offer",
            topic="lift",
            title="Lift from Mickleover to the Sunday canvass",
            body="Synthetic demo post. Three seats.",
        )
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    start = datetime.combine(
        timezone.localdate() + timedelta(days=6), time(10), timezone.get_current_timezone()
    )
    services.group_event_propose(  # a volunteer's proposal: waits for the facilitator's approval
        user=member,
        group=food,
        title="Food bank collection at the Saturday canvass (synthetic demo)",
        place="Derby Market Place",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        description="Synthetic demo event proposed by a volunteer.",
    )
    services.post_create(
        user=facilitator,
        branch=branch,
        kind="offer",
        topic="form",
        title="Help with benefit and postal-vote forms",
        body="Synthetic demo post. Tuesday evenings at the branch office.",
    )
