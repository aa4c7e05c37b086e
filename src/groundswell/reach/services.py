"""Writes for phone banks: build a call list, join, hand out the next household, record a
call's outcome, import the TPS list, record consent and do-not-call.

Handing out: a household goes to one caller at a time under a lease. The candidate is
chosen with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL (callers racing skip each
other's rows instead of queueing), and taken with a conditional UPDATE that re-checks it is
still free, so SQLite (where FOR UPDATE is a no-op) is just as correct: the loser of a race
updates nothing and tries the next household.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from groundswell.accounts.policies import Refused
from groundswell.accounts.services import audit_record
from groundswell.ballots.models import Elector as BallotElector
from groundswell.core.reach import recall as rules
from groundswell.core.reach.numbers import normalise
from groundswell.groundgame.models import Constituency, Contact, Elector
from groundswell.groundgame.services import contact_record_by_phone
from groundswell.members.models import Membership, Person
from groundswell.members.selectors import current
from groundswell.reach import policies
from groundswell.reach.models import (
    CallAttempt,
    Caller,
    CallTarget,
    DoNotCall,
    ElectorObjection,
    ElectorPhone,
    PhoneBank,
    PhoneConsent,
    TpsNumber,
)
from groundswell.reach.selectors import is_suppressed, suppressed_q

LEASE = timedelta(minutes=10)
SURVEY_CODES = tuple(c for c in Contact.CODES if c not in ("NI", "MV", "RF", "DNK"))
OBJECTION_CODE = "RF"
MEMBER_RESULTS = ("will_volunteer", "will_vote", "already_voted", "not_interested")


def _hours(bank: PhoneBank) -> rules.CallingHours:
    return rules.CallingHours(bank.opens, bank.closes)


def _rules(bank: PhoneBank) -> rules.RecallRules:
    return rules.RecallRules(
        busy_delay=timedelta(minutes=bank.busy_delay_minutes),
        no_answer_delay=timedelta(hours=bank.no_answer_delay_hours),
    )


def phone_bank_create(
    *,
    user,
    branch,
    name: str,
    busy_delay_minutes: int = 15,
    no_answer_delay_hours: int = 4,
    segment: str = PhoneBank.Segment.ELECTORS,
    ballot=None,
    now: datetime | None = None,
) -> PhoneBank:
    """Builds the call list. Electors: one number per household of the branch's seat
    (electors still on the register with a phone). Members: the branch's current members
    with a usable phone; for a ballot, only those entitled to vote in it (never filtered by
    who has voted: see `_member_targets`). Suppressed numbers and people reached by phone in
    the last week are left out."""
    policies.may_organise(user, branch.pk)
    name = (name or "").strip()
    if not name:
        raise Refused("reach.name", "give the phone bank a name", status=422)
    if segment not in PhoneBank.Segment.values:
        raise Refused("reach.segment", f"unknown segment {segment!r}", status=422)
    if segment == PhoneBank.Segment.BALLOT:
        policies.ballot_for_list(ballot, branch.pk)
    else:
        ballot = None
    now = now or timezone.now()
    with transaction.atomic():
        bank = PhoneBank.objects.create(
            branch=branch,
            name=name[:120],
            code=secrets.token_hex(6),
            created_by=user,
            busy_delay_minutes=busy_delay_minutes,
            no_answer_delay_hours=no_answer_delay_hours,
            segment=segment,
            ballot=ballot,
        )
        if segment == PhoneBank.Segment.ELECTORS:
            targets = _elector_targets(bank, branch, now)
        else:
            targets = _member_targets(bank, branch, ballot, user, now)
        CallTarget.objects.bulk_create(targets, batch_size=2000)
        audit_record(actor=user, action="reach.bank_create", target=f"phonebank:{bank.pk}", rows=len(targets))
    return bank


def _elector_targets(bank: PhoneBank, branch, now: datetime) -> list[CallTarget]:
    seat = Constituency.objects.filter(branch=branch).first()
    rested = Contact.objects.filter(
        channel="phone", recorded_at__gte=now - rules.RecallRules().completed_rest, code__in=SURVEY_CODES
    ).values("elector__household")
    rows = (
        ElectorPhone.objects.filter(elector__constituency=seat, elector__left_on__isnull=True)
        .exclude(suppressed_q())
        .exclude(elector__household__in=rested)
        .order_by("elector__household_id", "elector__number_sort")
        .values_list("elector__household_id", "elector_id", "number")
    )
    seen: set[int] = set()
    targets = []
    for household_id, elector_id, number in rows.iterator(chunk_size=2000):
        if household_id in seen:
            continue
        seen.add(household_id)
        targets.append(CallTarget(bank=bank, household_id=household_id, elector_id=elector_id, number=number))
    return targets


def _member_targets(bank: PhoneBank, branch, ballot, user, now: datetime) -> list[CallTarget]:
    """The branch's current members with a usable phone (one call per number), or for a
    ballot those of them in its electorate. The marked register is *not* read per person:
    a list of who has not voted would tell every caller (and the organiser, by difference)
    who has, which nobody but the voter and a reader of the database learns today. So the
    list is the electorate, and "already voted" is what the member says on the phone.

    PECR: a member's number on the TPS list is called only with their consent: the date of
    phone consent on their member record is that evidence, recorded as a PhoneConsent (so
    the hand-out check, which reads PhoneConsent, honours it)."""
    people = Person.objects.filter(
        erased_at__isnull=True,
        memberships__in=Membership.objects.filter(current(), branch=branch),
    ).exclude(phone="")
    if ballot is not None:
        people = people.filter(pk__in=BallotElector.objects.filter(ballot=ballot).values("person_id"))
    rested = CallAttempt.objects.filter(
        outcome=rules.Outcome.ANSWERED,
        at__gte=now - rules.RecallRules().completed_rest,
        target__person__isnull=False,
    ).values("target__person_id")
    rows = list(
        people.exclude(pk__in=rested).distinct().order_by("pk").values_list("pk", "phone", "consent_phone_on")
    )
    numbers: dict[str, tuple[int, object]] = {}
    for pk, phone, consent_on in rows:
        try:
            number = normalise(phone)
        except ValueError:
            continue
        numbers.setdefault(number, (pk, consent_on))
    blocked, tps, consented = set(), set(), set()
    keys = list(numbers)
    for i in range(0, len(keys), 2000):
        part = keys[i : i + 2000]
        blocked |= set(DoNotCall.objects.filter(number__in=part).values_list("number", flat=True))
        tps |= set(TpsNumber.objects.filter(number__in=part).values_list("number", flat=True))
        consented |= set(PhoneConsent.objects.filter(number__in=part).values_list("number", flat=True))
    targets, consents = [], []
    for number, (pk, consent_on) in numbers.items():
        if number in blocked:
            continue
        if number in tps and number not in consented:
            if consent_on is None:
                continue
            consents.append(
                PhoneConsent(
                    number=number,
                    evidence=f"member record: phone consent given on {consent_on:%Y-%m-%d}",
                    recorded_by=user,
                )
            )
        targets.append(CallTarget(bank=bank, person_id=pk, number=number))
    PhoneConsent.objects.bulk_create(consents, batch_size=2000)
    return targets


def phone_bank_join(*, user, code: str) -> PhoneBank:
    bank = PhoneBank.objects.filter(code=(code or "").strip().lower()).first()
    if bank is None:
        raise Refused("reach.no_bank", "no phone bank has that code", status=404)
    policies.may_join(user, bank)
    Caller.objects.get_or_create(bank=bank, user=user)
    return bank


def _joined(bank, user) -> bool:
    return Caller.objects.filter(bank=bank, user_id=user.pk).exists()


def _free(bank, user, now):
    return (
        CallTarget.objects.filter(bank=bank, state=rules.State.OPEN)
        .filter(Q(due_at__isnull=True) | Q(due_at__lte=now))
        .filter(Q(assigned_to__isnull=True) | Q(lease_until__lte=now))
        .exclude(Q(held_for__isnull=False) & ~Q(held_for=user) & Q(held_until__gt=now))
        .exclude(suppressed_q())
    )


def call_next(*, bank: PhoneBank, user, now: datetime | None = None) -> CallTarget | None:
    """The caller's household: the one they hold (lease renewed), else the next one by the
    recall rules (held for them first, then due longest ago). None when nothing is due."""
    now = now or timezone.now()
    policies.may_call(user, bank, joined=_joined(bank, user))
    policies.within_calling_hours(_hours(bank), timezone.localtime(now))
    with transaction.atomic():
        # Touching the caller's own row first takes its lock (a row lock on PostgreSQL, the
        # write lock on SQLite) until this commits: one caller's requests (two tabs, a double
        # tap) queue, so the second sees the household the first took and a caller never
        # holds two.
        Caller.objects.filter(bank=bank, user=user).update(last_seen_at=now)
        mine = (
            CallTarget.objects.filter(
                bank=bank, assigned_to=user, lease_until__gt=now, state=rules.State.OPEN
            )
            .exclude(suppressed_q())
            .select_related("household", "elector", "person")
            .first()
        )
        if mine is not None:
            CallTarget.objects.filter(pk=mine.pk, assigned_to=user).update(lease_until=now + LEASE)
            mine.lease_until = now + LEASE
            return mine
        order = (
            _free(bank, user, now)
            .annotate(
                mine_first=Case(
                    When(held_for=user, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("mine_first", F("due_at").asc(nulls_first=True), "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            order = order.select_for_update(skip_locked=True, of=("self",))
        for _ in range(8):
            pick = order.only("id").first()
            if pick is None:
                return None
            # taken only if still free: the loser of a race (possible on SQLite, where FOR
            # UPDATE does nothing) updates no row and tries again
            taken = (
                _free(bank, user, now)
                .filter(pk=pick.pk)
                .update(assigned_to=user, lease_until=now + LEASE, version=F("version") + 1)
            )
            if taken == 1:
                return CallTarget.objects.select_related("household", "elector", "person").get(pk=pick.pk)
    return None


def call_wrap_up(
    *,
    bank: PhoneBank,
    user,
    target_id: int,
    outcome: str,
    survey: dict | None = None,
    call_back_at: datetime | None = None,
    now: datetime | None = None,
) -> CallTarget:
    """Records a call: a contact record (channel phone) and the household's recall. The
    number is no longer shown to the caller once this returns."""
    now = now or timezone.now()
    policies.may_call(user, bank, joined=_joined(bank, user))
    try:
        result = rules.Outcome(outcome)
    except ValueError:
        raise Refused("reach.outcome", f"unknown outcome {outcome!r}", status=422) from None
    survey = dict(survey or {})
    with transaction.atomic():
        target = CallTarget.objects.select_for_update().filter(pk=target_id, bank=bank).first()
        policies.holds(target, user, now)
        member_call = target.person_id is not None
        member_result = ""
        if result is rules.Outcome.ANSWERED and member_call:
            member_result = str(survey.get("result", ""))
            if member_result not in MEMBER_RESULTS:
                raise Refused(
                    "reach.member_result",
                    f"an answered call records the member's answer: one of {', '.join(MEMBER_RESULTS)}",
                    status=422,
                )
        elif result is rules.Outcome.ANSWERED:
            if str(survey.get("code", "")).upper() not in SURVEY_CODES:
                raise Refused(
                    "reach.survey", "an answered call records their intention (the survey code)", status=422
                )
        elif result is rules.Outcome.DO_NOT_CALL:
            survey = {"code": OBJECTION_CODE, "notes": survey.get("notes", "")}
        previous = rules.Recall(
            rules.State(target.state),
            due=target.due_at,
            held_for=target.held_for_id,
            held_until=target.held_until,
            attempts=target.attempts,
        )
        try:
            after = rules.recall(
                result,
                previous=previous,
                caller=user.pk,
                now=timezone.localtime(now),
                rules=_rules(bank),
                hours=_hours(bank),
                call_back_at=call_back_at,
            )
        except ValueError as exc:
            raise Refused("reach.call_back", str(exc), status=422) from None
        contact = None
        if not member_call and result in (rules.Outcome.ANSWERED, rules.Outcome.DO_NOT_CALL):  # they spoke
            contact = contact_record_by_phone(
                elector_id=target.elector_id, caller=user, item=survey, recorded_at=now
            )
        CallAttempt.objects.create(
            bank=bank,
            target=target,
            caller=user,
            outcome=result.value,
            result=member_result,
            contact=contact and contact.id,
            at=now,
        )
        target.state, target.due_at, target.attempts = after.state.value, after.due, after.attempts
        target.held_for_id, target.held_until = after.held_for, after.held_until
        target.assigned_to, target.lease_until, target.last_outcome = None, None, result.value
        target.version += 1
        target.save()
        if result is rules.Outcome.DO_NOT_CALL:
            do_not_call_record(number=target.number, by=user)
        elif result is rules.Outcome.WRONG_NUMBER and member_call:
            # the member record is the members app's: its number is corrected there; every
            # open list stops calling this member on it now
            CallTarget.objects.filter(
                number=target.number, state=rules.State.OPEN, person_id=target.person_id
            ).update(state=rules.State.REMOVED)
        elif result is rules.Outcome.WRONG_NUMBER:
            ElectorPhone.objects.filter(elector_id=target.elector_id, number=target.number).delete()
            CallTarget.objects.filter(
                number=target.number, state=rules.State.OPEN, elector_id=target.elector_id
            ).update(state=rules.State.REMOVED)
    return target


def do_not_call_record(*, number: str, by=None) -> DoNotCall:
    """An objection, honoured everywhere at once: every open call target with the number is
    closed, and suppressed_q keeps it out of any list built later."""
    number = normalise(number)
    with transaction.atomic():
        dnc, created = DoNotCall.objects.get_or_create(number=number, defaults={"recorded_by": by})
        CallTarget.objects.filter(number=number, state=rules.State.OPEN).update(
            state=rules.State.NEVER, assigned_to=None, lease_until=None
        )
        if created:
            audit_record(actor=by, action="reach.do_not_call", target=f"number:{number[-4:]}")
    return dnc


def own_number(user) -> str | None:
    """The signed-in person's own phone number (normalised), if the party holds one."""
    person = getattr(user, "person", None)
    if person is None or not person.phone:
        return None
    try:
        return normalise(person.phone)
    except ValueError:
        return None


