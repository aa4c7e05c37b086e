"""Writes for vetting. Each checks its policy, runs in one transaction and is audited (the
trail records who did what to which case, never the evidence or the appeal statement:
those stay in the case, covered by subject access and erasure).

What an exclusion does to the ballot is the ballots part's (ballots.services.tendered):
while it is in force the person's code casts only a tendered paper; an appeal allowed
before the count admits that paper to the count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from groundswell.accounts.policies import NeedsConfirmation, Refused
from groundswell.accounts.services import audit_record
from groundswell.ballots import services as ballots
from groundswell.ballots.models import Ballot
from groundswell.vetting import policies, selectors
from groundswell.vetting.models import Appeal, Criterion, Exclusion, PanelMember

APPEAL_DAYS = 7  # settings.VETTING_APPEAL_DAYS overrides


def appeal_days() -> int:
    return int(getattr(settings, "VETTING_APPEAL_DAYS", APPEAL_DAYS))


def _when(dt: datetime) -> str:
    """As the pages write it ("6 December 2026 at 20:46"), not "06 December"."""
    local = timezone.localtime(dt)
    return f"{local.day} {local:%B %Y at %H:%M}"


def _site() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def _notice(ex: Exclusion) -> EmailMessage | None:
    """The legal notice of an exclusion. Sent whatever the person's email consent: consent
    governs campaigning mail, and this is a decision about their own vote that they have a
    right to be told of, with the reason, the evidence and how to appeal (as their voting
    code is sent without consent). Without an email address the officer's page says to post it."""
    person = ex.person
    if not person.email:
        return None
    body = (
        f"Dear {person.first_name or 'member'},\n\n"
        f"You have been excluded from the electorate of: {ex.ballot.title}\n\n"
        f"Reason: {ex.criterion.label}\n"
        + (f"{ex.criterion.description}\n" if ex.criterion.description else "")
        + f"Evidence relied on: {ex.evidence}\n\n"
        f"You can appeal until {_when(ex.appeal_deadline)}, with a statement, on your page:\n"
        f"{_site()}/me/vetting/\n"
        "An appeal panel (none of whom took part in this decision) decides, with reasons.\n\n"
        "You can still vote with your voting code: your vote will be a tendered ballot, sealed like "
        "every other but set aside, and counted only if your appeal is allowed before the count.\n"
    )
    return EmailMessage(f"Your vote in {ex.ballot.title}: you have been excluded", body, to=[person.email])


def _decision_notice(appeal: Appeal) -> EmailMessage | None:
    ex = appeal.exclusion
    if not ex.person.email:
        return None
    outcome = {
        Appeal.Paper.ADMITTED: "Your tendered ballot will be counted.",
        Appeal.Paper.TOO_LATE: "The count had already begun, so your tendered ballot could not be counted.",
        Appeal.Paper.NONE: "You can now vote with your voting code as any other elector.",
    }
    body = (
        f"Dear {ex.person.first_name or 'member'},\n\n"
        f"The appeal panel has decided your appeal against your exclusion from {ex.ballot.title}: "
        f"{appeal.get_decision_display()}.\n\nReasons: {appeal.reasons}\n\n"
        + (outcome.get(appeal.paper, "") + "\n" if appeal.decision == Appeal.Decision.ALLOWED else "")
        + f"\nYour page: {_site()}/me/vetting/\n"
    )
    return EmailMessage(f"Your appeal: {ex.ballot.title}", body, to=[ex.person.email])


def _bring_into_force(ex: Exclusion, actor) -> None:
    # the ballot refuses (and everything rolls back) if the person has already voted
    ballots.elector_must_tender(ballot=ex.ballot, person=ex.person)
    now = timezone.now()
    ex.state = Exclusion.State.IN_FORCE
    ex.in_force_at = now
    ex.appeal_deadline = now + timedelta(days=appeal_days())
    ex.notified_by_email = bool(ex.person.email)
    ex.save(update_fields=["state", "in_force_at", "appeal_deadline", "notified_by_email"])
    message = _notice(ex)
    if message is not None:
        transaction.on_commit(message.send)
    audit_record(
        actor=actor,
        action="vetting.in_force",
        target=f"exclusion:{ex.pk}",
        detail={
            "ballot": ex.ballot_id,
            "deadline": ex.appeal_deadline.isoformat(),
            "emailed": ex.notified_by_email,
        },
    )


