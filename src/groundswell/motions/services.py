"""Writes for motions: propose, support, amend, comment, moderate, vote, composite.

Votes go through the ballots services (`ballot_create` / `ballot_open_start` /
`ballot_cast_signed_in` / `ballot_close`); the outcome comes back by the `ballot_counted`
signal (see receivers.py), which carries amendments, applies them, then opens the vote
on the motion itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groundswell.accounts.policies import RuleError
from groundswell.accounts.services import audit_record
from groundswell.ballots import services as ballot_services
from groundswell.ballots.models import Ballot
from groundswell.core.motions import AmendmentFalls, apply_amendment
from groundswell.motions import policies, selectors
from groundswell.motions.models import Amendment, Comment, Motion, MotionRules, Support


class MotionError(RuleError):
    """What the motion's rules do not allow; the message says why, for the member to read."""


def _person(user):
    person = getattr(user, "person", None)
    if person is None:
        raise MotionError("your account is not linked to a membership")
    return person


def _require_member(user, branch_id: int | None, rules: MotionRules, doing: str) -> None:
    if not selectors.is_branch_member(user, branch_id, rules):
        where = "this branch" if branch_id else "the party"
        raise MotionError(f"only members of {where} can {doing}")


def _clean(title: str, subject: str, text: str) -> tuple[str, str, str]:
    title, subject, text = title.strip(), subject.strip(), text.strip()
    missing = [n for n, v in (("title", title), ("subject", subject), ("text", text)) if not v]
    if missing:
        raise MotionError("a motion needs a " + ", a ".join(missing))
    if len(title) > 200 or len(subject) > 80:
        raise MotionError("the title is at most 200 characters, the subject 80")
    return title, subject, text


@transaction.atomic
def motion_propose(*, user, branch, title: str, subject: str, text: str) -> Motion:
    rules = MotionRules.current()
    _require_member(user, branch.pk, rules, "propose a motion here")
    title, subject, text = _clean(title, subject, text)
    motion = Motion.objects.create(
        branch=branch,
        proposer=_person(user),
        created_by=user,
        title=title,
        subject=subject,
        text=text,
        proposed_text=text,
        supports_needed=selectors.supports_needed(branch.pk, rules),
    )
    return motion


@transaction.atomic
def motion_edit(
    *, user, motion: Motion, title: str, subject: str, text: str, restart_supports: bool = False
) -> Motion:
    """Edits a motion. Once members have supported it, they supported *that* text: an edit
    is only possible as a new version, which starts the supports again."""
    locked = Motion.objects.select_for_update().get(pk=motion.pk)
    if locked.proposer_id is None or locked.proposer_id != getattr(user.person, "pk", None):
        raise MotionError("only the proposer can edit a motion")
    if locked.status != Motion.Status.GATHERING:
        raise MotionError("a motion can only be edited while it gathers support")
    title, subject, text = _clean(title, subject, text)
    if locked.support_count and not restart_supports:
        raise MotionError(
            f"{locked.support_count} members have supported this text, so it cannot be edited; "
            "save it as a new version to start the supports again"
        )
    if locked.amendments.exists():
        raise MotionError("amendments have been proposed against this text, so it cannot be edited")
    if locked.support_count:
        locked.version += 1
        locked.support_count = 0
    locked.title, locked.subject, locked.text, locked.proposed_text = title, subject, text, text
    locked.updated_at = timezone.now()
    locked.save()
    return locked


def motion_support(*, user, motion: Motion) -> Motion:
    """Adds the user's support; the support that reaches the threshold sends it to a vote."""
    rules = MotionRules.current()
    with transaction.atomic():
        locked = Motion.objects.select_for_update().get(pk=motion.pk)
        _require_member(user, locked.branch_id, rules, "support this motion")
        if locked.status != Motion.Status.GATHERING:
            raise MotionError(f"this motion is no longer gathering support ({locked.get_status_display()})")
        person = _person(user)
        if person.pk == locked.proposer_id:
            raise MotionError("the proposer's support is taken as read: others must support it")
        _, created = Support.objects.get_or_create(motion=locked, person=person, version=locked.version)
        if not created:
            raise MotionError("you already support this motion")
        locked.support_count = F("support_count") + 1
        locked.save(update_fields=["support_count"])
        locked.refresh_from_db()
        if locked.support_count >= locked.supports_needed:
            _to_vote(locked, rules, actor=None)
    return locked


@transaction.atomic
def motion_withdraw(*, user, motion: Motion) -> Motion:
    locked = Motion.objects.select_for_update().get(pk=motion.pk)
    if locked.proposer_id != getattr(
        getattr(user, "person", None), "pk", None
    ) and not selectors.can_moderate(user, locked):
        raise MotionError("only the proposer or a moderator can withdraw a motion")
    if locked.status != Motion.Status.GATHERING:
        raise MotionError("a motion can only be withdrawn while it gathers support")
    locked.status = Motion.Status.WITHDRAWN
    locked.save(update_fields=["status"])
    return locked