def objection_from_doorstep(sender=None, *, elector_ids: list[int], by=None, **kwargs) -> None:
    """ "Don't phone me", said on the doorstep (groundgame's doorstep_no_calls signal): every
    number held for those electors goes on do-not-call now, and any found later too
    (elector_phone_set); open phone banks stop calling them at once."""
    with transaction.atomic():
        ElectorObjection.objects.bulk_create(
            [ElectorObjection(elector_id=e, recorded_by=by) for e in elector_ids], ignore_conflicts=True
        )
        for number in ElectorPhone.objects.filter(elector_id__in=elector_ids).values_list(
            "number", flat=True
        ):
            do_not_call_record(number=number, by=by)
        CallTarget.objects.filter(elector_id__in=elector_ids, state=rules.State.OPEN).update(
            state=rules.State.NEVER, assigned_to=None, lease_until=None
        )
        audit_record(actor=by, action="reach.doorstep_objection", target="electors", rows=len(elector_ids))


def do_not_call_reverse(*, user, number: str) -> bool:
    """The person takes back an objection they made themselves (and only they can): audited.
    A doorstep objection they recorded themselves of an elector with this number goes too;
    one taken by a canvasser stays (see `policies.may_reverse_do_not_call`)."""
    number = normalise(number)
    dnc = DoNotCall.objects.filter(number=number).first()
    policies.may_reverse_do_not_call(
        user, number, own_number(user), dnc.recorded_by_id if dnc is not None else user.pk
    )
    with transaction.atomic():
        ElectorObjection.objects.filter(
            elector_id__in=ElectorPhone.objects.filter(number=number).values("elector_id"),
            recorded_by=user,
        ).delete()
        deleted, _ = DoNotCall.objects.filter(number=number).delete()
        if deleted:
            audit_record(actor=user, action="reach.do_not_call_reversed", target=f"number:{number[-4:]}")
    return bool(deleted)


