"""Who may vote in a ballot, decided from published rules and facts alone, with a reason
for every person left out.

Pure (no Django). The rules are the document a ballot's returning officer publishes
(versioned, in groundswell.lifecycle): the categories that vote, the freeze date, the
minimum length of membership, the date by which members' dues must be in good standing,
and the supporter-fee window a registered supporter must have paid in. The facts are each
membership's category, dates, ledger rows and fee sign-up, as the organisation knew them
when the ballot's opening began (`known_by`): a payment matched, or a fee recorded, after
that cannot change a frozen electorate.

A person votes once, in the first of their qualifying categories by precedence; a person
with no qualifying membership is excluded with one reason (the reason of the membership
that came nearest to qualifying, so "paid too late" beats "is a supporter, not a member").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from groundswell.core.lifecycle import Entry, Rules, State, add_months, standing_as_at

__all__ = [
    "CATEGORIES",
    "Decision",
    "EligibilityRules",
    "MembershipFacts",
    "Reason",
    "RulesProblem",
    "aggregate",
    "decide",
    "membership_reason",
]

CATEGORIES = ("member", "affiliated_supporter", "registered_supporter")  # in precedence order


class Reason(StrEnum):
    """Why a person is not in an electorate. Nearest to qualifying first (see `decide`)."""

    EXCLUDED = "excluded"  # by a decision recorded elsewhere (vetting), passed in as a fact
    IN_ARREARS = "in_arrears"  # a member not in good standing by the rules' dues date
    NO_SUPPORTER_FEE = "no_supporter_fee"  # a supporter with no fee paid in the rules' window
    LAPSED = "lapsed"  # lapsed as at the freeze date (ledger) or by the hand-typed date
    JOINED_TOO_LATE = "joined_too_late"  # joined after the freeze date less the minimum membership
    WRONG_CATEGORY = "wrong_category"  # holds only categories that do not vote in this ballot
    ERASED = "erased"  # the person's record was erased: nobody to send a code to


NEAREST_FIRST = tuple(Reason)


class RulesProblem(ValueError):
    """A rules document that cannot be published: every problem, by field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class EligibilityRules:
    """One version of a ballot's eligibility rules.

    `dues_by`: members (of `dues_categories`) on the payments ledger must be in good
    standing on that date, counting payments dated up to it (in 2016 members in arrears
    could pay by a deadline and still vote). None: only a lapse by the freeze excludes.
    `supporter_fee_window`: the slug of the window registered supporters must have paid
    the fee in (2016's 48 hours in July); empty: no fee rule."""

    categories: tuple[str, ...]
    freeze_date: date
    min_membership_months: int = 0
    min_membership_days: int = 0
    dues_by: date | None = None
    dues_categories: tuple[str, ...] = ("member",)
    supporter_fee_window: str = ""
    fee_categories: tuple[str, ...] = ("registered_supporter",)

    def __post_init__(self) -> None:
        problems = []
        if not self.categories:
            problems.append("categories: name at least one category that votes")
        for name in ("categories", "dues_categories", "fee_categories"):
            for c in getattr(self, name):
                if c not in CATEGORIES:
                    problems.append(f"{name}: {c!r} is not one of {', '.join(CATEGORIES)}")
        if self.min_membership_months < 0 or self.min_membership_days < 0:
            problems.append("min_membership_months: cannot be negative")
        if problems:
            raise RulesProblem(problems)

    @property
    def joined_by(self) -> date:
        """The last joining date that counts: the freeze less the minimum membership."""
        return add_months(self.freeze_date, -self.min_membership_months) - timedelta(
            days=self.min_membership_days
        )

    def to_document(self) -> dict:
        """The published form (JSON): what the public page and the API show, versioned."""
        return {
            "categories": list(self.categories),
            "freeze_date": self.freeze_date.isoformat(),
            "min_membership_months": self.min_membership_months,
            "min_membership_days": self.min_membership_days,
            "dues_in_good_standing_by": self.dues_by.isoformat() if self.dues_by else None,
            "dues_categories": list(self.dues_categories),
            "supporter_fee_window": self.supporter_fee_window,
            "fee_categories": list(self.fee_categories),
        }

    @classmethod
    def from_document(cls, doc: Mapping) -> EligibilityRules:
        """Reads a rules document (as published, or as a file an officer wrote); every
        problem is reported by field, none is guessed."""
        if not isinstance(doc, Mapping):
            raise RulesProblem(["the rules must be a JSON object"])
        problems: list[str] = []
        known = set(cls.__dataclass_fields__) | {"dues_in_good_standing_by"}
        for key in doc:
            if key not in known or key == "dues_by":
                problems.append(f"{key}: not a field of the eligibility rules")

        def day(key: str, required: bool) -> date | None:
            value = doc.get(key)
            if value in (None, ""):
                if required:
                    problems.append(f"{key}: required (YYYY-MM-DD)")
                return None
            try:
                return date.fromisoformat(str(value))
            except ValueError:
                problems.append(f"{key}: {value!r} is not a date (YYYY-MM-DD)")
                return None

        def whole(key: str) -> int:
            value = doc.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(f"{key}: {value!r} is not a whole number")
                return 0
            return value

        def names(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
            value = doc.get(key, list(default))
            if isinstance(value, str) or not isinstance(value, Sequence):
                problems.append(f"{key}: give a list of categories")
                return default
            return tuple(str(v) for v in value)

        freeze = day("freeze_date", True)
        dues = day("dues_in_good_standing_by", False)
        window = doc.get("supporter_fee_window") or ""
        if not isinstance(window, str):
            problems.append("supporter_fee_window: give the window's short name")
            window = ""
        fields = dict(
            categories=names("categories", ()),
            min_membership_months=whole("min_membership_months"),
            min_membership_days=whole("min_membership_days"),
            dues_categories=names("dues_categories", ("member",)),
            fee_categories=names("fee_categories", ("registered_supporter",)),
        )
        if problems or freeze is None:
            raise RulesProblem(problems)
        return cls(freeze_date=freeze, dues_by=dues, supporter_fee_window=window, **fields)


@dataclass(frozen=True)
class MembershipFacts:
    """What the rules look at for one membership, as the organisation knew it."""

    membership_id: int
    person_id: int
    category: str
    joined_on: date
    branch_id: int = 0
    lapsed_on: date | None = None  # hand-typed (memberships not on the payments ledger)
    dues: Rules | None = None  # None: not on the ledger (its hand-typed dates decide)
    entries: tuple[Entry, ...] = ()
    fee_paid: bool = False  # a fee recorded in the rules' supporter window
    erased: bool = False
    excluded: bool = False


def membership_reason(
    rules: EligibilityRules, facts: MembershipFacts, *, known_by: date | datetime | None = None
) -> Reason | None:
    """Why this membership does not qualify, or None if it does."""
    if facts.erased:
        return Reason.ERASED
    if facts.category not in rules.categories:
        return Reason.WRONG_CATEGORY
    by_fee = bool(rules.supporter_fee_window) and facts.category in rules.fee_categories
    if facts.joined_on > rules.joined_by and not by_fee:
        # a supporter who paid the fee in the rules' window qualifies by that, not by a
        # joining date (2016: members by 12 January, supporters in 48 hours in July)
        return Reason.JOINED_TOO_LATE
    if facts.dues is None:
        if facts.lapsed_on is not None and facts.lapsed_on <= rules.freeze_date:
            return Reason.LAPSED
    else:
        at_freeze = standing_as_at(
            joined_on=facts.joined_on, entries=facts.entries, rules=facts.dues,
            as_at=rules.freeze_date, known_by=known_by,
        )  # fmt: skip
        if at_freeze.state in (State.LAPSED, State.NOT_JOINED):
            return Reason.LAPSED
        if rules.dues_by is not None and facts.category in rules.dues_categories:
            by = standing_as_at(
                joined_on=facts.joined_on, entries=facts.entries, rules=facts.dues,
                as_at=rules.dues_by, known_by=known_by,
            )  # fmt: skip
            if by.state != State.GOOD_STANDING:
                return Reason.IN_ARREARS
    if by_fee and not facts.fee_paid:
        return Reason.NO_SUPPORTER_FEE
    if facts.excluded:
        return Reason.EXCLUDED
    return None


@dataclass(frozen=True)
class Decision:
    """The electorate (person -> (category, branch)) and the excluded (person -> reason)."""

    electors: dict[int, tuple[str, int]] = field(default_factory=dict)
    excluded: dict[int, Reason] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Exclusions by reason, every reason present (zeros too), for publishing."""
        out = {r.value: 0 for r in Reason}
        for r in self.excluded.values():
            out[r.value] += 1
        return out


Outcome = tuple[int, int, str, int, "Reason | None"]  # person, membership, category, branch, reason


def aggregate(outcomes: Iterable[Outcome], *, precedence: Sequence[str] = CATEGORIES) -> Decision:
    """Per-membership outcomes to per-person: in the electorate once (the first of their
    qualifying categories by `precedence`), or excluded with the nearest reason. Takes a
    stream, so half a million memberships need not be held as facts at once."""
    rank = {c: i for i, c in enumerate(precedence)}
    nearest = {r: i for i, r in enumerate(NEAREST_FIRST)}
    best: dict[int, tuple[int, int, str, int]] = {}  # person -> (rank, membership, category, branch)
    why: dict[int, Reason] = {}
    for person_id, membership_id, category, branch_id, reason in outcomes:
        if reason is None:
            key = (rank.get(category, len(rank)), membership_id, category, branch_id)
            if person_id not in best or key < best[person_id]:
                best[person_id] = key
        elif person_id not in why or nearest[reason] < nearest[why[person_id]]:
            why[person_id] = reason
    electors = {pid: (cat, branch) for pid, (_, _, cat, branch) in best.items()}
    return Decision(electors, {pid: r for pid, r in why.items() if pid not in best})


def decide(
    rules: EligibilityRules,
    facts: Iterable[MembershipFacts],
    *,
    known_by: date | datetime | None = None,
    precedence: Sequence[str] = CATEGORIES,
) -> Decision:
    """Every person with a membership among `facts`, in the electorate or excluded with a
    reason. A function of the set of facts: their order does not matter."""
    return aggregate(
        (
            (
                f.person_id,
                f.membership_id,
                f.category,
                f.branch_id,
                membership_reason(rules, f, known_by=known_by),
            )
            for f in facts
        ),
        precedence=precedence,
    )
