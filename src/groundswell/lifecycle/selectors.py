"""Reads of the ledger, and standing derived from it as at any date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Q, QuerySet

from groundswell.core.lifecycle import Entry, Rules, Standing, State, standing_as_at
from groundswell.core.lifecycle.eligibility import EligibilityRules
from groundswell.lifecycle.models import (
    ElectorateFreeze,
    HandMatch,
    Payment,
    Rate,
    RulesVersion,
    SourceFile,
    Subscription,
    SupporterSignup,
    SupporterWindow,
)
from groundswell.members import selectors as members
from groundswell.members.models import Membership

FALLBACK = Rules(rate_pence=500, period_months=1, grace_months=6)


def default_rules() -> Rules:
    rate = Rate.objects.filter(is_default=True).first()
    return _rules(rate) if rate else FALLBACK


def _rules(rate: Rate) -> Rules:
    return Rules(rate.amount_pence, rate.period_months, rate.grace_months)


def entries_by_membership(membership_ids: Iterable[int], *, precise: bool = False) -> dict[int, list[Entry]]:
    """Every money row (payments and failed collections) of these memberships, matched on
    import or by hand, as the pure rules see them. Cancelled mandates carry no money.
    `precise`: when each row became known is the full time (to compare with the moment a
    ballot's opening began), not the day."""
    when = (lambda t: t) if precise else (lambda t: t.date())
    ids = list(membership_ids)
    out: dict[int, list[Entry]] = defaultdict(list)
    money = Payment.objects.exclude(kind=Payment.Kind.MANDATE_CANCELLED)
    # two queries, each on its own index, rather than one OR across a join
    direct = money.filter(membership_id__in=ids).values_list("pk", "membership_id", "paid_on", "amount_pence",
                                                             "recorded_at")  # fmt: skip
    for pk, mid, on, amount, recorded in direct.iterator(chunk_size=20_000):
        out[mid].append(Entry(on=on, amount_pence=amount, known_on=when(recorded), key=str(pk)))
    by_hand = (
        HandMatch.objects.filter(membership_id__in=ids)
        .exclude(payment__kind=Payment.Kind.MANDATE_CANCELLED)
        .values_list("payment_id", "membership_id", "payment__paid_on", "payment__amount_pence", "matched_at")
    )
    for pk, mid, on, amount, matched in by_hand:
        # known once matched: the match is when the organisation learnt whose it was
        out[mid].append(Entry(on=on, amount_pence=amount, known_on=when(matched), key=str(pk)))
    return out


def standings_as_at(
    memberships: Iterable[Membership], as_at: date, *, known_by: date | None = None
) -> dict[int, Standing]:
    """Each membership's standing on `as_at`, from the ledger and its rate (or the default)."""
    memberships = list(memberships)
    ids = [m.pk for m in memberships]
    entries = entries_by_membership(ids)
    rates = {
        s.membership_id: _rules(s.rate)
        for s in Subscription.objects.filter(membership_id__in=ids).select_related("rate")
    }
    fallback = default_rules()
    return {
        m.pk: standing_as_at(
            joined_on=m.joined_on,
            entries=entries.get(m.pk, ()),
            rules=rates.get(m.pk, fallback),
            as_at=as_at,
            known_by=known_by,
        )
        for m in memberships
    }


def standing_of(membership: Membership, as_at: date, *, known_by: date | None = None) -> Standing:
    return standings_as_at([membership], as_at, known_by=known_by)[membership.pk]


def ledger_of(membership: Membership) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(Q(membership=membership) | Q(hand_match__membership=membership))
        .select_related("source", "hand_match")
        .order_by("paid_on", "pk")
    )


def unmatched_for(user) -> QuerySet[Payment]:
    """The queue: rows no reference matched and nobody has matched by hand. A branch
    organiser sees only rows of files imported within their branches."""
    qs = Payment.objects.filter(membership__isnull=True, hand_match__isnull=True).select_related("source")
    scope = members.branch_scope(user)
    if scope is None:
        return qs.order_by("paid_on", "pk")
    visible = [
        f.pk for f in SourceFile.objects.exclude(scope__isnull=True) if f.scope and set(f.scope) <= scope
    ]
    return qs.filter(source_id__in=visible).order_by("paid_on", "pk")


def files_for(user) -> QuerySet[SourceFile]:
    scope = members.branch_scope(user)
    if scope is None:
        return SourceFile.objects.all()
    return SourceFile.objects.filter(imported_by=user)