def _number_branches(number: str) -> set[int]:
    """The branches whose electors or members hold this number (the consent page's scope)."""
    branches = set(
        ElectorPhone.objects.filter(number=number, elector__constituency__branch__isnull=False).values_list(
            "elector__constituency__branch_id", flat=True
        )
    )
    # member records hold numbers as typed ("07700 900 001"): narrow by the last 3 digits
    for pk, phone in Person.objects.filter(phone__endswith=number[-3:], erased_at__isnull=True).values_list(
        "pk", "phone"
    ):
        try:
            if normalise(phone) == number:
                branches |= set(
                    Membership.objects.filter(current(), person_id=pk).values_list("branch_id", flat=True)
                )
        except ValueError:
            continue
    return branches


def consent_record(*, user, number: str, evidence: str) -> PhoneConsent:
    """The person agreed to be called (lifts TPS suppression, never do-not-call). An
    organiser records it only for a number an elector or member of their branches holds."""
    evidence = policies.consent_evidence(evidence)
    try:
        number = normalise(number)
    except ValueError:
        raise Refused("reach.number", f"{number!r} is not a phone number", status=422) from None
    policies.may_record_consent(user, _number_branches(number))
    consent = PhoneConsent.objects.create(number=number, evidence=evidence[:300], recorded_by=user)
    audit_record(actor=user, action="reach.consent", target=f"number:{consent.number[-4:]}")
    return consent


