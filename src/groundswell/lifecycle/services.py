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
        return (
            f"{self.rows} row(s) recorded: {self.matched} matched, {self.unmatched} for matching by hand"
            + (f", {self.already} already in the ledger" if self.already else "")
            + more
        )


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


def payments_import(*, user, fmt: str, filename: str, data: bytes) -> ImportResult:
    """Reads the whole file first; any bad row and nothing is imported. The same bytes
    again change nothing; rows another file already recorded (same GoCardless/Stripe id)
    are not recorded twice."""
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
            existing = dict(
                Payment.objects.filter(
                    external_id__in=[r.external_id for r in rows if r.external_id]
                ).values_list("external_id", "pk")
            )
            batch, again = [], []
            for r in rows:
                if r.external_id and r.external_id in existing:
                    result.already += 1
                    if existing[r.external_id]:
                        again.append((existing[r.external_id], r))
                    continue
                existing[r.external_id] = 0
                mid = _match_of(index, r)
                result.matched += mid is not None
                result.unmatched += mid is None
                batch.append(
                    Payment(
                        kind=r.kind, amount_pence=r.amount_pence, paid_on=r.paid_on, method=r.method,
                        reference=r.reference[:140], external_id=r.external_id, detail=r.detail[:140],
                        source=source, line=r.line, membership_id=mid,
                    )
                )  # fmt: skip
            Payment.objects.bulk_create(batch, batch_size=2000)
            result.rematched = _rematch(user=user, index=index, pairs=again)
            result.rows = len(batch)
            source.rows = len(batch)
            SourceFile.objects.filter(pk=source.pk).update(rows=len(batch))
            audit_record(
                actor=user,
                action="lifecycle.import",
                target=f"sourcefile:{source.pk}",
                rows=len(batch),
                detail={"format": fmt, "filename": filename, "sha256": digest, "matched": result.matched,
                        "unmatched": result.unmatched, "already": result.already},
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
