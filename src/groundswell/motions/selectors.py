"""Reads for motions: who may take part, what a user sees, where a motion stands."""

from __future__ import annotations

import math
from dataclasses import dataclass

from groundswell.accounts.models import Role
from groundswell.accounts.selectors import has_role, organised_branch_ids
from groundswell.core.motions import word_diff
from groundswell.members.models import Membership
from groundswell.members.selectors import current, current_branch_ids, person_of
from groundswell.motions.models import Amendment, Comment, Motion, MotionRules

CHOICES = ("For", "Against", "Abstain")


def member_branch_ids(user, rules: MotionRules | None = None) -> set[int]:
    """Branches in which this user may propose, support and vote (their own memberships)."""
    person = person_of(user)
    return current_branch_ids(person, (rules or MotionRules.current()).categories())


def is_branch_member(user, branch_id: int | None, rules: MotionRules | None = None) -> bool:
    if branch_id is None:  # national: any member of the party
        return bool(member_branch_ids(user, rules))
    return branch_id in member_branch_ids(user, rules)


def can_moderate(user, motion: Motion) -> bool:
    """National admins moderate everything; a branch organiser their own branch's motions."""
    if has_role(user, Role.NATIONAL_ADMIN):
        return True
    return motion.branch_id is not None and motion.branch_id in organised_branch_ids(user)


def supports_needed(branch_id: int, rules: MotionRules) -> int:
    """The threshold: a number of supports, or a share of the branch's members if larger."""
    needed = rules.support_count
    if rules.support_share_percent:
        members = (
            Membership.objects.filter(current(), branch_id=branch_id, category__in=rules.categories())
            .values("person_id")
            .distinct()
            .count()
        )
        needed = max(needed, math.ceil(members * rules.support_share_percent / 100))
    return max(needed, 1)


def motions_list(
    *, branch_id: int | None = None, status: str = "", subject: str = "", national: bool = False
):
    qs = Motion.objects.select_related("branch").only(
        "pk",
        "title",
        "subject",
        "status",
        "support_count",
        "supports_needed",
        "created_at",
        "branch__name",
        "branch__ons_code",
        "branch_id",
    )
    if national:
        qs = qs.filter(branch__isnull=True)
    elif branch_id:
        qs = qs.filter(branch_id=branch_id)
    if status:
        qs = qs.filter(status=status)
    if subject:
        qs = qs.filter(subject__iexact=subject)
    return qs.order_by("-created_at", "-pk")


def visible_comments(motion: Motion, user) -> list[Comment]:
    """Comments in thread order (each reply after its parent), hidden ones only for moderators."""
    moderator = can_moderate(user, motion)
    rows = list(Comment.objects.filter(motion=motion).order_by("created_at", "pk"))
    children: dict[int | None, list[Comment]] = {}
    for c in rows:
        children.setdefault(c.parent_id, []).append(c)
    out: list[Comment] = []

    def walk(parent_id, depth):
        for c in children.get(parent_id, []):
            c.depth = min(depth, 6)
            c.visible_body = not c.hidden_at or moderator
            out.append(c)
            walk(c.pk, depth + 1)

    walk(None, 0)
    return out


@dataclass(frozen=True)
class VoteResult:
    counts: dict[str, int]
    cast: int
    electorate: int
    carried: bool

    @property
    def turnout_percent(self) -> float:
        return 100 * self.cast / self.electorate if self.electorate else 0.0


def vote_result(ballot) -> VoteResult | None:
    """For / against / abstain from a counted ballot: carried when more for than against."""
    if ballot is None or not ballot.result:
        return None
    tallies = ballot.result["rounds"][0]["tallies"] if ballot.result.get("rounds") else {}
    counts = {c: int(tallies.get(c, 0)) for c in CHOICES}
    return VoteResult(
        counts=counts,
        cast=sum(counts.values()),
        electorate=ballot.electorate_size,
        carried=counts["For"] > counts["Against"],
    )


def amendment_diff(amendment: Amendment, text: str):
    """The amendment as a diff against `text` (the motion as it stands), or None if it falls."""
    from groundswell.core.motions import AmendmentFalls, apply_amendment

    try:
        return word_diff(text, apply_amendment(text, amendment.delete_text, amendment.insert_text))
    except AmendmentFalls:
        return None
