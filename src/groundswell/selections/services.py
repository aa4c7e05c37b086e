"""Writes for selections. Each checks its policy, runs in one transaction and is audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from groundswell.accounts.policies import Refused
from groundswell.accounts.services import audit_record
from groundswell.core.selections.timetable import Timetable, timetable_problems
from groundswell.selections import policies, selectors
from groundswell.selections.models import (
    Affiliate,
    Application,
    Decision,
    Hustings,
    Nomination,
    Selection,
    TriggerBallot,
    TriggerSection,
)


@transaction.atomic
def selection_create(
    *,
    actor,
    branch,
    title: str,
    timetable: Timetable,
    min_months: int = 0,
    union_required: bool = False,
    balance_gender: str = "",
    balance_percent: int = 50,
) -> Selection:
    policies.may_run(actor, branch=branch)
    problems = timetable_problems(timetable)
    if not title.strip():
        problems.insert(0, "title: required")
    if not 0 <= balance_percent <= 100:
        problems.append("balance_percent: must be between 0 and 100")
    if problems:
        raise Refused("selections.invalid", "; ".join(problems), status=422)
    s = Selection.objects.create(
        branch=branch,
        title=title.strip(),
        **{k: getattr(timetable, k) for k in timetable.__dataclass_fields__},
        min_months=min_months,
        union_required=union_required,
        balance_gender=balance_gender,
        balance_percent=balance_percent,
        created_by=actor,
    )
    audit_record(
        actor=actor, action="selections.create", target=f"selection:{s.pk}", detail={"branch": branch.pk}
    )
    return s


@transaction.atomic
def application_submit(
    *,
    actor,
    selection: Selection,
    statement: str,
    gender: str,
    trade_union: str = "",
    today: date | None = None,
) -> Application:
    """Apply. Refused, with every rule broken named, if the applicant is not eligible."""
    person = policies.may_apply(actor, selection)
    today = today or timezone.localdate()
    if not selection.applications_open <= today <= selection.applications_close:
        raise Refused("selections.closed", "applications are not open for this selection", status=409)
    if not statement.strip():
        raise Refused("selections.invalid", "statement: required", status=422)
    if gender not in Application.Gender.values:
        # No default: a preselected answer would be counted by the balance rule as if the
        # applicant had declared it. "Prefer not to say" is a choice, and never counts.
        raise Refused(
            "selections.invalid",
            'gender (self-declared): choose one, or "Prefer not to say"',
            status=422,
        )
    trade_union, problem = selectors.declared_union(trade_union)
    if problem:
        raise Refused("selections.invalid", problem, status=422)
    result = selectors.eligibility(person, selection, trade_union=trade_union)
    if not result.eligible:
        raise Refused("selections.ineligible", "not eligible: " + "; ".join(result.reasons), status=403)
    if selection.applications.filter(person=person).exists():
        raise Refused("selections.duplicate", "you have already applied", status=409)
    app = Application.objects.create(
        selection=selection,
        person=person,
        statement=statement.strip(),
        gender=gender,
        trade_union=trade_union.strip(),
    )
    audit_record(actor=actor, action="selections.apply", target=f"application:{app.pk}")
    return app


@transaction.atomic
def decision_record(
    *, actor, application: Application, stage: str, include: bool, reason: str, today: date | None = None
) -> Decision:
    """A panel decision; the reason is required and goes on the audit trail. Not while
    applications are still open: the panel judges the whole field, per the timetable."""
    selection = Selection.objects.select_for_update().get(pk=application.selection_id)
    policies.may_decide(actor, selection)
    # Read it again under the selection's lock: the caller's copy may predate another panel
    # member's decision, and the order rule below must judge the application as it is now.
    application = Application.objects.get(pk=application.pk)
    if selection.shortlist_confirmed_at is not None:
        raise Refused("selections.confirmed", "the shortlist is confirmed; decisions are closed", status=409)
    if (today or timezone.localdate()) <= selection.applications_close:
        raise Refused(
            "selections.too_early",
            f"applications are still open until {selection.applications_close:%-d %B %Y}; the panel "
            f"decides after they close (shortlisting from {selection.shortlisting:%-d %B %Y})",
            status=409,
        )
    if stage not in Decision.Stage.values:
        raise Refused("selections.invalid", "stage: longlist or shortlist", status=422)
    if not reason.strip():
        raise Refused("selections.reason", "reason: every decision needs a reason", status=422)
    if stage == Decision.Stage.SHORTLIST and include and application.status != Application.Status.LONGLISTED:
        raise Refused("selections.order", "only a longlisted application can be shortlisted", status=409)
    d = Decision.objects.create(
        application=application, stage=stage, include=include, reason=reason.strip(), decided_by=actor
    )
    if not include:
        application.status = Application.Status.NOT_SELECTED
    else:
        application.status = (
            Application.Status.LONGLISTED
            if stage == Decision.Stage.LONGLIST
            else Application.Status.SHORTLISTED
        )
    application.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=f"selections.{stage}",
        target=f"application:{application.pk}",
        detail={"include": include, "reason": reason.strip()},
    )
    return d


@transaction.atomic
def shortlist_confirm(*, actor, selection: Selection) -> Selection:
    """Confirm (and so publish) the shortlist; refused when it breaks the balance rule."""
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    policies.may_decide(actor, selection)
    if selection.shortlist_confirmed_at is not None:
        raise Refused("selections.confirmed", "the shortlist is already confirmed", status=409)
    check = selectors.balance(selection)
    if not check.met:
        raise Refused("selections.balance", check.message, status=409)
    if check.size < 2:
        raise Refused("selections.too_few", "a shortlist needs at least two applicants", status=409)
    selection.shortlist_confirmed_at = timezone.now()
    selection.save(update_fields=["shortlist_confirmed_at"])
    audit_record(
        actor=actor,
        action="selections.confirm",
        target=f"selection:{selection.pk}",
        detail={"balance": check.message},
    )
    return selection


@transaction.atomic
def selection_ballot_create(
    *, actor, selection: Selection, freeze_date: date, opens_at: datetime, closes_at: datetime, trustees=()
):
    """The OMOV preferential ballot: the branch's members frozen at `freeze_date`, the
    confirmed shortlist as candidates. The ballots app's own policy says who may run it."""
    from groundswell.ballots.policies import run_ballot
    from groundswell.ballots.services import ballot_create

    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    policies.may_decide(actor, selection)
    run_ballot(actor)  # the ballots app's rule first: an organiser learns it is the officer's job
    if selection.shortlist_confirmed_at is None:
        raise Refused("selections.unconfirmed", "confirm the shortlist first", status=409)
    if selection.ballot_id is not None:
        raise Refused("selections.has_ballot", "this selection already has its ballot", status=409)
    names = [f"{a.person.first_name} {a.person.last_name}".strip() for a in selectors.shortlist(selection)]
    ballot = ballot_create(
        actor=actor,
        title=f"Selection: {selection.title}",
        method="irv",
        seats=1,
        candidates=names,
        eligible_categories=["member"],
        freeze_date=freeze_date,
        opens_at=opens_at,
        closes_at=closes_at,
        branch_id=selection.branch_id,
        trustees=trustees,
    )
    selection.ballot = ballot
    selection.save(update_fields=["ballot"])
    audit_record(
        actor=actor,
        action="selections.ballot",
        target=f"selection:{selection.pk}",
        detail={"ballot": ballot.pk},
    )
    return ballot


