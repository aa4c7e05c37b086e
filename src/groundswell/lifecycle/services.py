"""Writes to the payments ledger: imports (all or nothing, idempotent) and hand matches."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from groundswell.accounts.policies import Refused
from groundswell.accounts.services import audit_record
from groundswell.lifecycle import parsers, policies
from groundswell.lifecycle.models import HandMatch, Payment, SourceFile, Subscription
from groundswell.members import selectors as members
from groundswell.members.models import Membership


def _when(dt) -> str:
    """A time as the pages write it ("6 December 2026 at 20:46"), not "06 December"."""
    from django.utils import timezone

    local = timezone.localtime(dt)
    return f"{local.day} {local:%B %Y at %H:%M}"


class ImportRefused(Refused):
    """A file with any problem imports nothing; `problems` name file, line and field."""

    status = 400
    code = "lifecycle.import"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(self.code, "; ".join(problems[:10]) + (" ..." if len(problems) > 10 else ""))


@dataclass
class ImportResult:
    source: SourceFile | None
    rows: int = 0
    matched: int = 0
    unmatched: int = 0
    already: int = 0  # rows another file had already put in the ledger (same network id)
    duplicate_of: SourceFile | None = None
    duplicate_visible: bool = True  # False: another officer's file, not named to this one
    rematched: int = 0  # rows already in the ledger, unmatched there, matched by this import
    conflicts: int = 0  # rows whose network id the ledger held with other facts (see `other_facts`)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        more = f"; {self.rematched} earlier row(s) now matched" if self.rematched else ""
        if self.duplicate_of is not None:
            f = self.duplicate_of
            if not self.duplicate_visible:
                return "this file was already imported by another officer: no new rows" + more
            return (
                f"{f.filename} was already imported on {f.imported_at:%Y-%m-%d %H:%M} "
                f"(import {f.pk}): " + ("no new rows" + more if self.rematched else "nothing changed")
            )
        clash = (
            f"; {self.conflicts} of them share a network id with a ledger row of another amount, date "
            "or kind (" + "; ".join(self.notes[:5]) + (" ..." if len(self.notes) > 5 else "") + ")"
            if self.conflicts
            else ""
        )
        return (
            f"{self.rows} row(s) recorded: {self.matched} matched, {self.unmatched} for matching by hand"
            + (f", {self.already} already in the ledger" if self.already else "")
            + more
            + clash
        )


def other_facts(external_id: str, r: parsers.Row) -> str:
    """The id under which a row is recorded when the ledger already holds its network id
    with another kind, amount or date. Those are not the same row, so the file's row is
    neither skipped as "already recorded" nor is the held row matched for this file's
    member: an organiser holding the party-wide export could otherwise import a doctored
    copy first (its rows match none of their members and wait unmatched), and the national
    import of the genuine export would skip every genuine row and credit other branches'
    members with the doctored ones. It is also how a network reports a later event of one
    payment under its id (a GoCardless payment charged back, or retried after failing).
    Derived from the facts, so importing the same row again finds it."""
    facts = hashlib.sha256(f"{r.kind}|{r.amount_pence}|{r.paid_on.isoformat()}".encode()).hexdigest()[:12]
    return f"{external_id[:67]}#{facts}"


def _norm(ref: str) -> str:
    return "".join(ref.split()).upper()


def reference_index(user) -> dict[str, int]:
    """Reference -> membership id, for the memberships `user` may see only: a branch
    organiser's file cannot match (or learn of) another branch's members."""
    qs = members.visible_memberships(user) if user is not None else Membership.objects.all()
    index = {_norm(n): pk for pk, n in qs.values_list("pk", "membership_number")}
    subs = Subscription.objects.filter(membership__in=qs.values("pk")).values_list(
        "membership_id", "references"
    )
    for mid, refs in subs:
        for ref in refs or ():
            index[_norm(ref)] = mid
    return index


def _match_of(index: dict[str, int], r: parsers.Row) -> int | None:
    return next((index[_norm(w)] for w in (r.reference, *r.words) if w and _norm(w) in index), None)


def _rematch(*, user, index: dict[str, int], pairs: list[tuple[int, parsers.Row]]) -> int:
    """Rows already in the ledger (an earlier import of the same file or the same network
    id) that nobody has matched are matched now if this importer's references know them.
    Without this, an organiser importing a party-wide file first (only their own branch's
    members match) would leave every other branch's members unmatched for good: the national
    import of the same bytes or ids changed nothing, and those members drifted into arrears
    and off a ballot's frozen electorate. The index is the importer's own scope, so nobody
    matches (or learns of) members outside it."""
    wanted = {pk: mid for pk, r in pairs if (mid := _match_of(index, r)) is not None}
    free = Payment.objects.filter(pk__in=list(wanted), membership__isnull=True, hand_match__isnull=True)
    # the ledger is append-only: the match is a row of its own, as a hand match is
    matches = [
        HandMatch(
            payment_id=pk, membership_id=wanted[pk], matched_by=user, note="by reference, on a later import"
        )
        for pk in free.values_list("pk", flat=True)
    ]
    HandMatch.objects.bulk_create(matches, batch_size=2000)
    matched = len(matches)
    if matched:
        audit_record(actor=user, action="lifecycle.rematch", target="payments", rows=matched)
    return matched


IMPORT_BATCH = 5000


def _held(ids: set[str]) -> dict[str, tuple[int, tuple, int]]:
    """Ledger rows holding these network ids: id -> (pk, (kind, amount, date), source id).
    The exclude repeats the unique index's condition, so PostgreSQL uses it (without it, a
    sequential scan of the whole ledger for every batch)."""
    if not ids:
        return {}
    rows = (
        Payment.objects.filter(external_id__in=list(ids))
        .exclude(external_id="")
        .values_list("external_id", "pk", "kind", "amount_pence", "paid_on", "source_id")
    )
    return {x: (pk, (kind, amount, on), src) for x, pk, kind, amount, on, src in rows}


COPY_COLUMNS = (
    "kind", "amount_pence", "paid_on", "method", "reference", "external_id", "detail",
    "source_id", "line", "membership_id", "recorded_at",
)  # fmt: skip


def _insert(batch: list[Payment]) -> None:
    """Records a batch: on PostgreSQL by COPY (a 6,000,000-row file spends most of its time
    building INSERT statements otherwise), elsewhere by bulk_create. The same rows, the
    same constraints and triggers either way."""
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        Payment.objects.bulk_create(batch, batch_size=IMPORT_BATCH)
        return
    now = timezone.now()
    with connection.cursor() as cur:
        sql = f"COPY lifecycle_payment ({', '.join(COPY_COLUMNS)}) FROM STDIN"
        with cur.cursor.copy(sql) as copy:
            for p in batch:
                copy.write_row((p.kind, p.amount_pence, p.paid_on, p.method, p.reference, p.external_id,
                                p.detail, p.source_id, p.line, p.membership_id, now))  # fmt: skip


def _chunks(rows, size: int):
    chunk = []
    for r in rows:
        chunk.append(r)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def payments_import(*, user, fmt: str, filename: str, data: bytes) -> ImportResult:
    """Reads the whole file first; any bad row and nothing is imported. The same bytes
    again change nothing; rows another file already recorded (same GoCardless/Stripe id)
    are not recorded twice. Rows are recorded in batches within one transaction, read
    from the file as they go (a year of half a million members' dues is 6,000,000 rows)."""
    policies.may_import_payments(user)
    parser = parsers.PARSERS.get(fmt)
    if parser is None:
        raise ImportRefused([f"{filename}: unknown format {fmt!r} (one of {', '.join(parsers.PARSERS)})"])
    digest = hashlib.sha256(data).hexdigest()
    earlier = SourceFile.objects.filter(sha256=digest).first()
    if earlier is not None:
        return _again(user=user, earlier=earlier, rows=parser(filename, data))
    try:
        rows = parser(filename, data)
    except parsers.FileProblems as e:
        raise ImportRefused(e.problems) from None
    index = reference_index(user)
    scope = members.branch_scope(user) if user is not None else None
    result = ImportResult(source=None)
    try:
        with transaction.atomic():
            source = SourceFile.objects.create(
                format=fmt,
                filename=filename[:255],
                sha256=digest,
                imported_by=user,
                scope=sorted(scope) if scope is not None else None,
            )
            again: list[tuple[int, parsers.Row]] = []
            recorded = 0
            for chunk in _chunks(rows, IMPORT_BATCH):
                # rows another file (or an earlier batch of this one) already recorded, found a
                # batch at a time: a 6,000,000-row file never needs one query of 6,000,000 ids
                ids = {r.external_id for r in chunk if r.external_id}
                held = _held(ids)
                # a row whose id is held with other facts is looked for under `other_facts`
                # (rare: only those rows pay for the hash and a second look-up)
                again_as = {
                    other_facts(r.external_id, r) for r in chunk
                    if r.external_id in held and held[r.external_id][1] != (r.kind, r.amount_pence, r.paid_on)
                }  # fmt: skip
                held.update(_held(again_as))
                existing = {x: pk for x, (pk, _, _) in held.items()}
                batch = []
                for r in chunk:
                    xid = r.external_id
                    if xid and xid in held and held[xid][1] != (r.kind, r.amount_pence, r.paid_on):
                        _, (kind, amount, on), src = held[xid]
                        result.conflicts += 1
                        result.notes.append(
                            f"{filename}: line {r.line}: id: {xid} is also in import {src} as {kind} "
                            f"of {amount}p on {on}"
                        )
                        xid = other_facts(xid, r)
                    if xid and xid in existing:
                        result.already += 1
                        if existing[xid]:
                            again.append((existing[xid], r))
                        continue
                    if xid:
                        existing[xid] = 0
                    mid = _match_of(index, r)
                    result.matched += mid is not None
                    result.unmatched += mid is None
                    batch.append(
                        Payment(
                            kind=r.kind, amount_pence=r.amount_pence, paid_on=r.paid_on, method=r.method,
                            reference=r.reference[:140], external_id=xid, detail=r.detail[:140],
                            source=source, line=r.line, membership_id=mid,
                        )
                    )  # fmt: skip
                _insert(batch)
                recorded += len(batch)
            result.rematched = _rematch(user=user, index=index, pairs=again)
            result.rows = recorded
            source.rows = recorded
            SourceFile.objects.filter(pk=source.pk).update(rows=recorded)
            audit_record(
                actor=user,
                action="lifecycle.import",
                target=f"sourcefile:{source.pk}",
                rows=recorded,
                detail={"format": fmt, "filename": filename, "sha256": digest, "matched": result.matched,
                        "unmatched": result.unmatched, "already": result.already,
                        "other_facts": result.notes[:100]},
            )  # fmt: skip
    except IntegrityError:
        # a concurrent import of the same file won the race: it is in, once
        earlier = SourceFile.objects.filter(sha256=digest).first()
        if earlier is None:
            raise
        return _again(user=user, earlier=earlier, rows=rows)
    result.source = source
    return result


def _again(*, user, earlier: SourceFile, rows: list[parsers.Row]) -> ImportResult:
    """The same bytes again: nothing new is recorded, but rows of the earlier import still
    unmatched are matched within this importer's scope (see `_rematch`). Another officer's
    file is not named (its name and date are theirs)."""
    from groundswell.lifecycle.selectors import files_for

    lines = dict(Payment.objects.filter(source=earlier).values_list("line", "pk"))
    with transaction.atomic():
        rematched = _rematch(
            user=user,
            index=reference_index(user),
            pairs=[(lines[r.line], r) for r in rows if r.line in lines],
        )
    visible = user is None or files_for(user).filter(pk=earlier.pk).exists()
    return ImportResult(source=None, duplicate_of=earlier, duplicate_visible=visible, rematched=rematched)


@transaction.atomic
def payment_match(*, user, payment: Payment, membership: Membership, note: str = "") -> HandMatch:
    """An officer matches an unmatched row to a membership, once; audited."""
    policies.may_match(user, payment=payment, membership=membership)
    if payment.membership_id is not None or HandMatch.objects.filter(payment=payment).exists():
        raise Refused("lifecycle.match", "this payment is already matched", status=409)
    match = HandMatch.objects.create(payment=payment, membership=membership, matched_by=user, note=note[:200])
    audit_record(
        actor=user,
        action="lifecycle.match",
        target=f"payment:{payment.pk}",
        detail={"membership": membership.membership_number, "note": note[:200]},
    )
    return match


# --- eligibility rules, published and versioned (issue 16, item 4) -------------------------


def rules_publish(*, user, ballot, document: dict, note: str = "", confirm: bool = False, now=None):
    """Publishes a new version of a ballot's eligibility rules. Refused once the ballot (or
    the supporter window the rules name) has opened: rules are known before anyone could
    have met them, and a version, once published, is never changed (a correction is a new
    version). Publishing cannot be undone, so it asks to be confirmed. The same document as
    the current version publishes nothing. The draft ballot's categories and freeze date
    follow the rules (the ballot's pages show them)."""
    from django.utils import timezone

    from groundswell.accounts.policies import NeedsConfirmation
    from groundswell.ballots.models import Ballot
    from groundswell.core.lifecycle.eligibility import EligibilityRules, RulesProblem
    from groundswell.lifecycle.models import RulesVersion, SupporterWindow

    policies.may_publish_rules(user, ballot)
    try:
        rules = EligibilityRules.from_document(document)
    except RulesProblem as e:
        raise Refused(
            "lifecycle.rules", "the rules cannot be published: " + "; ".join(e.problems), status=400
        ) from None
    now = now or timezone.now()
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.status != Ballot.Status.DRAFT or now >= locked.opens_at:
            raise Refused(
                "lifecycle.rules",
                f"{locked.title} has opened: its rules were fixed before it opened and cannot change now",
                status=409,
            )
        current = RulesVersion.objects.filter(ballot=locked).order_by("-number").first()
        named = (current.document.get("supporter_fee_window") or "") if current else ""
        before = SupporterWindow.objects.filter(slug=named).first() if named else None
        if before is not None and now >= before.opens_at:
            # the rules in force named a window people have paid in: they stay the rules
            raise Refused(
                "lifecycle.rules",
                f"the supporter window {before.name} opened at "
                f"{_when(before.opens_at)}: version {current.number} of the "
                "rules names it, and rules cannot change once people could act on them",
                status=409,
            )
        problems = []
        opens_on = timezone.localtime(locked.opens_at).date()
        if rules.freeze_date > opens_on:
            problems.append(f"freeze_date: {rules.freeze_date} is after the ballot opens ({opens_on})")
        if rules.dues_by is not None and rules.dues_by > opens_on:
            problems.append(
                f"dues_in_good_standing_by: {rules.dues_by} is after the ballot opens ({opens_on}), "
                "when its electorate is frozen"
            )
        if rules.supporter_fee_window:
            window = SupporterWindow.objects.filter(slug=rules.supporter_fee_window).first()
            if window is None:
                problems.append(f"supporter_fee_window: no supporter window {rules.supporter_fee_window!r}")
            elif now >= window.opens_at:
                raise Refused(
                    "lifecycle.rules",
                    f"the supporter window {window.name} opened at "
                    f"{_when(window.opens_at)}: rules naming it are published "
                    "before it opens",
                    status=409,
                )
            elif window.closes_at > locked.opens_at:
                problems.append(f"supporter_fee_window: {window.name} closes after the ballot opens")
        if problems:
            raise Refused(
                "lifecycle.rules", "the rules cannot be published: " + "; ".join(problems), status=400
            )
        doc = rules.to_document()
        if current is not None and current.document == doc:
            return current
        number = (current.number if current else 0) + 1
        if not confirm:
            raise NeedsConfirmation(
                "lifecycle.rules",
                f"Publishing makes version {number} of the rules for {locked.title} public for good "
                + (f"(it supersedes version {current.number}); " if current else "; ")
                + "a correction is a new version. Confirm to publish.",
                consequences={
                    "version": number,
                    "supersedes": current.number if current else None,
                    "document": doc,
                },
            )
        version = RulesVersion.objects.create(
            ballot=locked, number=number, document=doc, note=note[:300], published_by=user, published_at=now
        )
        Ballot.objects.filter(pk=locked.pk, status=Ballot.Status.DRAFT).update(
            eligible_categories=list(rules.categories), freeze_date=rules.freeze_date
        )
        audit_record(
            actor=user,
            action="lifecycle.rules_publish",
            target=f"ballot:{locked.pk}",
            detail={"version": number, "document": doc, "note": note[:300]},
        )
    return version


def electorate_freeze_begin(*, ballot) -> None:
    """Records the moment a ballot's opening began: what the organisation knew by then
    (payments recorded, matches made, fees signed up) is what its electorate is decided on.
    ballots.services.setup.ballot_open_start calls it, inside its transaction."""
    from groundswell.lifecycle.models import ElectorateFreeze

    ElectorateFreeze.objects.get_or_create(ballot_id=ballot.pk)


def electorate_freeze(*, ballot, exclude_memberships=frozenset()) -> list:
    """The electorate of a ballot being opened: its published rules (or its own fields),
    as at its freeze date, known by when its opening began; the number left out for each
    reason is kept to publish with the result. The same on a re-run (the task is retried):
    the rules, the freeze date and the moment are all fixed by then."""
    from groundswell.core.lifecycle.eligibility import Reason
    from groundswell.lifecycle import selectors
    from groundswell.lifecycle.models import ElectorateFreeze
    from groundswell.members.selectors import eligible_electorate

    freeze, _ = ElectorateFreeze.objects.get_or_create(ballot_id=ballot.pk)
    rules, version = selectors.rules_for(ballot)
    excluded: dict[int, str] = {}
    electorate = eligible_electorate(
        rules.categories,
        rules.freeze_date,
        0,
        ballot.branch_id,
        exclude_memberships,
        rules=rules,
        known_by=freeze.began_at,
        exclusions=excluded,
    )
    counts = {r.value: 0 for r in Reason}
    for reason in excluded.values():
        counts[reason] += 1
    ElectorateFreeze.objects.filter(pk=freeze.pk).update(
        rules_version=version, exclusions=counts, electorate=len(electorate)
    )
    return electorate


# --- supporter fee windows (issue 16, item 3) ----------------------------------------------

PUBLIC_SIGNUPS_PER_HOUR = 20  # from one address, as for public event replies


class SignupRefused(Refused):
    """A sign-up that cannot be taken: `problems` name each field (or the window's times)."""

    status = 400
    code = "lifecycle.signup"

    def __init__(self, problems: list[str], *, status: int | None = None) -> None:
        self.problems = problems
        super().__init__(self.code, "; ".join(problems), status=status)


def window_create(
    *, user, slug: str, name: str, opens_at, closes_at, fee_pence: int, branch, declaration: str = ""
):
    """A supporter window (national admins). Its times are fixed once it opens: rules that
    name it are published before it opens."""
    from django.utils.text import slugify

    from groundswell.lifecycle.models import SupporterWindow

    policies.may_manage_windows(user)
    problems = []
    if slugify(slug) != slug or not slug:
        problems.append(f"slug: {slug!r} must be a short name of lower-case letters, digits and hyphens")
    if closes_at <= opens_at:
        problems.append("closes_at: must be after opens_at")
    if fee_pence <= 0:
        problems.append("fee_pence: must be more than nothing")
    if SupporterWindow.objects.filter(slug=slug).exists():
        problems.append(f"slug: a window {slug!r} already exists")
    if problems:
        raise SignupRefused(problems)
    with transaction.atomic():
        window = SupporterWindow.objects.create(
            slug=slug, name=name[:120] or slug, opens_at=opens_at, closes_at=closes_at, fee_pence=fee_pence,
            branch=branch, created_by=user, **({"declaration": declaration} if declaration.strip() else {}),
        )  # fmt: skip
        detail = {"slug": slug, "opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()}
        audit_record(
            actor=user,
            action="lifecycle.window_create",
            target=f"window:{window.pk}",
            detail={**detail, "fee_pence": fee_pence},
        )
    return window


FEE_REFERENCE = r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{2,59}$"


def supporter_signup(
    *,
    window,
    first_name: str,
    last_name: str,
    email: str,
    postcode: str,
    declared: bool,
    fee_reference: str,
    consent_email: bool = False,
    address: str | None = None,
    now=None,
):
    """A registered-supporter sign-up, taken only while the window is open, from anyone (no
    account). Returns (sign-up, created). The same email in the same window again changes
    nothing and says the same (so the page reveals nothing about who signed up). Makes the
    person (or finds them by email: one person, one vote) a registered supporter of the
    window's branch from today, with the declaration they ticked and the fee's reference."""
    import re

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.utils import timezone

    from groundswell.accounts.services import throttle_allow
    from groundswell.core.formats.members_csv import name_postcode_key, normalise_email, normalise_postcode
    from groundswell.lifecycle.models import SupporterSignup
    from groundswell.members.models import Category, Person

    now = now or timezone.now()
    local = timezone.localtime
    if now < window.opens_at:
        raise SignupRefused(
            [f"Sign-up for {window.name} opens on {_when(window.opens_at)}: not open yet."],
            status=409,
        )
    if now >= window.closes_at:
        raise SignupRefused(
            [f"Sign-up for {window.name} closed on {_when(window.closes_at)}."],
            status=409,
        )
    if address and not throttle_allow(
        key=f"supporter:{address}", limit=PUBLIC_SIGNUPS_PER_HOUR, window_seconds=3600
    ):
        raise SignupRefused(["Too many sign-ups from this address in the last hour: please try again later."],
                            status=429)  # fmt: skip
    first_name, last_name, email = first_name.strip()[:100], last_name.strip()[:100], email.strip()
    fee_reference = fee_reference.strip()
    problems = []
    if not first_name:
        problems.append("first name: required")
    if not last_name:
        problems.append("last name: required")
    try:
        validate_email(email)
    except ValidationError:
        problems.append("email: give an email address we can write to")
    code = normalise_postcode(postcode.strip())
    if code is None:
        problems.append(f"postcode: {postcode.strip()[:12]!r} is not a UK postcode")
    if not declared:
        problems.append("declaration: tick the declaration to sign up")
    if not re.match(FEE_REFERENCE, fee_reference):
        problems.append(
            "fee payment reference: give your fee payment's reference (3 to 60 letters or digits)"
        )
    if problems:
        raise SignupRefused(problems)
    key = normalise_email(email)
    with transaction.atomic():
        existing = SupporterSignup.objects.filter(window=window, email_key=key).first()
        if existing is not None:
            return existing, False
        person = Person.objects.filter(email_key=key, erased_at__isnull=True).order_by("pk").first()
        if person is None:
            person = Person.objects.create(
                first_name=first_name, last_name=last_name, email=email, email_key=key,
                name_key=name_postcode_key(first_name, last_name, code), postcode=code,
                consent_email_on=local(now).date() if consent_email else None,
            )  # fmt: skip
        membership = Membership.objects.create(
            person=person, membership_number=f"RS{window.pk}-{person.pk}", branch_id=window.branch_id,
            category=Category.REGISTERED_SUPPORTER, joined_on=local(now).date(),
        )  # fmt: skip
        try:
            with transaction.atomic():
                signup = SupporterSignup.objects.create(
                    window=window, membership=membership, email_key=key, declaration=window.declaration,
                    fee_reference=fee_reference, signed_up_at=now,
                )  # fmt: skip
        except IntegrityError:  # the same email at the same moment: that one stands
            transaction.set_rollback(True)
            return SupporterSignup.objects.get(window=window, email_key=key), False
        audit_record(actor=None, action="lifecycle.supporter_signup", target=f"window:{window.pk}",
                     detail={"membership": membership.membership_number})  # fmt: skip
        transaction.on_commit(lambda: _signup_confirm(signup, email))
    return signup, True


def _signup_confirm(signup, email: str) -> None:
    from django.core.mail import EmailMessage

    window = signup.window
    body = (
        f"Thank you for registering as a supporter ({window.name}).\n\n"
        f"Your supporter number is {signup.membership.membership_number}; the fee's payment "
        f"reference you gave is {signup.fee_reference}.\n\nYou declared:\n{signup.declaration}\n"
    )
    EmailMessage(f"{window.name}: you are registered", body, to=[email]).send(fail_silently=True)


# --- arrears reminders and lapse (issue 16, item 2) ----------------------------------------


def arrears_run(*, today=None, force: bool = False, chunk: int = 5000) -> dict[str, int]:
    """The day's pass over the ledger, run by `groundswell tick`: once a day (claimed by a
    DailyRun row, so several tick processes do it once; `force` runs again, as a re-run
    after a fault would). Each membership on the ledger newly in arrears gets one reminder
    per spell of arrears (the spell is named by its first day; the claim is a unique row,
    so no re-run sends it twice), by email only to people who consented to email. A lapse
    (the rate's grace period passed) is recorded once as a LapseEvent. A lapsed member who
    pays again is restored by the standing itself (derived), and a new spell of arrears
    later gets a reminder of its own."""
    from django.utils import timezone

    from groundswell.core.lifecycle import State
    from groundswell.lifecycle import selectors
    from groundswell.lifecycle.models import DailyRun, LapseEvent

    today = today or timezone.localdate()
    if not force:
        try:
            with transaction.atomic():
                DailyRun.objects.create(task="arrears", on=today)
        except IntegrityError:
            return {"reminded": 0, "lapsed": 0}
    ids = list(
        Subscription.objects.filter(
            membership__joined_on__lte=today, membership__person__erased_at__isnull=True
        )
        .order_by("membership_id")
        .values_list("membership_id", flat=True)
    )
    reminded = lapsed = 0
    for start in range(0, len(ids), chunk):
        part = list(Membership.objects.filter(pk__in=ids[start : start + chunk]).select_related("person"))
        standings = selectors.standings_as_at(part, today)
        for m in part:
            s = standings[m.pk]
            if s.state == State.LAPSED:
                _, made = LapseEvent.objects.get_or_create(membership=m, lapsed_on=s.lapsed_on)
                lapsed += made
            elif s.state == State.IN_ARREARS:
                reminded += _remind(m, s, today)
    DailyRun.objects.filter(task="arrears", on=today).update(
        finished_at=timezone.now(), summary={"reminded": reminded, "lapsed": lapsed}
    )
    if reminded or lapsed:
        audit_record(actor=None, action="lifecycle.arrears_run", target="memberships", rows=reminded + lapsed,
                     detail={"on": today.isoformat(), "reminded": reminded, "lapsed": lapsed})  # fmt: skip
    return {"reminded": reminded, "lapsed": lapsed}


def _remind(membership, standing, today) -> int:
    """Claims the spell's reminder (a unique row), then sends it; 1 if an email went."""
    from django.core.mail import EmailMessage
    from django.utils import timezone

    from groundswell.lifecycle.models import ArrearsNotice

    try:
        with transaction.atomic():
            notice = ArrearsNotice.objects.create(
                membership=membership, arrears_since=standing.in_arrears_since
            )
    except IntegrityError:
        return 0  # this spell's reminder was claimed before
    person = membership.person
    if not (person.consent_email_on and person.email and not person.erased_at):
        return 0  # no consent to email: the spell is marked, nothing is sent
    from groundswell.core.lifecycle import add_months

    rules = _rules_of(membership)
    lapse = add_months(standing.in_arrears_since, rules.grace_months)
    body = (
        f"Dear {person.first_name or 'member'},\n\n"
        f"Our records show your membership {membership.membership_number} has been in arrears since "
        f"{standing.in_arrears_since.day} {standing.in_arrears_since:%B %Y}. "
        f"Membership lapses on {lapse.day} {lapse:%B %Y} if dues are not paid by then; "
        "a ballot's rules may ask for dues to be paid by an earlier date.\n\n"
        "If you have paid in the last few days, thank you, and please ignore this message.\n"
    )
    try:
        EmailMessage("Your membership dues are in arrears", body, to=[person.email]).send()
    except Exception:
        ArrearsNotice.objects.filter(pk=notice.pk).delete()  # not sent: the next run tries again
        raise
    ArrearsNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
    return 1


def _rules_of(membership):
    from groundswell.lifecycle.selectors import _rules, default_rules

    sub = Subscription.objects.filter(membership=membership).select_related("rate").first()
    return _rules(sub.rate) if sub else default_rules()