def memberships_lapsed_as_at(freeze_date: date, *, chunk: int = 5000) -> set[int]:
    """Memberships on the ledger (those with a Subscription) that had lapsed, or had not yet
    begun, as at `freeze_date` by the derived standing. A ballot leaves them out of its
    electorate (ballots.services.setup.ballot_open). Memberships not on the ledger keep
    their hand-typed `lapsed_on`, so switching the ledger on changes nobody else's vote.

    Only payments dated on or before the freeze date count: paying afterwards cannot buy
    standing as at the freeze."""
    ids = list(
        Subscription.objects.filter(membership__joined_on__lte=freeze_date)
        .order_by("membership_id")
        .values_list("membership_id", flat=True)
    )
    out: set[int] = set()
    for start in range(0, len(ids), chunk):
        part = Membership.objects.filter(pk__in=ids[start : start + chunk]).only("pk", "joined_on")
        for mid, s in standings_as_at(part, freeze_date).items():
            if s.state in (State.LAPSED, State.NOT_JOINED):
                out.add(mid)
    return out


def ledger_facts(membership_ids: Iterable[int], *, known_by: datetime | None = None):
    """(entries, dues rules) of those of these memberships that are on the ledger (have a
    Subscription): what the eligibility rules need. Entries carry the moment they became
    known when `known_by` is given."""
    ids = list(membership_ids)
    rules = {
        s.membership_id: _rules(s.rate)
        for s in Subscription.objects.filter(membership_id__in=ids).select_related("rate")
    }
    entries = entries_by_membership(list(rules), precise=known_by is not None)
    return entries, rules


def fee_paid_memberships(window_slug: str, *, known_by: datetime | None = None) -> set[int]:
    """Memberships whose fee was recorded in the named supporter window (by `known_by`)."""
    qs = SupporterSignup.objects.filter(window__slug=window_slug)
    if known_by is not None:
        qs = qs.filter(signed_up_at__lte=known_by)
    return set(qs.values_list("membership_id", flat=True))


def rules_versions(ballot) -> QuerySet[RulesVersion]:
    """Every published version of a ballot's rules, newest first (the public history)."""
    return RulesVersion.objects.filter(ballot=ballot).order_by("-number")


def current_rules(ballot) -> RulesVersion | None:
    return rules_versions(ballot).first()


def rules_for(ballot) -> tuple[EligibilityRules, RulesVersion | None]:
    """The rules a ballot's electorate is decided by: its newest published version, or,
    for a ballot nobody published rules for, the ballot's own categories, freeze date and
    minimum membership (a lapse by the freeze is the only dues rule)."""
    version = current_rules(ballot)
    if version is not None:
        return EligibilityRules.from_document(version.document), version
    return (
        EligibilityRules(
            categories=tuple(ballot.eligible_categories),
            freeze_date=ballot.freeze_date,
            min_membership_days=ballot.min_membership_days,
        ),
        None,
    )


def freeze_of(ballot) -> ElectorateFreeze | None:
    return ElectorateFreeze.objects.filter(ballot=ballot).select_related("rules_version").first()


def exclusion_counts(ballot) -> dict:
    """How many people each rule left out of a ballot's electorate, to publish with its
    result: {"rules_version": n or None, "by_reason": {reason: count}}. Counts only: who was
    left out is not public. Empty before the ballot opened."""
    freeze = freeze_of(ballot)
    if freeze is None:
        return {}
    return {
        "rules_version": freeze.rules_version.number if freeze.rules_version else None,
        "opening_began_at": freeze.began_at.isoformat(),
        "electorate": freeze.electorate,
        "by_reason": dict(sorted(freeze.exclusions.items())),
    }


def windows_open(now: datetime | None = None) -> QuerySet[SupporterWindow]:
    from django.utils import timezone

    now = now or timezone.now()
    return SupporterWindow.objects.filter(opens_at__lte=now, closes_at__gt=now)


