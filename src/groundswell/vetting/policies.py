"""Who may do what in vetting: one function per action, called by the services (so pages,
API and CLI cannot skip them), each raising the project's one refusal.

Officers are national admins and branch organisers; an organiser acts only for people in
their own branches, and anyone else's case is not theirs to know of (404). The appeal panel
is named by national admins; nobody sits on an appeal against an exclusion they proposed or
confirmed. The returning officer runs the ballot and stays out of who is on its electorate.
"""

from __future__ import annotations

from groundswell.accounts.policies import Refused
from groundswell.accounts.selectors import is_national_admin
from groundswell.members import selectors as members
from groundswell.members.selectors import person_of
from groundswell.vetting.models import Exclusion, PanelMember


def _officer(user) -> None:
    if not members.can_manage_members(user):
        raise Refused(
            "vetting.officer", "only membership officers (organisers, national admins) vet electorates"
        )


def _in_scope(user, person) -> None:
    if not members.visible_people(user).filter(pk=person.pk).exists():
        raise Refused("vetting.not_found", "no such person", status=404)


def is_panel(user) -> bool:
    return getattr(user, "is_authenticated", False) and PanelMember.objects.filter(user=user).exists()


def may_list(user) -> None:
    """The officers' list of exclusions (their branches' people only); `None` is the command
    line, run by whoever holds the server."""
    if user is not None:
        _officer(user)


def may_propose(user, person) -> None:
    _officer(user)
    _in_scope(user, person)


def may_see_case(user, exclusion: Exclusion) -> None:
    """A case: officers with the person in scope, and the appeal panel."""
    if is_panel(user):
        return
    _officer(user)
    _in_scope(user, exclusion.person)


def may_confirm(user, exclusion: Exclusion) -> None:
    """An exclusion on political grounds: a second officer, not the one who proposed it."""
    _officer(user)
    _in_scope(user, exclusion.person)
    if exclusion.proposed_by_id is not None and exclusion.proposed_by_id == getattr(user, "pk", None):
        raise Refused(
            "vetting.second_officer",
            "an exclusion on political grounds needs a second, different officer to confirm it",
        )


def may_appeal(user, exclusion: Exclusion) -> None:
    """Only the person excluded; to anyone else the case does not exist."""
    person = person_of(user)
    if person is None or person.pk != exclusion.person_id:
        raise Refused("vetting.not_found", "no such exclusion", status=404)


def may_see_appeals(user) -> None:
    if not (is_panel(user) or is_national_admin(user)):
        raise Refused("vetting.panel", "only the appeal panel (and national admins) see appeals")


def may_decide(user, exclusion: Exclusion) -> None:
    """A member of the panel with no part in the case: neither an officer who proposed or
    confirmed the exclusion, nor the excluded person (who would admit their own paper)."""
    if not is_panel(user):
        raise Refused("vetting.panel", "only members of the appeal panel decide appeals")
    person = person_of(user)
    if person is not None and person.pk == exclusion.person_id:
        raise Refused(
            "vetting.conflict",
            "this is your own appeal: another member of the panel must decide it",
        )
    if getattr(user, "pk", None) in (exclusion.proposed_by_id, exclusion.confirmed_by_id):
        raise Refused(
            "vetting.conflict",
            "you proposed or confirmed this exclusion: another member of the panel must decide the appeal",
        )


def may_appoint_panel(user) -> None:
    if user is not None and not is_national_admin(user):
        raise Refused("vetting.appoint", "only national admins name the appeal panel")


def may_see_refunds(user) -> None:
    _officer(user)


def may_record_refund(user, exclusion: Exclusion) -> None:
    _officer(user)
    _in_scope(user, exclusion.person)
