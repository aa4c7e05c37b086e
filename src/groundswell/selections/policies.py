"""Who may do what in a selection: one function per action, called by the services.

The panel is the branch's organisers and national admins; an organiser of another branch
is refused as if the selection were not theirs to know about beyond its published page.
"""

from __future__ import annotations

from groundswell.accounts.policies import Refused
from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
from groundswell.members.selectors import current_branch_ids, person_of
from groundswell.selections.models import Selection, TriggerBallot


def is_panel(user, selection: Selection) -> bool:
    return is_national_admin(user) or selection.branch_id in organised_branch_ids(user)


def may_run(user, *, branch) -> None:
    """Open a selection: the branch's organisers or national admins."""
    if not (is_national_admin(user) or branch.pk in organised_branch_ids(user)):
        raise Refused("selections.run", "only the branch's organisers or national admins run its selections")


def may_see(user, selection: Selection) -> None:
    """The timetable (and, once confirmed, the shortlist): the branch's members and the panel."""
    if is_panel(user, selection):
        return
    person = person_of(user)
    if person is None or selection.branch_id not in current_branch_ids(person):
        raise Refused("selections.not_found", "no such selection", status=404)


def may_apply(user, selection: Selection):
    person = person_of(user)
    if person is None or person.erased_at:
        raise Refused("selections.member", "only members can apply", status=403)
    return person


def may_decide(user, selection: Selection) -> None:
    if not is_panel(user, selection):
        raise Refused("selections.panel", "only the branch's organisers or national admins sit on its panel")


def may_read_applications(user, selection: Selection) -> None:
    may_decide(user, selection)


def may_open_any(user) -> None:
    """Reach the form to open a selection at all: an organiser of some branch or an admin."""
    if not (is_national_admin(user) or organised_branch_ids(user)):
        raise Refused("selections.run", "only branch organisers or national admins run selections")


def may_configure_affiliates(user) -> None:
    """Which affiliates are trade unions and which socialist societies: national admins."""
    if not is_national_admin(user):
        raise Refused("selections.affiliates", "only national admins configure affiliates")


def may_run_nominations(user, selection: Selection) -> None:
    """Open and close the branch's nomination vote, record an affiliate's decision: the panel."""
    if not is_panel(user, selection):
        raise Refused("selections.panel", "only the branch's organisers or national admins run nominations")


def is_trigger_runner(user, trigger: TriggerBallot) -> bool:
    return is_national_admin(user) or trigger.branch_id in organised_branch_ids(user)


def may_run_triggers(user, trigger: TriggerBallot) -> None:
    """Record sections, hold the branch's ballot, publish: the branch's organisers or admins;
    another branch's organiser is told nothing (404)."""
    if is_national_admin(user) or trigger.branch_id in organised_branch_ids(user):
        return
    may_see_trigger(user, trigger)
    raise Refused(
        "selections.panel", "only the branch's organisers or national admins run its trigger ballot"
    )


def may_see_trigger(user, trigger: TriggerBallot) -> None:
    """The trigger ballot's page (its result once published): the branch's members and organisers."""
    if is_national_admin(user) or trigger.branch_id in organised_branch_ids(user):
        return
    person = person_of(user)
    if person is None or trigger.branch_id not in current_branch_ids(person):
        raise Refused("selections.not_found", "no such trigger ballot", status=404)


def may_vote(user):
    """Vote in the app: a member (the ballot's own electorate then decides)."""
    person = person_of(user)
    if person is None or person.erased_at:
        raise Refused("selections.member", "only members vote", status=403)
    return person