@transaction.atomic
def amendment_propose(
    *, user, motion: Motion, delete_text: str, insert_text: str, reason: str = ""
) -> Amendment:
    rules = MotionRules.current()
    locked = Motion.objects.select_for_update().get(pk=motion.pk)
    _require_member(user, locked.branch_id, rules, "amend this motion")
    if locked.status != Motion.Status.GATHERING:
        raise MotionError("amendments are taken only while a motion gathers support")
    try:
        apply_amendment(locked.proposed_text, delete_text, insert_text)
    except AmendmentFalls as e:
        raise MotionError(f"this amendment cannot apply: {e}") from None
    return Amendment.objects.create(
        motion=locked,
        proposer=_person(user),
        delete_text=delete_text,
        insert_text=insert_text.strip() if not delete_text else insert_text,
        reason=reason.strip(),
        against_version=locked.version,
    )


@transaction.atomic
def comment_add(*, user, motion: Motion, body: str, parent: Comment | None = None) -> Comment:
    rules = MotionRules.current()
    if not selectors.can_moderate(user, motion):
        _require_member(user, motion.branch_id, rules, "join this debate")
    body = body.strip()
    if not body:
        raise MotionError("write something first")
    if len(body) > 5000:
        raise MotionError("a comment is at most 5,000 characters")
    if parent is not None and parent.motion_id != motion.pk:
        raise MotionError("that reply belongs to another motion")
    person = getattr(user, "person", None)
    name = f"{person.first_name} {person.last_name}".strip() if person else ""
    return Comment.objects.create(
        motion=motion, parent=parent, author=user, author_name=name or str(user), body=body
    )


@transaction.atomic
def comment_hide(*, user, comment: Comment, reason: str) -> Comment:
    if not selectors.can_moderate(user, comment.motion):
        raise MotionError("only a moderator can hide a comment")
    reason = reason.strip()
    if not reason:
        raise MotionError("give the reason for hiding it: the author and other moderators see it")
    comment.hidden_at = timezone.now()
    comment.hidden_by = user
    comment.hidden_reason = reason[:300]
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit_record(
        actor=user, action="motion.comment.hide", target=f"comment:{comment.pk}", detail={"reason": reason}
    )
    return comment


# -- votes -----------------------------------------------------------------------------------


def _open_vote(
    *, title: str, description: str, branch_id: int | None, days: int, rules: MotionRules, actor
) -> Ballot:
    now = timezone.now()
    ballot = ballot_services.ballot_create(
        actor=actor,
        title=title[:200],
        description=description,
        method=Ballot.Method.FPTP,
        seats=1,
        candidates=list(selectors.CHOICES),
        eligible_categories=rules.categories(),
        freeze_date=timezone.localdate(),
        opens_at=now,
        closes_at=now + timedelta(days=days),
        branch_id=branch_id,
        in_app=True,
    )
    return ballot_services.ballot_open_start(ballot=ballot, actor=actor)


def _to_vote(motion: Motion, rules: MotionRules, *, actor) -> None:
    """Amendments are voted on first; with none pending, the motion itself."""
    pending = list(motion.amendments.filter(status=Amendment.Status.PROPOSED))
    if pending:
        for n, amendment in enumerate(pending, 1):
            amendment.ballot = _open_vote(
                title=f"Amendment {n} to: {motion.title}",
                description=f"Delete: {amendment.delete_text}\nInsert: {amendment.insert_text}",
                branch_id=motion.branch_id,
                days=rules.amendment_vote_days,
                rules=rules,
                actor=actor,
            )
            amendment.status = Amendment.Status.VOTING
            amendment.save(update_fields=["ballot", "status"])
        motion.status = Motion.Status.AMENDING
    else:
        motion.ballot = _open_vote(
            title=f"Motion: {motion.title}",
            description=motion.text,
            branch_id=motion.branch_id,
            days=rules.vote_days,
            rules=rules,
            actor=actor,
        )
        motion.status = Motion.Status.VOTING
    motion.save(update_fields=["status", "ballot"])
    audit_record(actor=actor, action=f"motion.{motion.status}", target=f"motion:{motion.pk}")


def open_ballots(motion: Motion) -> list[Ballot]:
    if motion.status == Motion.Status.AMENDING:
        return [
            a.ballot
            for a in motion.amendments.filter(status=Amendment.Status.VOTING).select_related("ballot")
        ]
    if motion.status == Motion.Status.VOTING and motion.ballot:
        return [motion.ballot]
    return []


def vote_cast(*, user, ballot: Ballot, choice: str):
    """A signed-in member's secret vote For, Against or Abstain; returns the cast ballot."""
    if choice not in selectors.CHOICES:
        raise MotionError("vote For, Against or Abstain")
    person = getattr(user, "person", None)
    if person is None:
        raise MotionError("your account is not linked to a membership")
    try:
        return ballot_services.ballot_cast_signed_in(
            ballot=ballot, person=person, ranking=[selectors.CHOICES.index(choice)]
        )
    except ballot_services.BallotError as e:
        raise MotionError(str(e)) from None