@transaction.atomic
def exclusion_propose(
    *, actor, ballot: Ballot, person, criterion: str, evidence: str, confirm: bool = False
) -> Exclusion:
    """Proposes to exclude `person` from `ballot`'s electorate for a published criterion, on
    evidence the person will be shown. In force at once, unless the criterion is political:
    then a second officer confirms it (exclusion_confirm). Being in force at once (and
    emailing the person a notice) cannot be undone but by an appeal, so without `confirm`
    a non-political exclusion raises NeedsConfirmation saying who, which ballot and that an
    email goes."""
    policies.may_propose(actor, person)
    crit = selectors.criteria().filter(code=criterion).first()
    if crit is None:
        codes = ", ".join(Criterion.objects.values_list("code", flat=True))
        raise Refused(
            "vetting.invalid", f"criterion: {criterion!r} is not a published criterion ({codes})", status=422
        )
    if not evidence.strip():
        raise Refused(
            "vetting.invalid",
            "evidence: required (the person is shown what the exclusion rests on)",
            status=422,
        )
    if ballot.status in (Ballot.Status.COUNTED, Ballot.Status.PUBLISHED):
        raise Refused(
            "vetting.counted", "this ballot has been counted: its electorate can no longer change", status=409
        )
    if Exclusion.objects.filter(ballot=ballot, person=person).exists():
        raise Refused(
            "vetting.duplicate", "this person already has an exclusion case in this ballot", status=409
        )
    if not crit.political and not confirm:
        name = f"{person.first_name} {person.last_name}".strip()
        emailed = (
            f"{name} is emailed a notice at {person.email} with the reason, the evidence and the "
            f"deadline to appeal ({appeal_days()} days)."
            if person.email
            else f"{name} has no email address: the notice is on their own vetting page only."
        )
        raise NeedsConfirmation(
            "vetting.confirm",
            f"This excludes {name} from {ballot.title} at once, for {crit.label.lower()}. {emailed} "
            "Only the appeal panel can undo it. Confirm to exclude them.",
            consequences={
                "person": person.pk,
                "ballot": ballot.title,
                "criterion": crit.code,
                "emailed": bool(person.email),
                "appeal_days": appeal_days(),
            },
        )
    ex = Exclusion.objects.create(
        ballot=ballot, person=person, criterion=crit, evidence=evidence.strip(), proposed_by=actor
    )
    audit_record(
        actor=actor,
        action="vetting.propose",
        target=f"exclusion:{ex.pk}",
        detail={"ballot": ballot.pk, "criterion": crit.code, "political": crit.political},
    )
    if not crit.political:
        _bring_into_force(ex, actor)
    return ex


@transaction.atomic
def exclusion_confirm(*, actor, exclusion: Exclusion) -> Exclusion:
    """A second officer confirms an exclusion on political grounds; it is then in force."""
    ex = (
        Exclusion.objects.select_for_update()
        .select_related("person", "ballot", "criterion")
        .get(pk=exclusion.pk)
    )
    policies.may_confirm(actor, ex)
    if ex.state != Exclusion.State.PROPOSED:
        raise Refused(
            "vetting.state",
            f"this exclusion is not waiting for confirmation ({ex.get_state_display()})",
            status=409,
        )
    ex.confirmed_by = actor
    ex.save(update_fields=["confirmed_by"])
    audit_record(
        actor=actor, action="vetting.confirm", target=f"exclusion:{ex.pk}", detail={"ballot": ex.ballot_id}
    )
    _bring_into_force(ex, actor)
    return ex


