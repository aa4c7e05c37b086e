"""Reads for vetting: cases in an officer's scope, a person's own, the panel's appeals,
refunds owed, and the counts by reason published with a result."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import F, QuerySet

from groundswell.members import selectors as members
from groundswell.members.models import Category, Membership
from groundswell.vetting.models import Appeal, Exclusion


def criteria() -> QuerySet:
    """The published criteria (the defaults are put back if the table is ever empty)."""
    from groundswell.vetting import criteria as defaults
    from groundswell.vetting.models import Criterion

    if not Criterion.objects.exists():
        defaults.ensure()
    return Criterion.objects.all()


def exclusions_for(user, *, ballot=None) -> QuerySet[Exclusion]:
    """Cases about people the user may see (all for a national admin or the command line)."""
    qs = Exclusion.objects.select_related("ballot", "person", "criterion", "proposed_by", "confirmed_by")
    if ballot is not None:
        qs = qs.filter(ballot=ballot)
    if user is None:
        return qs
    scope = members.branch_scope(user)
    if scope is None:
        return qs
    return qs.filter(person__in=members.visible_people(user).values("pk"))


def my_exclusions(person) -> list[Exclusion]:
    if person is None:
        return []
    return list(
        Exclusion.objects.filter(person=person)
        .exclude(state=Exclusion.State.PROPOSED)  # not decided yet: nothing to be told or to appeal
        .select_related("ballot", "criterion")
        .order_by("-in_force_at")
    )


def appeal_of(exclusion: Exclusion) -> Appeal | None:
    return Appeal.objects.filter(exclusion=exclusion).first()


def appeals() -> QuerySet[Appeal]:
    """Undecided first, oldest first."""
    return Appeal.objects.select_related(
        "exclusion__ballot", "exclusion__person", "exclusion__criterion", "decided_by"
    ).order_by(F("decided_at").asc(nulls_first=True), "lodged_at", "pk")


@dataclass(frozen=True)
class RefundOwed:
    exclusion: Exclusion
    amount_pence: int
    memberships: tuple[str, ...]

    @property
    def pounds(self) -> str:
        return f"{self.amount_pence / 100:.2f}"


def refunds_owed(user) -> list[RefundOwed]:
    """Excluded registered supporters (exclusion in force, not yet refunded) whose fee the
    payments ledger shows was taken: what they paid on their supporter memberships."""
    from groundswell.lifecycle.selectors import entries_by_membership
    from groundswell.vetting.policies import may_see_refunds

    may_see_refunds(user)
    cases = list(
        exclusions_for(user).filter(state=Exclusion.State.IN_FORCE, refunded_at__isnull=True).order_by("pk")
    )
    if not cases:
        return []
    supporter = {}
    for mid, pid, number in Membership.objects.filter(
        person_id__in=[c.person_id for c in cases], category=Category.REGISTERED_SUPPORTER
    ).values_list("pk", "person_id", "membership_number"):
        supporter.setdefault(pid, []).append((mid, number))
    entries = entries_by_membership([mid for rows in supporter.values() for mid, _ in rows])
    out = []
    for case in cases:
        held = supporter.get(case.person_id, [])
        paid = sum(e.amount_pence for mid, _ in held for e in entries.get(mid, []))
        if paid > 0:
            out.append(RefundOwed(case, paid, tuple(n for _, n in held)))
    return out


def published_counts(ballot) -> dict | None:
    """What is published with the result: exclusions in force by criterion, reinstatements
    and appeals, as counts only. None when the ballot had no vetting at all."""
    rows = list(Exclusion.objects.filter(ballot=ballot).select_related("criterion"))
    if not rows:
        return None
    in_force = Counter(e.criterion.code for e in rows if e.state == Exclusion.State.IN_FORCE)
    decisions = Counter(Appeal.objects.filter(exclusion__ballot=ballot).values_list("decision", flat=True))
    return {
        "version": 1,
        "in_force_by_reason": dict(sorted(in_force.items())),
        "reasons": {e.criterion.code: e.criterion.label for e in rows},
        "proposed_not_confirmed": sum(1 for e in rows if e.state == Exclusion.State.PROPOSED),
        "reinstated_on_appeal": sum(1 for e in rows if e.state == Exclusion.State.REINSTATED),
        "appeals": {
            "lodged": sum(decisions.values()),
            "allowed": decisions.get(Appeal.Decision.ALLOWED, 0),
            "dismissed": decisions.get(Appeal.Decision.DISMISSED, 0),
            "undecided": decisions.get("", 0),
        },
        "tendered": (ballot.result or {}).get("tendered", {"admitted": 0, "not_admitted": 0}),
    }


def panel_members() -> list:
    from groundswell.vetting.models import PanelMember

    return list(PanelMember.objects.select_related("user").order_by("appointed_at"))
