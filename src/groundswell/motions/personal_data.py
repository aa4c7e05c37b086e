"""What motions hold about a person: motions and amendments proposed, supports, comments."""

from groundswell.members.personal_data import account_of, iso, null_user, register
from groundswell.motions.models import Amendment, Comment, Motion, Support


def access(person) -> dict:
    account = account_of(person)
    return {
        "motions_proposed": list(Motion.objects.filter(proposer=person).values_list("title", flat=True)),
        "amendments_proposed": list(Amendment.objects.filter(proposer=person).values_list("pk", flat=True)),
        "supports": [
            {"motion": s.motion.title, "version": s.version, "at": iso(s.at)}
            for s in Support.objects.filter(person=person).select_related("motion")
        ],
        "comments": [
            {"motion": c.motion.title, "body": c.body, "at": iso(c.created_at)}
            for c in Comment.objects.filter(author=account).select_related("motion")
        ]
        if account
        else [],
    }


def erase(person) -> None:
    """Supports go (what is counted is the motion's fate, already recorded); comments stay in
    the thread, without their author or words; proposals stay, without the proposer."""
    account = account_of(person)
    Support.objects.filter(person=person).delete()
    if account is not None:
        Comment.objects.filter(author=account).update(
            author=None, author_name="(erased)", body="(removed at the author's request)"
        )
        null_user(Comment, "hidden_by", account)
        null_user(Motion, "created_by", account)
    Motion.objects.filter(proposer=person).update(proposer=None)
    Amendment.objects.filter(proposer=person).update(proposer=None)


register(
    "motions",
    models=["motions.Motion", "motions.Support", "motions.Amendment", "motions.Comment"],
    access=access,
    erase=erase,
)