@transaction.atomic
def appeal_lodge(*, actor, exclusion: Exclusion, statement: str, now: datetime | None = None) -> Appeal:
    """The person appeals, with a statement, before the deadline they were given."""
    ex = Exclusion.objects.select_for_update().get(pk=exclusion.pk)
    policies.may_appeal(actor, ex)
    now = now or timezone.now()
    if ex.state != Exclusion.State.IN_FORCE:
        raise Refused("vetting.state", "there is no exclusion in force to appeal", status=409)
    if Appeal.objects.filter(exclusion=ex).exists():
        raise Refused("vetting.duplicate", "you have already appealed: the panel will decide", status=409)
    if not ex.appeal_window_open(now):
        raise Refused(
            "vetting.deadline", f"the deadline for appealing was {_when(ex.appeal_deadline)}", status=409
        )
    if not statement.strip():
        raise Refused("vetting.invalid", "statement: say why the exclusion is wrong", status=422)
    appeal = Appeal.objects.create(exclusion=ex, statement=statement.strip(), lodged_at=now)
    audit_record(
        actor=actor, action="vetting.appeal", target=f"exclusion:{ex.pk}", detail={"ballot": ex.ballot_id}
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor, appeal: Appeal, allow: bool, reasons: str, confirm: bool = False) -> Appeal:
    """The panel's decision, with reasons; final (confirmed). Allowed: the person is
    reinstated, and a tendered paper they cast is admitted to the count if it has not begun."""
    appeal = (
        Appeal.objects.select_for_update()
        .select_related("exclusion__person", "exclusion__ballot")
        .get(pk=appeal.pk)
    )
    ex = appeal.exclusion
    policies.may_decide(actor, ex)
    if appeal.decision:
        raise Refused("vetting.decided", "this appeal has been decided; the decision is final", status=409)
    if not reasons.strip():
        raise Refused("vetting.invalid", "reasons: the panel's decision needs its reasons", status=422)
    if not confirm:
        verdict = "allow the appeal and reinstate" if allow else "dismiss the appeal against the exclusion of"
        raise NeedsConfirmation(
            "vetting.confirm",
            f"This will {verdict} {ex.person.first_name} {ex.person.last_name} in {ex.ballot.title}. "
            "The decision is final. Confirm to record it.",
            consequences={"allow": allow, "ballot": ex.ballot.title},
        )
    appeal.decision = Appeal.Decision.ALLOWED if allow else Appeal.Decision.DISMISSED
    appeal.reasons = reasons.strip()
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    if allow:
        outcome = ballots.elector_reinstate(ballot=ex.ballot, person=ex.person)
        appeal.paper = outcome if outcome in Appeal.Paper.values else Appeal.Paper.NONE
        ex.state = Exclusion.State.REINSTATED
        ex.save(update_fields=["state"])
    appeal.save(update_fields=["decision", "reasons", "decided_by", "decided_at", "paper"])
    message = _decision_notice(appeal)
    if message is not None:
        transaction.on_commit(message.send)
    audit_record(
        actor=actor,
        action="vetting.decide",
        target=f"exclusion:{ex.pk}",
        detail={"ballot": ex.ballot_id, "decision": appeal.decision, "paper": appeal.paper},
    )
    return appeal


@transaction.atomic
def panel_appoint(*, actor, user) -> PanelMember:
    policies.may_appoint_panel(actor)
    member, _ = PanelMember.objects.get_or_create(user=user, defaults={"appointed_by": actor})
    audit_record(actor=actor, action="vetting.panel_appoint", target=f"user:{user.pk}")
    return member


@transaction.atomic
def panel_remove(*, actor, user) -> None:
    policies.may_appoint_panel(actor)
    PanelMember.objects.filter(user=user).delete()
    audit_record(actor=actor, action="vetting.panel_remove", target=f"user:{user.pk}")


@transaction.atomic
def refund_record(*, actor, exclusion: Exclusion, reference: str) -> Exclusion:
    """Records that an excluded supporter's fee was refunded (the payment itself is made
    outside Groundswell), so the refund leaves the list of those owed."""
    ex = Exclusion.objects.select_for_update().select_related("person").get(pk=exclusion.pk)
    policies.may_record_refund(actor, ex)
    if ex.refunded_at is not None:
        raise Refused("vetting.refunded", "this refund has already been recorded", status=409)
    if ex.state != Exclusion.State.IN_FORCE:
        raise Refused("vetting.state", "only an exclusion in force is owed a refund", status=409)
    if not reference.strip():
        raise Refused("vetting.invalid", "reference: the refund's payment reference", status=422)
    ex.refund_reference = reference.strip()[:140]
    ex.refunded_at = timezone.now()
    ex.refunded_by = actor
    ex.save(update_fields=["refund_reference", "refunded_at", "refunded_by"])
    audit_record(
        actor=actor,
        action="vetting.refund",
        target=f"exclusion:{ex.pk}",
        detail={"reference": ex.refund_reference},
    )
    return ex


def exclusions_for_officer(*, actor, ballot: Ballot | None = None) -> list[Exclusion]:
    """The officer's list of cases (names and evidence: personal data, read in bulk, so
    audited with how many were shown)."""
    policies.may_list(actor)
    rows = list(selectors.exclusions_for(actor, ballot=ballot))
    audit_record(
        actor=actor,
        action="vetting.list_read",
        target=f"ballot:{ballot.pk}" if ballot else "vetting",
        rows=len(rows),
    )
    return rows


def appeals_for_panel(*, actor) -> list[Appeal]:
    """The panel's list of appeals (statements and evidence), audited as a bulk read."""
    policies.may_see_appeals(actor)
    rows = list(selectors.appeals())
    audit_record(actor=actor, action="vetting.appeals_read", target="vetting", rows=len(rows))
    return rows