def applications_for_panel(*, actor, selection: Selection) -> list[Application]:
    """The panel's read of every application: statements, self-declared gender and trade
    union are personal data (union membership special category), so reading them all is
    audited as a bulk read, with how many were shown."""
    policies.may_read_applications(actor, selection)
    apps = list(selection.applications.select_related("person").prefetch_related("decisions"))
    audit_record(
        actor=actor, action="selections.applications_read", target=f"selection:{selection.pk}", rows=len(apps)
    )
    return apps


@transaction.atomic
def affiliate_set_kind(*, actor, name: str, kind: str) -> Affiliate:
    """Say whether an affiliated organisation is a trade union or a socialist society (made
    if the party has no affiliate of that name yet). National admins configure affiliates."""
    from groundswell.members.models import Affiliate as Organisation

    policies.may_configure_affiliates(actor)
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise Refused("selections.invalid", "name: required, at most 120 characters", status=422)
    if kind not in Affiliate.Kind.values:
        raise Refused("selections.invalid", f"kind: one of {', '.join(Affiliate.Kind.values)}", status=422)
    organisation = Organisation.objects.filter(name__iexact=name).first()
    if organisation is None:
        organisation = Organisation.objects.create(name=name)
    record, _ = Affiliate.objects.update_or_create(organisation=organisation, defaults={"kind": kind})
    audit_record(
        actor=actor,
        action="selections.affiliate_kind",
        target=f"affiliate:{organisation.pk}",
        detail={"kind": kind},
    )
    return record


