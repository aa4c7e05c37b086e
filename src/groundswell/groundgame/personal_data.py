"""What the ground game holds about a (volunteer) person: sign-ups, walk lists, the contacts
and corrections they recorded, sessions and imports they ran. (Electors on the register are
the register's, refreshed from electoral services' files, not member records.)"""

from groundswell.groundgame.models import (
    CanvassSession,
    Contact,
    RegisterCorrection,
    RegisterImport,
    SessionSignup,
    WalkListAssignment,
)
from groundswell.members.personal_data import account_of, iso, null_user, register


def access(person) -> dict:
    user = account_of(person)
    if user is None:
        return {}
    return {
        "canvass_signups": [
            {"session": s.session.title, "starts_at": iso(s.session.starts_at)}
            for s in SessionSignup.objects.filter(user=user).select_related("session")
        ],
        "walk_lists": list(
            WalkListAssignment.objects.filter(user=user).values_list("walk_list__name", flat=True)
        ),
        "contacts_recorded": Contact.objects.filter(canvasser=user).count(),
        "corrections_submitted": RegisterCorrection.objects.filter(submitted_by=user).count(),
    }


def erase(person) -> None:
    user = account_of(person)
    if user is None:
        return
    SessionSignup.objects.filter(user=user).delete()
    WalkListAssignment.objects.filter(user=user).delete()
    for model, field in (
        (Contact, "canvasser"),
        (RegisterCorrection, "submitted_by"),
        (CanvassSession, "created_by"),
        (RegisterImport, "imported_by"),
    ):
        null_user(model, field, user)


register(
    "groundgame",
    models=[
        "groundgame.SessionSignup",
        "groundgame.WalkListAssignment",
        "groundgame.Contact",
        "groundgame.RegisterCorrection",
        "groundgame.CanvassSession",
        "groundgame.RegisterImport",
    ],
    access=access,
    erase=erase,
)
