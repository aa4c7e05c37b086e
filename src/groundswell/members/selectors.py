"""Reads for members: who a user may see, search, statistics and the electorate of a ballot."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.accounts.selectors import has_role, organised_branch_ids
from groundswell.members import policies
from groundswell.members.models import (
    Branch,
    Category,
    DuplicateCandidate,
    ImportJob,
    Membership,
    Person,
)

# When one person holds several memberships, the vote is cast in the first category here.
CATEGORY_PRECEDENCE: tuple[str, ...] = (
    Category.MEMBER,
    Category.AFFILIATED_SUPPORTER,
    Category.REGISTERED_SUPPORTER,
)


def current(on: date | None = None) -> Q:
    """Memberships that have not lapsed on `on` (today by default)."""
    return Q(lapsed_on__isnull=True) | Q(lapsed_on__gt=on or timezone.localdate())


def person_of(user):
    """The member record of a signed-in user, or None (anonymous, or an account without one)."""
    return getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None


def current_branch_ids(person, categories: Iterable[str] | None = None) -> set[int]:
    """The branches of a person's current memberships (in `categories`, if given)."""
    if person is None or person.erased_at:
        return set()
    qs = Membership.objects.filter(current(), person=person)
    if categories is not None:
        qs = qs.filter(category__in=list(categories))
    return set(qs.values_list("branch_id", flat=True))


def branch_scope(user) -> frozenset[int] | None:
    """The branches whose members `user` may see: None means all (national admin)."""
    if has_role(user, Role.NATIONAL_ADMIN):
        return None
    if has_role(user, Role.BRANCH_ORGANISER):
        return organised_branch_ids(user)
    return frozenset()


def can_manage_members(user) -> bool:
    return has_role(user, Role.NATIONAL_ADMIN, Role.BRANCH_ORGANISER)


def visible_memberships(user) -> QuerySet[Membership]:
    qs = Membership.objects.select_related("person", "branch", "affiliate")
    scope = branch_scope(user)
    if scope is None:
        return qs
    return qs.filter(branch_id__in=scope)


def visible_people(user) -> QuerySet[Person]:
    scope = branch_scope(user)
    if scope is None:
        return Person.objects.all()
    return Person.objects.filter(memberships__branch_id__in=scope).distinct()


def visible_branches(user) -> QuerySet[Branch]:
    scope = branch_scope(user)
    if scope is None:
        return Branch.objects.all()
    return Branch.objects.filter(pk__in=scope)


def membership_search(
    user,
    *,
    query: str = "",
    branch_id: int | None = None,
    category: str = "",
    current_only: bool = False,
) -> QuerySet[Membership]:
    """Memberships the user may see matching a membership number, an email or a name."""
    qs = visible_memberships(user)
    if branch_id:
        qs = qs.filter(branch_id=branch_id)
    if category:
        qs = qs.filter(category=category)
    if current_only:
        qs = qs.filter(current())
    words = policies.search_terms(query)  # a few words: a 3,000-word search is refused, not run
    query = " ".join(words)
    if query:
        if "@" in query:
            qs = qs.filter(person__email_key=query.lower())
        elif qs.filter(membership_number=query.upper()).exists():
            qs = qs.filter(membership_number=query.upper())
        else:
            # names by prefix, each word matching a first or last name; one condition per
            # table so the database can use its name indexes (an OR across the join cannot)
            for word in words:
                qs = qs.filter(
                    Q(person__first_name__istartswith=word) | Q(person__last_name__istartswith=word)
                )
            # The same order, written so that no index can give it: otherwise PostgreSQL walks
            # the whole (surname, first name) index in order hoping to meet 50 Smiths early,
            # and reads 400,000 rows to reach the S's (0.6 s at 500,000); this way it takes
            # the matches from the prefix indexes (migration 0004) and sorts the few thousand.
            qs = qs.order_by(
                Concat("person__last_name", Value("")),
                Concat("person__first_name", Value("")),
                "membership_number",
            )
            qs._name_search = words[0]  # type: ignore[attr-defined]  # for membership_page
            return qs
    return qs.order_by("person__last_name", "person__first_name", "membership_number")