# ---- nominations


def _candidate_names(apps: list[Application]) -> dict[str, int]:
    """Ballot names for applications: "First Last", with the application number added when
    two applicants share a name (the ballot refuses two candidates of one name)."""
    names: dict[str, int] = {}
    plain = [f"{a.person.first_name} {a.person.last_name}".strip() for a in apps]
    for a, name in zip(apps, plain, strict=True):
        if plain.count(name) > 1 or not name:
            name = f"{name} (application {a.pk})".strip()
        names[name] = a.pk
    return names


def _open_for_nominations(selection: Selection) -> None:
    if selection.shortlist_confirmed_at is not None:
        raise Refused(
            "selections.confirmed", "the shortlist is confirmed: nominations are closed", status=409
        )


def _in_the_running(selection: Selection) -> list[Application]:
    return list(
        selection.applications.exclude(status=Application.Status.NOT_SELECTED).select_related("person")
    )


@transaction.atomic
def nomination_vote_open(*, actor, selection: Selection, days: int = 7) -> Nomination:
    """The branch's nomination, decided by a vote of its members in the app: a sealed FPTP
    ballot (the ballots machinery: frozen electorate, one vote each, secret) among the
    applicants still in the running. Its count makes the nomination (receivers.py)."""
    from groundswell.ballots import services as ballot_services

    selection = Selection.objects.select_for_update().select_related("branch").get(pk=selection.pk)
    policies.may_run_nominations(actor, selection)
    _open_for_nominations(selection)
    if Nomination.objects.filter(selection=selection, branch=selection.branch).exists():
        raise Refused("selections.nominated", "the branch has already held its nomination vote", status=409)
    if not 1 <= days <= 60:
        raise Refused("selections.invalid", "days: between 1 and 60", status=422)
    apps = _in_the_running(selection)
    if len(apps) < 2:
        raise Refused(
            "selections.too_few", "a nomination vote needs at least two applicants in the running", status=409
        )
    choices = _candidate_names(apps)
    now = timezone.now()
    ballot = ballot_services.ballot_create(
        actor=actor,
        title=f"Nomination: {selection.title} ({selection.branch.name} branch)"[:200],
        description="The branch's nomination in the candidate selection: vote for one applicant.",
        method="fptp",
        seats=1,
        candidates=list(choices),
        eligible_categories=["member"],
        freeze_date=timezone.localdate(),
        opens_at=now,
        closes_at=now + timedelta(days=days),
        branch_id=selection.branch_id,
        in_app=True,
    )
    ballot = ballot_services.ballot_open_start(ballot=ballot, actor=actor)
    nomination = Nomination.objects.create(
        selection=selection,
        branch=selection.branch,
        method=Nomination.Method.MEETING_VOTE,
        status=Nomination.Status.VOTING,
        ballot=ballot,
        choices=choices,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="selections.nomination_vote",
        target=f"selection:{selection.pk}",
        detail={"ballot": ballot.pk, "candidates": len(choices)},
    )
    return nomination


