"""A demo vetting case (synthetic): in the open demo ballot, a member excluded by the demo
national admin for abusive conduct, who has appealed; the demo branch organiser sits on the
appeal panel and can decide it at /vetting/appeals/ (nobody decides an appeal against their
own exclusion). And a case on political grounds waiting for a second officer. Safe to run
again: it adds nothing twice."""

from __future__ import annotations

from groundswell.ballots.models import Ballot, Elector, SpentCredential
from groundswell.vetting import services
from groundswell.vetting.models import Exclusion

MARK = "(synthetic demo case)"


def demo_vetting(*, ballot: Ballot | None, organiser, admin, exclude_person_ids: set[int]) -> str:
    if ballot is None or ballot.status != Ballot.Status.OPEN:
        return "no open ballot"
    services.panel_appoint(actor=admin, user=organiser)
    if Exclusion.objects.filter(ballot=ballot, evidence__endswith=MARK).exists():
        return "already loaded"
    voted = SpentCredential.objects.filter(ballot=ballot).values("elector_id")
    candidates = list(
        Elector.objects.filter(ballot=ballot, person__synthetic=True)
        .exclude(pk__in=voted)
        .exclude(person_id__in=exclude_person_ids)
        .select_related("person")
        .order_by("pk")[:2]
    )
    if len(candidates) < 2:
        return "too few electors"
    first, second = (e.person for e in candidates)
    case = services.exclusion_propose(
        actor=admin,
        ballot=ballot,
        person=first,
        criterion="abuse",
        evidence=f"Threatening replies to a councillor online, 3 and 4 May (screenshots held) {MARK}",
        confirm=True,
    )
    # the member appeals from their own account (synthetic, with no usable password)
    account = type(admin).objects.filter(person=first).first() or type(admin).objects.create_user(
        email=first.email or f"demo-appellant-{first.pk}@example.org", password=None, person=first
    )
    services.appeal_lodge(
        actor=account,
        exclusion=case,
        statement=f"The account that posted those replies is not mine; I have reported it as fake. {MARK}",
    )
    services.exclusion_propose(
        actor=admin,
        ballot=ballot,
        person=second,
        criterion="supports_another_party",
        evidence=f"Listed as a nominator of another party's council candidate in May {MARK}",
    )
    return f"2 cases in {ballot.title}: one appealed, one waiting for a second officer"
