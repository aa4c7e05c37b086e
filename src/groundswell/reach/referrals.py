"""Referral links: every member has a personal link for the join/supporter pages and for
events. Whoever signs up or replies through it counts for the member who shared it.

The graph of who brought whom is never shown person by person: the referrer sees their own
counts (`own_counts`), branches and national see totals (`totals`), subject access gives a
count (and to the referred person only that they came through a link, not whose). A sign-up
keeps its *first* referrer; a member's own link does nothing for themselves.

Any sign-up flow calls `referral_record(person=..., token=...)` (the token from
`token_from_request`, which the landing page `/r/<token>/` put in the session); an event
reply calls `referral_record_reply(rsvp=..., token=...)`.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from groundswell.accounts.policies import Refused
from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
from groundswell.members.models import Branch, Membership, Person
from groundswell.members.selectors import current
from groundswell.reach.models import Referral, ReferralLink

SESSION_KEY = "reach.referral"


def link_token(person: Person) -> str:
    """The member's personal token (made on first use): 144 random bits, not their id."""
    link = ReferralLink.objects.filter(person=person).first()
    if link is not None:
        return link.token
    try:
        with transaction.atomic():
            return ReferralLink.objects.create(person=person, token=secrets.token_urlsafe(18)).token
    except IntegrityError:  # made by a concurrent request: use theirs
        return ReferralLink.objects.get(person=person).token


def referrer_for(token: str) -> Person | None:
    token = (token or "").strip()
    if not token or len(token) > 40:
        return None
    link = ReferralLink.objects.filter(token=token).select_related("person").first()
    if link is None or link.person.erased_at is not None:
        return None
    return link.person


def _branch_of(person: Person) -> int | None:
    return (
        Membership.objects.filter(current(), person=person)
        .order_by("joined_on", "pk")
        .values_list("branch_id", flat=True)
        .first()
    )


def referral_record(*, person: Person, token: str) -> bool:
    """A sign-up came through a link. Returns True if it counted: the person's first
    referral only (a later link never overwrites it), never their own link, never an
    unknown token (ignored silently: a sign-up must not fail for a stale link)."""
    referrer = referrer_for(token)
    if referrer is None or person is None or referrer.pk == person.pk:
        return False
    if Referral.objects.filter(kind=Referral.Kind.JOIN, person=person).exists():
        return False
    if Membership.objects.filter(person=person).count() > 1:
        # in the party before this sign-up (a sign-up finds an existing person by email):
        # nobody brought them in, whoever's link the form was posted through
        return False
    try:
        with transaction.atomic():
            Referral.objects.create(
                kind=Referral.Kind.JOIN, referrer=referrer, branch_id=_branch_of(referrer), person=person
            )
    except IntegrityError:  # a concurrent sign-up recorded the first referrer
        return False
    return True


def referral_record_reply(*, rsvp, token: str) -> bool:
    """A reply to an event came through a link (by a member or by email alone): counted
    once per reply, for the first link; a member's own link does not count."""
    referrer = referrer_for(token)
    if referrer is None or rsvp is None:
        return False
    if rsvp.person_id == referrer.pk or (referrer.email_key and rsvp.email_key == referrer.email_key):
        return False
    if Referral.objects.filter(kind=Referral.Kind.EVENT, rsvp=rsvp).exists():
        return False
    try:
        with transaction.atomic():
            Referral.objects.create(
                kind=Referral.Kind.EVENT,
                referrer=referrer,
                branch_id=_branch_of(referrer),
                person=rsvp.person,
                rsvp=rsvp,
            )
    except IntegrityError:
        return False
    return True


def remember(request, token: str) -> None:
    """The landing page keeps the token for the sign-up or reply that follows. An earlier
    link in the same session wins (the first referrer)."""
    request.session.setdefault(SESSION_KEY, token)


def token_from_request(request) -> str:
    return str(request.session.get(SESSION_KEY, "")) if hasattr(request, "session") else ""


def own_counts(person: Person | None) -> dict[str, int]:
    """How many a member brought in: counts, never names (not even for the member)."""
    if person is None:
        return {"joined": 0, "event_replies": 0}
    rows = dict(
        Referral.objects.filter(referrer=person).values_list("kind").annotate(n=Count("id")).order_by()
    )
    return {"joined": rows.get("join", 0), "event_replies": rows.get("event", 0)}


def may_see_totals(user) -> frozenset[int] | None:
    """National admins see every branch (None); organisers their own branches."""
    if is_national_admin(user):
        return None
    branches = organised_branch_ids(user)
    if not branches:
        raise Refused(
            "reach.referral_totals", "only organisers and national admins see these totals", status=403
        )
    return branches


def totals(user) -> list[dict]:
    """Per branch: sign-ups and event replies through members' links, and how many members
    brought someone in. Totals only: no row names a referrer or a recruit."""
    scope = may_see_totals(user)
    qs = Referral.objects.exclude(branch=None)
    if scope is not None:
        qs = qs.filter(branch_id__in=scope)
    rows = (
        qs.values("branch_id")
        .annotate(
            joined=Count("id", filter=Q(kind="join")),
            event_replies=Count("id", filter=Q(kind="event")),
            referrers=Count("referrer", distinct=True),
        )
        .order_by()
    )
    names = dict(Branch.objects.filter(pk__in=[r["branch_id"] for r in rows]).values_list("pk", "name"))
    return sorted(
        (
            {
                "branch": names.get(r["branch_id"], ""),
                "joined": r["joined"],
                "event_replies": r["event_replies"],
                "referrers": r["referrers"],
            }
            for r in rows
        ),
        key=lambda r: r["branch"],
    )