def nomination_vote_cast(*, actor, nomination: Nomination, application_id: int):
    """A member's secret vote in their branch's nomination vote (returns the sealed paper)."""
    from groundswell.ballots import services as ballot_services

    policies.may_see(actor, nomination.selection)
    person = policies.may_apply(actor, nomination.selection)
    if nomination.ballot_id is None or nomination.status != Nomination.Status.VOTING:
        raise Refused("selections.no_vote", "no nomination vote is open", status=409)
    names = list(nomination.ballot.candidates.order_by("position").values_list("name", flat=True))
    chosen = [n for n, pk in nomination.choices.items() if pk == application_id]
    if not chosen or chosen[0] not in names:
        raise Refused("selections.invalid", "choice: one of the applicants on the ballot", status=422)
    return ballot_services.ballot_cast_signed_in(
        ballot=nomination.ballot, person=person, ranking=[names.index(chosen[0])]
    )


def nomination_vote_close(*, actor, nomination: Nomination, confirm: bool = False):
    """Close the branch's vote (and count it: no trustees, as for a motion vote). Before the
    advertised time, with members still to vote, only with `confirm`."""
    policies.may_run_nominations(actor, nomination.selection)
    return _branch_vote_close(actor=actor, ballot=nomination.ballot, what="nomination vote", confirm=confirm)


def _branch_vote_close(*, actor, ballot, what: str, confirm: bool):
    """Closes an in-app branch vote (a nomination or a trigger section's) once the caller's
    policy has allowed it: before the advertised time, with members still to vote, only
    with `confirm` (the consequences say how many would be shut out)."""
    from groundswell.accounts.policies import NeedsConfirmation
    from groundswell.ballots import services as ballot_services
    from groundswell.ballots.models import Ballot

    if ballot is None or ballot.status != Ballot.Status.OPEN:
        raise Refused("selections.no_vote", f"no {what} is open", status=409)
    now = timezone.now()
    if ballot.closes_at > now and not confirm:
        c = ballot_services.close_consequences(ballot, now)
        if c["not_voted"]:
            raise NeedsConfirmation(
                "selections.close_early",
                f"members were told voting closes on {c['advertised_close']}. Closing now stops "
                f"{c['not_voted']:,} members who have not voted yet from voting. Confirm to close early.",
                consequences=c,
            )
    return ballot_services.ballot_close(ballot=ballot, actor=actor, confirm=True)


@transaction.atomic
def nomination_from_ballot(*, ballot) -> Nomination | None:
    """A counted nomination vote: its winner is the branch's nominee; the result is published
    (as a motion vote's is). Run by the ballot_counted signal; a second delivery changes nothing."""
    from groundswell.ballots import services as ballot_services
    from groundswell.ballots.models import Ballot

    nomination = Nomination.objects.select_for_update().filter(ballot=ballot).first()
    if nomination is None or nomination.status != Nomination.Status.VOTING or not ballot.result:
        return None
    winners = ballot.result.get("winners") or []
    app_id = nomination.choices.get(winners[0]) if winners else None
    application = Application.objects.filter(pk=app_id, selection_id=nomination.selection_id).first()
    if ballot.status == Ballot.Status.COUNTED:
        ballot_services.ballot_publish(ballot=ballot, actor=None)
    if application is None:
        return None
    nomination.application = application
    nomination.status = Nomination.Status.MADE
    nomination.decided_on = timezone.localdate()
    nomination.decided_by = f"{nomination.branch.name} branch members' vote"
    nomination.save(update_fields=["application", "status", "decided_on", "decided_by"])
    audit_record(
        actor=None,
        action="selections.nominated",
        target=f"application:{application.pk}",
        detail={"by": nomination.body, "ballot": ballot.pk},
    )
    return nomination