PAGE_SIZE = 50
COUNT_UP_TO = 1_000


def membership_count(memberships: QuerySet[Membership], *, up_to: int = COUNT_UP_TO) -> tuple[int, bool]:
    """How many rows match, counted up to `up_to` (and whether there are more): counting all
    500,000 memberships costs more than the page itself, and "more than 1,000" says enough
    (another word narrows the search)."""
    n = memberships.order_by().values("pk")[: up_to + 1].count()
    return min(n, up_to), n > up_to


Cursor = tuple[str, str, str]  # (last name, first name, membership number) of a page's last row


def membership_page(
    memberships: QuerySet[Membership], *, after: Cursor | None = None, letter: str = "", size: int = PAGE_SIZE
) -> tuple[list[Membership], Cursor | None]:
    """One page of `membership_search`'s results by keyset: the rows after `after` in its
    order (surname, first name, membership number; the number is unique, so no row is skipped
    or shown twice), or from the first surname at `letter`. Returns the rows and the cursor of
    the next page (None on the last). Unlike OFFSET, page 5,000 reads 50 rows, not 250,000;
    `memberships` keeps its branch scope, so a cursor can only move within what the user sees."""
    qs = memberships
    word = getattr(memberships, "_name_search", None)
    if word and connection.vendor == "postgresql" and not letter:
        return _name_search_page(qs, word, after, size)
    if after is not None:
        last, first, number = after
        qs = qs.filter(person__last_name__gte=last).filter(  # the first condition uses the index
            Q(person__last_name__gt=last)
            | Q(person__last_name=last, person__first_name__gt=first)
            | Q(person__last_name=last, person__first_name=first, membership_number__gt=number)
        )
    elif letter:
        qs = qs.filter(person__last_name__gte=letter)
    rows = list(qs[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last_row = rows[-1]
    return rows, (last_row.person.last_name, last_row.person.first_name, last_row.membership_number)


def _after(qs: QuerySet[Membership], after: Cursor | None) -> QuerySet[Membership]:
    if after is None:
        return qs
    last, first, number = after
    return qs.filter(person__last_name__gte=last).filter(
        Q(person__last_name__gt=last)
        | Q(person__last_name=last, person__first_name__gt=first)
        | Q(person__last_name=last, person__first_name=first, membership_number__gt=number)
    )


def _like_prefix(word: str) -> str:
    """The word as LIKE matches it literally, then anything (upper-cased in SQL, as Django's
    `istartswith` does, so both agree on every alphabet)."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


NAME_CHUNK = 400  # candidate people a page query looks at, at a time


def _name_search_page(
    memberships: QuerySet[Membership], word: str, after: Cursor | None, size: int
) -> tuple[list[Membership], Cursor | None]:
    """A page of a name search on PostgreSQL, without reading every match's row.

    A common surname matches thousands of people (7,300 Smiths at 500,000 members). Sorting
    them by name used to fetch each one's row from the table, scattered over as many pages
    (50-70 ms). The covering prefix indexes (migration 0005) hold the id and both names, so
    the matching people come sorted from the indexes alone (a few ms); then the memberships
    are read for the first few hundred of them in that order, with every condition of the
    search (its scope, filters and the other words), until the page is full. The people are
    cut into groups only where the name changes, so the pages are in exactly the order of
    `membership_search` (the same collation sorts both)."""
    pattern = _like_prefix(word)
    sql = (
        "SELECT id, last_name, first_name FROM ("
        " SELECT id, last_name, first_name FROM members_person WHERE UPPER(last_name::text) LIKE UPPER(%s)"
        " UNION"
        " SELECT id, last_name, first_name FROM members_person WHERE UPPER(first_name::text) LIKE UPPER(%s)"
        ") c {where} ORDER BY last_name, first_name"
    )
    params: list = [pattern, pattern]
    where = ""
    if after is not None:
        where = "WHERE (last_name, first_name) >= (%s, %s)"
        params += [after[0], after[1]]
    with connection.cursor() as cur:
        cur.execute(sql.format(where=where), params)
        people = cur.fetchall()
    qs = _after(memberships, after)
    rows: list[Membership] = []
    start = 0
    while start < len(people) and len(rows) <= size:
        end = min(start + NAME_CHUNK, len(people))
        while end < len(people) and people[end][1:] == people[end - 1][1:]:
            end += 1  # never split one name between two queries
        ids = [p[0] for p in people[start:end]]
        rows += list(qs.filter(person_id__in=ids)[: size + 1 - len(rows)])
        start = end
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last_row = rows[-1]
    return rows, (last_row.person.last_name, last_row.person.first_name, last_row.membership_number)


def person_for_user(user, person_id: int) -> Person | None:
    """The person, if the user may see them (organisers: only people in their branches)."""
    if has_role(user, Role.NATIONAL_ADMIN):
        return Person.objects.filter(pk=person_id).first()
    if getattr(user, "person_id", None) == person_id:
        return Person.objects.filter(pk=person_id).first()
    return visible_people(user).filter(pk=person_id).first()


@dataclass(frozen=True, slots=True)
class MembershipStats:
    total_people: int
    by_category: dict[str, int]
    by_branch: list[tuple[str, str, int]]  # (ons_code, name, count), largest first
    branches: int
    has_synthetic: bool
    computed_at: datetime | None = None


STATS_SECONDS = 60  # how stale the dashboard's figures may be


def membership_stats_cached(user) -> MembershipStats:
    """The dashboard's figures, recomputed at most once a minute per scope: each is an
    aggregate over every membership (half a million), and many organisers look at once.

    Anything that changes memberships (imports, merges, erasures) adds a membership or an
    audit entry, and the newest of each is part of the key: after a change the figures are
    computed afresh at once, not up to a minute late."""
    from groundswell.accounts.models import AuditEvent

    scope = branch_scope(user)
    which = "all" if scope is None else ",".join(map(str, sorted(scope)))
    newest = (
        Membership.objects.order_by("-pk").values_list("pk", flat=True).first(),
        AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first(),
    )
    key = f"membership-stats:{which}:{date.today().isoformat()}:{newest[0]}:{newest[1]}"
    stats = cache.get(key)
    if stats is None:
        stats = membership_stats(user)
        cache.set(key, stats, STATS_SECONDS)
    return stats


def membership_stats(user, *, top_branches: int = 15, on: date | None = None) -> MembershipStats:
    """Current memberships (not lapsed on `on`) by category and by branch."""
    on = on or date.today()
    qs = visible_memberships(user).filter(current(on))
    by_category = {c.value: 0 for c in Category}
    for row in qs.values("category").annotate(n=Count("id")).order_by():
        by_category[row["category"]] = row["n"]
    # Group on the branch id alone (an index scan), then name the few branches shown:
    # grouping on the joined names costs seconds at half a million members.
    top = list(qs.values("branch_id").annotate(n=Count("id")).order_by("-n", "branch_id")[:top_branches])
    names = Branch.objects.in_bulk([r["branch_id"] for r in top])
    by_branch = [(names[r["branch_id"]].ons_code, names[r["branch_id"]].name, r["n"]) for r in top]
    total_people = qs.values("person_id").distinct().count()
    return MembershipStats(
        total_people=total_people,
        by_category=by_category,
        by_branch=by_branch,
        branches=visible_branches(user).count(),
        has_synthetic=Person.objects.filter(synthetic=True).exists(),
        computed_at=timezone.now(),
    )


@dataclass(frozen=True, slots=True)
class Elector:
    """One person entitled to vote, in the category their vote is counted in."""

    person_id: int
    category: str
    branch_id: int


def eligible_electorate(
    categories: Iterable[str],
    freeze_date: date,
    min_membership_days: int = 0,
    branch_id: int | None = None,
    exclude_memberships: Collection[int] = frozenset(),
    *,
    rules=None,
    known_by: datetime | None = None,
    exclusions: dict | None = None,
) -> list[Elector]:
    """Who may vote in a ballot frozen on `freeze_date`: each person once.

    Decided by the ballot's published eligibility rules (`rules`, an
    `core.lifecycle.eligibility.EligibilityRules`; without them, one built from
    `categories`, `freeze_date` and `min_membership_days`), as at the freeze date, from
    what the organisation knew by `known_by` (when the ballot's opening began): category,
    joining date and minimum membership, a lapse (by the payments ledger for memberships on
    it, else the hand-typed date), dues in good standing by the rules' date, the supporter
    fee paid in the rules' window. A person with several qualifying memberships votes once,
    in the first of their categories in CATEGORY_PRECEDENCE. Erased people are left out:
    they have no way to receive a credential. With `branch_id` only memberships of that
    branch count (a branch's vote on a motion). `exclude_memberships`: memberships left out
    by a decision made elsewhere (vetting).

    `exclusions`, if given, is filled with person id -> reason code for everyone with a
    membership who is not in the electorate (counts by reason are published).
    """
    from groundswell.core.lifecycle.eligibility import EligibilityRules, MembershipFacts, aggregate
    from groundswell.core.lifecycle.eligibility import membership_reason as reason_of
    from groundswell.lifecycle import selectors as ledger  # built on members: imported late

    if rules is None:
        rules = EligibilityRules(
            categories=tuple(Category(c).value for c in categories),
            freeze_date=freeze_date,
            min_membership_days=min_membership_days,
        )
    fee_paid = (
        ledger.fee_paid_memberships(rules.supporter_fee_window, known_by=known_by)
        if rules.supporter_fee_window
        else set()
    )
    joined_by = rules.joined_by
    rows = (
        Membership.objects.filter(**({"branch_id": branch_id} if branch_id is not None else {}))
        .order_by("pk")
        .values_list(
            "pk", "person_id", "category", "branch_id", "joined_on", "lapsed_on", "person__erased_at"
        )
    )

    def outcomes():
        chunk: list[tuple] = []

        def flush():
            # only memberships that could qualify are looked up on the ledger, a chunk at a time
            wanted = [
                r[0] for r in chunk
                if r[2] in rules.categories and r[4] <= joined_by and r[6] is None
                and (r[5] is None or r[5] > rules.freeze_date)
            ]  # fmt: skip
            entries, dues = ledger.ledger_facts(wanted, known_by=known_by) if wanted else ({}, {})
            for pk, person_id, category, branch, joined_on, lapsed_on, erased_at in chunk:
                facts = MembershipFacts(
                    membership_id=pk, person_id=person_id, category=category, branch_id=branch,
                    joined_on=joined_on, lapsed_on=lapsed_on, dues=dues.get(pk),
                    entries=tuple(entries.get(pk, ())), fee_paid=pk in fee_paid,
                    erased=erased_at is not None, excluded=pk in exclude_memberships,
                )  # fmt: skip
                yield person_id, pk, category, branch, reason_of(rules, facts, known_by=known_by)
            chunk.clear()

        for row in rows.iterator(chunk_size=10000):
            chunk.append(row)
            if len(chunk) >= 5000:
                yield from flush()
        yield from flush()

    decision = aggregate(outcomes(), precedence=CATEGORY_PRECEDENCE)
    if exclusions is not None:
        exclusions.update({pid: r.value for pid, r in decision.excluded.items()})
    return [Elector(pid, cat, bid) for pid, (cat, bid) in sorted(decision.electors.items())]


def open_duplicates(user) -> QuerySet[DuplicateCandidate]:
    people = visible_people(user).values("pk")
    return (
        # both records must be the user's to see: a pair reaching another branch is a
        # national admin's (an organiser's import finding the same email elsewhere)
        DuplicateCandidate.objects.filter(resolved_at__isnull=True, person__in=people, other__in=people)
        .select_related("person", "other")
        .order_by("found_at", "pk")
    )


def import_jobs_for(user, kind: str = ImportJob.Kind.MEMBERS) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.filter(kind=kind)
    if not has_role(user, Role.NATIONAL_ADMIN):
        qs = qs.filter(uploaded_by=user)
    return qs