STANDINGS_SQL = """
WITH money AS (
    SELECT p.membership_id AS mid, p.paid_on, p.amount_pence AS amount, p.id
    FROM lifecycle_payment p
    WHERE p.membership_id IS NOT NULL AND p.kind <> 'mandate_cancelled' AND p.paid_on <= %(on)s
  UNION ALL
    SELECT h.membership_id, p.paid_on, p.amount_pence, p.id
    FROM lifecycle_handmatch h JOIN lifecycle_payment p ON p.id = h.payment_id
    WHERE p.kind <> 'mandate_cancelled' AND p.paid_on <= %(on)s
), bought AS (
    SELECT m.mid, m.paid_on, m.amount, m.id,
           sign(m.amount)::int * (abs(m.amount) * r.period_months / r.amount_pence) AS months
    FROM money m
    JOIN lifecycle_subscription s ON s.membership_id = m.mid
    JOIN lifecycle_rate r ON r.id = s.rate_id
), run AS (
    SELECT mid, paid_on, amount, months,
           coalesce(sum(months) OVER (PARTITION BY mid ORDER BY paid_on, amount DESC, id
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::int AS before
    FROM bought
), per AS (
    SELECT run.mid, sum(run.months)::int AS months,
           bool_or(run.amount > 0 AND run.paid_on >= (mm.joined_on + make_interval(months => run.before))
                   + make_interval(months => r.grace_months)) AS restored
    FROM run
    JOIN members_membership mm ON mm.id = run.mid
    JOIN lifecycle_subscription s ON s.membership_id = run.mid
    JOIN lifecycle_rate r ON r.id = s.rate_id
    GROUP BY run.mid
), paid AS (
    SELECT mm.id, mm.membership_number, mm.joined_on, r.grace_months,
           coalesce(per.restored, false) AS restored,
           (mm.joined_on + make_interval(months => coalesce(per.months, 0)))::date AS paid_up_to
    FROM lifecycle_subscription s
    JOIN members_membership mm ON mm.id = s.membership_id
    JOIN lifecycle_rate r ON r.id = s.rate_id
    LEFT JOIN per ON per.mid = s.membership_id
)
SELECT id, membership_number, joined_on, restored, paid_up_to,
       (paid_up_to + make_interval(months => grace_months))::date AS lapses_on
FROM paid
ORDER BY id
"""


def standings_all(on: date, *, chunk: int = 5000):
    """(membership id, membership number, standing as at `on`) for every membership on the
    ledger, in membership order: the whole party's standing on a date (the `standing`
    command, the bench's 500,000). On PostgreSQL it is one set-wise pass over the ledger:
    a window function gives each payment the months bought before it, from which the
    paid-up-to date follows for every membership whose payments never came after a lapse
    (nearly all); the few restored memberships are worked out by the pure rules in Python
    (core.lifecycle.standing_as_at), which is the reference the SQL is tested against. On
    SQLite, the pure rules for everyone, a chunk at a time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        ids = list(Subscription.objects.order_by("membership_id").values_list("membership_id", flat=True))
        for start in range(0, len(ids), chunk):
            part = list(Membership.objects.filter(pk__in=ids[start : start + chunk]).order_by("pk"))
            got = standings_as_at(part, on)
            for m in part:
                yield m.pk, m.membership_number, got[m.pk]
        return
    with connection.cursor() as setting:
        # the window function sorts the whole ledger (6,000,000 rows at full size): in memory,
        # not in PostgreSQL's default 4 MB spilling to disk; for this query only
        setting.execute("SET work_mem = '256MB'")
    try:
        yield from _standings_sql(connection, on, chunk)
    finally:
        with connection.cursor() as setting:
            setting.execute("RESET work_mem")


def _standings_sql(connection, on: date, chunk: int):
    pending: list[tuple[int, str, Standing | None]] = []

    def settle(rows):
        restored = [pk for pk, _, s in rows if s is None]
        exact = (
            standings_as_at(Membership.objects.filter(pk__in=restored).only("pk", "joined_on"), on)
            if restored
            else {}
        )
        for pk, number, s in rows:
            yield pk, number, s if s is not None else exact[pk]

    with connection.chunked_cursor() as cur:
        cur.execute(STANDINGS_SQL, {"on": on})
        while batch := cur.fetchmany(chunk):
            for pk, number, joined_on, restored, paid_up_to, lapses_on in batch:
                if restored:
                    pending.append((pk, number, None))
                elif on < joined_on:
                    pending.append((pk, number, Standing(State.NOT_JOINED, None)))
                elif on < paid_up_to:
                    pending.append((pk, number, Standing(State.GOOD_STANDING, paid_up_to)))
                elif on < lapses_on:
                    pending.append(
                        (pk, number, Standing(State.IN_ARREARS, paid_up_to, in_arrears_since=paid_up_to))
                    )
                else:
                    pending.append(
                        (
                            pk,
                            number,
                            Standing(
                                State.LAPSED, paid_up_to, in_arrears_since=paid_up_to, lapsed_on=lapses_on
                            ),
                        )
                    )
            yield from settle(pending)
            pending = []