@transaction.atomic
def nomination_record(
    *,
    actor,
    selection: Selection,
    application: Application,
    affiliate: Affiliate,
    decided_by: str,
    decided_on: date,
    minutes_ref: str,
    today: date | None = None,
) -> Nomination:
    """An affiliate's nomination, as its own meeting decided it: who decided, when, and
    where it is minuted are all required (the panel quotes them), and audited."""
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    policies.may_run_nominations(actor, selection)
    _open_for_nominations(selection)
    problems = []
    if application.selection_id != selection.pk:
        raise Refused("selections.not_found", "no such application", status=404)
    if application.status == Application.Status.NOT_SELECTED:
        problems.append("application: this applicant is no longer in the running")
    if not (decided_by or "").strip():
        problems.append("decided_by: who made the decision (e.g. the union's regional committee)")
    if decided_on is None:
        problems.append("decided_on: the date of the decision")
    elif decided_on > (today or timezone.localdate()):
        problems.append("decided_on: cannot be in the future")
    if not (minutes_ref or "").strip():
        problems.append("minutes_ref: where the decision is minuted")
    if problems:
        raise Refused("selections.invalid", "; ".join(problems), status=422)
    if Nomination.objects.filter(selection=selection, affiliate=affiliate).exists():
        raise Refused("selections.nominated", f"{affiliate.name} has already nominated", status=409)
    nomination = Nomination.objects.create(
        selection=selection,
        application=application,
        affiliate=affiliate,
        method=Nomination.Method.RECORDED,
        status=Nomination.Status.MADE,
        decided_by=decided_by.strip()[:200],
        decided_on=decided_on,
        minutes_ref=minutes_ref.strip()[:200],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="selections.nominated",
        target=f"application:{application.pk}",
        detail={"by": affiliate.name, "decided_by": nomination.decided_by, "minutes": nomination.minutes_ref},
    )
    return nomination


# ---- trigger ballots

TRIGGER_KINDS = ("branch", "affiliate")


def parse_thresholds(raw: dict) -> dict[str, str]:
    """Thresholds by kind of section as exact fractions ("1/3"), each above 0 and at most 1;
    every problem names its field."""
    problems, out = [], {}
    for kind, value in (raw or {}).items():
        if kind not in TRIGGER_KINDS:
            problems.append(f"thresholds: unknown kind {kind!r} (branch or affiliate)")
            continue
        try:
            f = Fraction(str(value).strip())
        except (ValueError, ZeroDivisionError):
            problems.append(f"thresholds.{kind}: a fraction such as 1/3, not {value!r}")
            continue
        if not 0 < f <= 1:
            problems.append(f"thresholds.{kind}: above 0 and at most 1, not {value!r}")
            continue
        out[kind] = str(f)
    if not out and not problems:
        problems.append("thresholds: give at least one (e.g. branch=1/3)")
    if problems:
        raise Refused("selections.invalid", "; ".join(problems), status=422)
    return out


@transaction.atomic
def trigger_create(*, actor, branch, title: str, representative: str, thresholds: dict) -> TriggerBallot:
    """Start a trigger ballot on a branch's sitting representative."""
    policies.may_run(actor, branch=branch)
    problems = []
    if not (title or "").strip():
        problems.append("title: required")
    if not (representative or "").strip():
        problems.append("representative: who sits now")
    if problems:
        raise Refused("selections.invalid", "; ".join(problems), status=422)
    t = TriggerBallot.objects.create(
        branch=branch,
        title=title.strip()[:160],
        representative=representative.strip()[:160],
        thresholds=parse_thresholds(thresholds),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="selections.trigger_create",
        target=f"trigger:{t.pk}",
        detail={"thresholds": t.thresholds},
    )
    return t


def _trigger_open(trigger: TriggerBallot) -> TriggerBallot:
    locked = TriggerBallot.objects.select_for_update().get(pk=trigger.pk)
    if locked.published_at is not None:
        raise Refused("selections.published", "the result is published: sections are closed", status=409)
    return locked


