"""Writes for selections. Each checks its policy, runs in one transaction and is audited."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from groundswell.accounts.policies import Refused
from groundswell.accounts.services import audit_record
from groundswell.core.selections.timetable import Timetable, timetable_problems
from groundswell.selections import policies, selectors
from groundswell.selections.models import Application, Decision, Selection


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
        raise Refused(
            "selections.invalid", f"gender: one of {', '.join(Application.Gender.values)}", status=422
        )
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
def decision_record(*, actor, application: Application, stage: str, include: bool, reason: str) -> Decision:
    """A panel decision; the reason is required and goes on the audit trail."""
    selection = Selection.objects.select_for_update().get(pk=application.selection_id)
    policies.may_decide(actor, selection)
    if selection.shortlist_confirmed_at is not None:
        raise Refused("selections.confirmed", "the shortlist is confirmed; decisions are closed", status=409)
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
