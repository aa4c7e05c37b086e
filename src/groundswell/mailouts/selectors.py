"""Reads for mail-outs: who is in a segment, and who of them may be emailed."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from groundswell.accounts.models import Role
from groundswell.accounts.selectors import has_role, organised_branch_ids
from groundswell.events.models import Rsvp
from groundswell.mailouts.models import MailOut
from groundswell.members.models import Membership, Person
from groundswell.members.selectors import current
from groundswell.motions.models import Support


def segment_people(mailout: MailOut) -> QuerySet[Person]:
    """Everyone in the segment, consent or not (see `recipients`)."""
    if mailout.segment in (MailOut.Segment.BRANCH, MailOut.Segment.CATEGORY):
        memberships = Membership.objects.filter(current())
        if mailout.branch_id:
            memberships = memberships.filter(branch_id=mailout.branch_id)
        if mailout.segment == MailOut.Segment.CATEGORY:
            memberships = memberships.filter(category=mailout.category)
        return Person.objects.filter(pk__in=memberships.values("person_id"))
    if mailout.segment == MailOut.Segment.EVENT:
        going = Rsvp.objects.filter(event_id=mailout.event_id, status=Rsvp.Status.GOING, person__isnull=False)
        return Person.objects.filter(pk__in=going.values("person_id"))
    if mailout.segment == MailOut.Segment.GROUP:
        from groundswell.groups.selectors import mailout_people

        return mailout_people(mailout.group)
    motion = mailout.motion
    supporters = Support.objects.filter(motion=motion, version=motion.version).values("person_id")
    return Person.objects.filter(Q(pk__in=supporters) | Q(pk=motion.proposer_id or 0))


def recipients(mailout: MailOut) -> QuerySet[Person]:
    """Those who may be emailed now: consent given (and not withdrawn), an address, not erased.
    Read afresh for every batch, so an unsubscribe is honoured at once."""
    return (
        segment_people(mailout)
        .filter(consent_email_on__isnull=False, erased_at__isnull=True)
        .exclude(email="")
        .order_by("pk")
    )


def mailouts_for(user) -> QuerySet[MailOut]:
    qs = MailOut.objects.select_related("branch", "event", "motion", "created_by")
    if has_role(user, Role.NATIONAL_ADMIN):
        return qs
    return qs.filter(created_by=user)


def segment_branch_id(mailout: MailOut) -> int | None:
    if mailout.segment == MailOut.Segment.EVENT:
        return mailout.event.branch_id
    if mailout.segment == MailOut.Segment.MOTION:
        return mailout.motion.branch_id
    return mailout.branch_id


def may_send(user, mailout: MailOut) -> bool:
    """National admins email anyone; a branch organiser only segments within their branch."""
    if has_role(user, Role.NATIONAL_ADMIN):
        return True
    if mailout.segment == MailOut.Segment.GROUP:
        from groundswell.groups.selectors import may_facilitate

        return mailout.group is not None and may_facilitate(user, mailout.group)
    if mailout.segment == MailOut.Segment.EVENT:
        from groundswell.events.selectors import visible_events

        # an event they may not see (a group event awaiting approval, a hidden group's) is
        # not theirs to email about, whichever branch runs it
        if not visible_events(user).filter(pk=mailout.event_id).exists():
            return False
    branch_id = segment_branch_id(mailout)
    return branch_id is not None and branch_id in organised_branch_ids(user)