@transaction.atomic
def trigger_section_record(
    *,
    actor,
    trigger: TriggerBallot,
    kind: str,
    votes_for: int,
    votes_against: int,
    minutes_ref: str,
    name: str = "",
    affiliate: Affiliate | None = None,
) -> TriggerSection:
    """A section's vote as its meeting counted it (for and against, with the minutes
    reference). An affiliate's section is named by the affiliate."""
    policies.may_run_triggers(actor, trigger)
    trigger = _trigger_open(trigger)
    problems = []
    if kind not in trigger.thresholds:
        problems.append(f"kind: one of {', '.join(sorted(trigger.thresholds))} (those with a threshold)")
    if kind == TriggerSection.Kind.AFFILIATE:
        if affiliate is None:
            problems.append("affiliate: choose the affiliate")
        else:
            name = affiliate.name
    elif affiliate is not None:
        problems.append("affiliate: only for an affiliate's section")
    name = " ".join((name or "").split())
    if not name:
        problems.append("name: the section's name")
    for field, value in (("votes_for", votes_for), ("votes_against", votes_against)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"{field}: a whole number, 0 or more")
    if not (minutes_ref or "").strip():
        problems.append("minutes_ref: where the vote is minuted")
    if problems:
        raise Refused("selections.invalid", "; ".join(problems), status=422)
    if trigger.sections.filter(name__iexact=name).exists():
        raise Refused("selections.duplicate", f"{name} has already recorded its vote", status=409)
    section = TriggerSection.objects.create(
        trigger=trigger,
        kind=kind,
        name=name[:160],
        affiliate=affiliate,
        votes_for=votes_for,
        votes_against=votes_against,
        counted=True,
        minutes_ref=minutes_ref.strip()[:200],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="selections.trigger_section",
        target=f"trigger:{trigger.pk}",
        detail={
            "section": section.name,
            "for": votes_for,
            "against": votes_against,
            "minutes": section.minutes_ref,
        },
    )
    return section


@transaction.atomic
def trigger_section_ballot_open(*, actor, trigger: TriggerBallot, days: int = 7) -> TriggerSection:
    """The branch's own section decided by a vote of all its members in the app (For or
    Against opening a selection); its count fills in the section (receivers.py)."""
    from groundswell.ballots import services as ballot_services

    policies.may_run_triggers(actor, trigger)
    trigger = _trigger_open(trigger)
    if "branch" not in trigger.thresholds:
        raise Refused("selections.invalid", "kind: this trigger ballot has no branch threshold", status=422)
    name = f"{trigger.branch.name} members' ballot"
    if trigger.sections.filter(name=name).exists():
        raise Refused("selections.duplicate", "the branch's members' ballot is already held", status=409)
    if not 1 <= days <= 60:
        raise Refused("selections.invalid", "days: between 1 and 60", status=422)
    now = timezone.now()
    ballot = ballot_services.ballot_create(
        actor=actor,
        title=f"Trigger ballot: {trigger.title}"[:200],
        description=f"Should a full selection be opened against {trigger.representative}? For opens one.",
        method="fptp",
        seats=1,
        candidates=["For", "Against"],
        eligible_categories=["member"],
        freeze_date=timezone.localdate(),
        opens_at=now,
        closes_at=now + timedelta(days=days),
        branch_id=trigger.branch_id,
        in_app=True,
    )
    ballot = ballot_services.ballot_open_start(ballot=ballot, actor=actor)
    section = TriggerSection.objects.create(
        trigger=trigger, kind="branch", name=name, ballot=ballot, counted=False, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="selections.trigger_ballot",
        target=f"trigger:{trigger.pk}",
        detail={"ballot": ballot.pk},
    )
    return section


def trigger_vote_cast(*, actor, section: TriggerSection, choice: str):
    """A member's secret For or Against in their branch's trigger ballot."""
    from groundswell.ballots import services as ballot_services

    policies.may_see_trigger(actor, section.trigger)
    person = policies.may_vote(actor)
    if section.ballot_id is None or section.counted:
        raise Refused("selections.no_vote", "no trigger ballot is open", status=409)
    if choice not in ("For", "Against"):
        raise Refused("selections.invalid", "choice: For or Against", status=422)
    return ballot_services.ballot_cast_signed_in(
        ballot=section.ballot, person=person, ranking=[0 if choice == "For" else 1]
    )


def trigger_vote_close(*, actor, section: TriggerSection, confirm: bool = False):
    policies.may_run_triggers(actor, section.trigger)
    return _branch_vote_close(actor=actor, ballot=section.ballot, what="trigger ballot", confirm=confirm)


