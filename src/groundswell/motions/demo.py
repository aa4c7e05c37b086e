"""Demo motions in Derby North (synthetic): one gathering support with an amendment, one
being voted on. The demo member can support the first (sending it to its amendment vote)
and vote on the second."""

from __future__ import annotations

from groundswell.ballots import services as ballot_services
from groundswell.ballots.models import Ballot
from groundswell.motions import services
from groundswell.motions.models import Motion, MotionRules

GATHERING = "Bring rail back into public ownership (synthetic demo)"
VOTING = "Open the branch office on Saturdays (synthetic demo)"


def _open_now(motion: Motion) -> None:
    """Opens the motion's ballots at once rather than waiting for the task worker."""
    for ballot in services.open_ballots(motion):
        if ballot.status == Ballot.Status.OPENING:
            ballot_services.ballot_open(ballot_id=ballot.pk)


def demo_motions(*, branch, proposer, organiser, supporters) -> None:
    rules = MotionRules.current()
    rules.support_count = 3
    rules.save()
    if not Motion.objects.filter(title=GATHERING).exists():
        m = services.motion_propose(
            user=proposer,
            branch=branch,
            title=GATHERING,
            subject="Transport",
            text="This branch believes that the railways should be run for passengers, not profit.\n\n"
            "It calls on the party to commit to bringing rail franchises back into public ownership "
            "as they expire.",
        )
        services.amendment_propose(
            user=organiser,
            motion=m,
            delete_text="as they expire.",
            insert_text="as they expire, and to cap fares for commuters.",
            reason="Fares matter as much as ownership to people in Derby.",
        )
        services.comment_add(user=organiser, motion=m, body="Worth bringing to the next branch meeting.")
        for u in supporters[:2]:
            services.motion_support(user=u, motion=m)
    if not Motion.objects.filter(title=VOTING).exists():
        m = services.motion_propose(
            user=organiser,
            branch=branch,
            title=VOTING,
            subject="Organisation",
            text="This branch resolves to open its office every Saturday from 10:00 to 13:00 for members "
            "and canvassers.",
        )
        for u in [proposer, *supporters][:3]:
            services.motion_support(user=u, motion=m)
        _open_now(Motion.objects.get(pk=m.pk))