def motion_close_votes(*, user, motion: Motion, confirm: bool = False) -> list[Ballot]:
    """Closes the votes now open on this motion (its amendments, or the motion itself).
    Before their advertised closing time only with `confirm` (motions.policies)."""
    motion = Motion.objects.get(pk=motion.pk)
    if not selectors.can_moderate(user, motion):
        raise MotionError("only the branch's organisers or a national admin can close a vote")
    ballots = [b for b in open_ballots(motion) if b.status == Ballot.Status.OPEN]
    if not ballots:
        raise MotionError("no vote is open on this motion")
    policies.may_close_votes_early(ballots, confirm=confirm)
    return [ballot_services.ballot_close(ballot=b, actor=user, confirm=True) for b in ballots]


@transaction.atomic
def ballot_decided(*, ballot: Ballot) -> None:
    """A counted motion or amendment ballot: publish it, record the outcome, move on."""
    result = selectors.vote_result(ballot)
    if result is None:
        return
    amendment = Amendment.objects.select_related("motion").filter(ballot=ballot).first()
    motion = Motion.objects.filter(ballot=ballot).first()
    if amendment is None and motion is None:
        return
    if ballot.status == Ballot.Status.COUNTED:
        ballot_services.ballot_publish(ballot=ballot, actor=None)
    if amendment is not None:
        if amendment.status != Amendment.Status.VOTING:
            return
        amendment.status = Amendment.Status.CARRIED if result.carried else Amendment.Status.LOST
        amendment.save(update_fields=["status"])
        _after_amendments(Motion.objects.select_for_update().get(pk=amendment.motion_id))
    elif motion.status == Motion.Status.VOTING:
        motion.status = Motion.Status.CARRIED if result.carried else Motion.Status.LOST
        motion.save(update_fields=["status"])
        audit_record(actor=None, action=f"motion.{motion.status}", target=f"motion:{motion.pk}")


def _after_amendments(motion: Motion) -> None:
    """Once every amendment is decided: apply the carried ones in order, then vote on the motion."""
    if motion.status != Motion.Status.AMENDING:
        return
    amendments = list(motion.amendments.order_by("created_at", "pk"))
    if any(a.status == Amendment.Status.VOTING for a in amendments):
        return
    text = motion.proposed_text
    for a in amendments:
        if a.status != Amendment.Status.CARRIED:
            continue
        try:
            text = apply_amendment(text, a.delete_text, a.insert_text)
        except AmendmentFalls as e:
            a.status = Amendment.Status.FELL
            a.fell_because = f"an earlier amendment changed the text: {e}"[:200]
            a.save(update_fields=["status", "fell_because"])
    motion.text = text
    motion.save(update_fields=["text"])
    _to_vote(motion, MotionRules.current(), actor=None)


# -- national --------------------------------------------------------------------------------


@transaction.atomic
def motion_send_national(*, user, motion: Motion) -> Motion:
    if motion.branch_id is None or not selectors.can_moderate(user, motion):
        raise MotionError("only the branch's organisers can send its motion to the national level")
    if motion.status != Motion.Status.CARRIED:
        raise MotionError("only a motion the branch has carried can go to the national level")
    if motion.sent_to_national_at is None:
        motion.sent_to_national_at = timezone.now()
        motion.save(update_fields=["sent_to_national_at"])
        audit_record(actor=user, action="motion.send_national", target=f"motion:{motion.pk}")
    return motion


@transaction.atomic
def composite_create(*, user, title: str, subject: str, text: str, motions: Sequence[Motion]) -> Motion:
    """A national motion written from branch motions on one subject, put to a national vote."""
    from groundswell.accounts.selectors import is_national_admin

    if not is_national_admin(user):
        raise MotionError("only a national admin can composite motions")
    title, subject, text = _clean(title, subject, text)
    sources = list(Motion.objects.select_for_update().filter(pk__in=[m.pk for m in motions]))
    if not sources:
        raise MotionError("choose the motions this composite comes from")
    for m in sources:
        if m.sent_to_national_at is None or m.status != Motion.Status.CARRIED:
            raise MotionError(f"“{m.title}” has not been carried and sent to the national level")
        if m.composite_id:
            raise MotionError(f"“{m.title}” is already part of a composite")
    rules = MotionRules.current()
    composite = Motion.objects.create(
        branch=None,
        created_by=user,
        title=title,
        subject=subject,
        text=text,
        proposed_text=text,
        supports_needed=0,
    )
    Motion.objects.filter(pk__in=[m.pk for m in sources]).update(composite=composite)
    _to_vote(composite, rules, actor=user)
    audit_record(
        actor=user,
        action="motion.composite",
        target=f"motion:{composite.pk}",
        detail={"from": [m.pk for m in sources]},
    )
    return composite