@transaction.atomic
def trigger_section_from_ballot(*, ballot) -> TriggerSection | None:
    """A counted trigger ballot: its For and Against become the section's vote."""
    from groundswell.ballots import services as ballot_services
    from groundswell.ballots.models import Ballot

    section = TriggerSection.objects.select_for_update().filter(ballot=ballot).first()
    if section is None or section.counted or not ballot.result:
        return None
    tallies = ballot.result["rounds"][0]["tallies"] if ballot.result.get("rounds") else {}
    section.votes_for = int(tallies.get("For", 0))
    section.votes_against = int(tallies.get("Against", 0))
    section.counted = True
    section.minutes_ref = f"ballot {ballot.pk}"
    section.save(update_fields=["votes_for", "votes_against", "counted", "minutes_ref"])
    if ballot.status == Ballot.Status.COUNTED:
        ballot_services.ballot_publish(ballot=ballot, actor=None)
    audit_record(
        actor=None,
        action="selections.trigger_section",
        target=f"trigger:{section.trigger_id}",
        detail={"section": section.name, "for": section.votes_for, "against": section.votes_against},
    )
    return section


def trigger_preview(trigger: TriggerBallot):
    """The outcome the sections recorded so far give (core.selections.trigger)."""
    from groundswell.core.selections.trigger import Section, trigger_outcome

    return trigger_outcome(
        [
            Section(s.name, s.kind, s.votes_for, s.votes_against)
            for s in trigger.sections.filter(counted=True).order_by("pk")
        ],
        trigger.fractions,
    )


@transaction.atomic
def trigger_publish(*, actor, trigger: TriggerBallot, confirm: bool = False) -> TriggerBallot:
    """Publish the result by section. It cannot be undone, so it needs `confirm` (the
    refusal carries the outcome it would publish); a section whose ballot is still open
    must be counted first."""
    from groundswell.accounts.policies import NeedsConfirmation

    policies.may_run_triggers(actor, trigger)
    trigger = _trigger_open(trigger)
    waiting = list(trigger.sections.filter(counted=False).values_list("name", flat=True))
    if waiting:
        raise Refused("selections.waiting", "still voting: " + ", ".join(waiting), status=409)
    if not trigger.sections.exists():
        raise Refused("selections.no_sections", "no section has recorded its vote", status=409)
    report = trigger_preview(trigger).report()
    if not confirm:
        raise NeedsConfirmation(
            "selections.publish",
            "publishing cannot be undone: "
            + ("a selection is TRIGGERED" if report["triggered"] else "no selection is triggered")
            + ". Confirm to publish.",
            consequences=report,
        )
    trigger.result = report
    trigger.triggered = report["triggered"]
    trigger.published_at = timezone.now()
    trigger.save(update_fields=["result", "triggered", "published_at"])
    audit_record(
        actor=actor,
        action="selections.trigger_publish",
        target=f"trigger:{trigger.pk}",
        detail={"triggered": trigger.triggered},
    )
    return trigger


# ---- hustings


@transaction.atomic
def hustings_create(
    *,
    actor,
    selection: Selection,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int | None = None,
    title: str = "",
):
    """A hustings is an ordinary event of the branch (members RSVP as for any event), shown
    on the selection's timetable. Its date should be the timetable's hustings stage."""
    from groundswell.events.services import event_create

    policies.may_decide(actor, selection)
    if selection.ballot_id is not None:
        raise Refused("selections.has_ballot", "the ballot is made: hustings come before it", status=409)
    event = event_create(
        user=actor,
        branch=selection.branch,
        kind="meeting",
        title=(title or f"Hustings: {selection.title}")[:200],
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        visibility="branch",
        description=f"The candidates on the shortlist of {selection.title} answer members' questions.",
    )
    Hustings.objects.create(selection=selection, event=event)
    audit_record(
        actor=actor,
        action="selections.hustings",
        target=f"selection:{selection.pk}",
        detail={"event": event.pk},
    )
    return event