def tps_import(*, user, lines: list[str], filename: str = "TPS file", from_console: bool = False) -> int:
    """Imports the TPS list (one number a line), all or nothing: a bad line names the file
    and line and imports nothing. Numbers already on it are kept. From the web or API only a
    national admin may; `from_console` is the operator at the server's shell (the CLI)."""
    if not from_console:
        policies.may_import_tps(user)
    numbers, errors = [], []
    for n, raw in enumerate(lines, start=1):
        raw = raw.strip().lstrip("\ufeff")
        if not raw or raw.lower() in ("number", "phone", "telephone"):
            continue
        try:
            numbers.append(normalise(raw))
        except ValueError:
            errors.append(f"{filename}, line {n}: number {raw[:30]!r} is not a phone number")
    if errors:
        raise Refused(
            "reach.tps_file", "; ".join(errors[:20]) + (" ..." if len(errors) > 20 else ""), status=422
        )
    with transaction.atomic():
        TpsNumber.objects.bulk_create(
            [TpsNumber(number=x) for x in set(numbers)], ignore_conflicts=True, batch_size=5000
        )
        audit_record(actor=user, action="reach.tps_import", target=filename, rows=len(numbers))
    return len(set(numbers))


def elector_phone_set(*, elector: Elector, number: str, source: str = "") -> ElectorPhone:
    """A number for an elector. If they said "don't phone me" on the doorstep, it goes
    straight on do-not-call."""
    phone, _ = ElectorPhone.objects.update_or_create(
        elector=elector, defaults={"number": normalise(number), "source": source[:60]}
    )
    objection = ElectorObjection.objects.filter(elector=elector).first()
    if objection is not None:
        do_not_call_record(number=phone.number, by=objection.recorded_by)
    return phone


__all__ = ["is_suppressed"]
