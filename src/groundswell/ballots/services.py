"""Writes for ballots: create, open (freeze the electorate), cast, close, count, publish."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from groundswell.accounts.services import audit_record
from groundswell.ballots.models import Ballot, Candidate, CastBallot, Elector, PublishedFile, SpentCredential
from groundswell.ballots.signals import ballot_counted
from groundswell.core.counting import BallotBuilder, count
from groundswell.core.formats.ballot_files import write_blt, write_csv
from groundswell.members.models import Category
from groundswell.members.selectors import eligible_electorate

CREDENTIAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed on a phone
CREDENTIAL_LENGTH = 20  # 100 bits


class BallotError(Exception):
    """Something the user asked for that the ballot's rules do not allow; the message says why."""


class AlreadyVoted(BallotError):
    pass


def new_credential() -> str:
    return "".join(secrets.choice(CREDENTIAL_ALPHABET) for _ in range(CREDENTIAL_LENGTH))


def normalise_credential(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_credential(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_tracker() -> str:
    return secrets.token_hex(16)


# -- setting up -----------------------------------------------------------------------------


@transaction.atomic
def ballot_create(
    *,
    actor,
    title: str,
    method: str,
    seats: int,
    candidates: Sequence[str],
    eligible_categories: Sequence[str],
    freeze_date: date,
    opens_at: datetime,
    closes_at: datetime,
    min_membership_days: int = 0,
    description: str = "",
    branch_id: int | None = None,
    in_app: bool = False,
) -> Ballot:
    names = [c.strip() for c in candidates if c.strip()]
    problems = []
    if len(names) < 2:
        problems.append("a ballot needs at least two candidates")
    if len({n.casefold() for n in names}) != len(names):
        problems.append("two candidates have the same name")
    if method not in Ballot.Method.values:
        problems.append(f"unknown counting method {method!r}")
    if method == Ballot.Method.IRV and seats != 1:
        problems.append("instant-runoff elects one candidate: use STV for several seats")
    if seats < 1 or (seats >= max(len(names), 1) and method != Ballot.Method.FPTP):
        problems.append("there must be more candidates than seats")
    cats = [c for c in eligible_categories if c]
    if not cats or any(c not in Category.values for c in cats):
        problems.append("choose at least one eligible category")
    if closes_at <= opens_at:
        problems.append("the ballot must close after it opens")
    if freeze_date > opens_at.date():
        problems.append("the freeze date cannot be after the ballot opens")
    if problems:
        raise BallotError("; ".join(problems))
    ballot = Ballot.objects.create(
        title=title.strip(),
        description=description.strip(),
        method=method,
        seats=seats,
        eligible_categories=cats,
        freeze_date=freeze_date,
        min_membership_days=min_membership_days,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
        branch_id=branch_id,
        in_app=in_app,
    )
    Candidate.objects.bulk_create(Candidate(ballot=ballot, name=n, position=i) for i, n in enumerate(names))
    audit_record(actor=actor, action="ballot.create", target=f"ballot:{ballot.pk}", detail={"title": title})
    return ballot


def ballot_open_start(*, ballot: Ballot, actor) -> Ballot:
    """Queues the opening: the electorate is frozen in the background (it can be 500,000)."""
    from groundswell.ballots.tasks import open_ballot

    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.status != Ballot.Status.DRAFT:
            raise BallotError(
                f"only a draft ballot can be opened (this one is {locked.get_status_display()})"
            )
        locked.status = Ballot.Status.OPENING
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="ballot.open", target=f"ballot:{ballot.pk}")
        transaction.on_commit(lambda: open_ballot.enqueue(ballot.pk))
    return locked


def ballot_open(*, ballot_id: int, progress: Callable[[int, int], None] | None = None) -> Ballot:
    """Freezes the electorate as of the freeze date and gives each elector one credential."""
    ballot = Ballot.objects.get(pk=ballot_id)
    if ballot.status != Ballot.Status.OPENING:
        return ballot  # delivered twice: already done
    electorate = eligible_electorate(
        ballot.eligible_categories, ballot.freeze_date, ballot.min_membership_days, ballot.branch_id
    )
    by_category: dict[str, int] = {c: 0 for c in ballot.eligible_categories}
    with transaction.atomic():
        batch: list[Elector] = []
        for i, e in enumerate(electorate, 1):
            batch.append(
                Elector(
                    ballot=ballot, person_id=e.person_id, category=e.category, credential=new_credential()
                )
            )
            by_category[e.category] = by_category.get(e.category, 0) + 1
            if len(batch) == 5000:
                Elector.objects.bulk_create(batch)
                batch = []
                if progress:
                    progress(i, len(electorate))
        Elector.objects.bulk_create(batch)
        ballot.electorate_size = len(electorate)
        ballot.electorate_by_category = by_category
        ballot.status = Ballot.Status.OPEN
        ballot.save(update_fields=["electorate_size", "electorate_by_category", "status"])
    if not ballot.in_app:
        from groundswell.ballots.tasks import send_credentials

        send_credentials.enqueue(ballot.pk)
    return ballot


def credentials_send(*, ballot_id: int, base_url: str | None = None) -> int:
    """Emails each elector with an address their credential; returns how many were sent.

    The ballot needs no marketing consent: this is the elector's own vote. Sent in batches
    over one connection; an elector already sent to is skipped, so a re-run is safe."""
    ballot = Ballot.objects.get(pk=ballot_id)
    base = (base_url or settings.SITE_URL).rstrip("/")
    pending = (
        Elector.objects.filter(ballot=ballot, credential_sent_on__isnull=True)
        .exclude(person__email="")
        .select_related("person")
        .order_by("pk")
    )
    sent = 0
    today = timezone.localdate()
    closes = timezone.localtime(ballot.closes_at).strftime("%A %d %B %Y at %H:%M")
    with get_connection() as connection:
        while True:
            chunk = list(pending[:500])
            if not chunk:
                break
            messages = []
            for e in chunk:
                code = format_credential(e.credential)
                body = (
                    f"Dear {e.person.first_name or 'member'},\n\n"
                    f"You can vote in: {ballot.title}\n"
                    f"Voting closes on {closes}.\n\n"
                    f"Your voting code: {code}\n"
                    f"Vote here: {base}/vote/?code={e.credential}\n\n"
                    "The code works once. Your vote is secret: it is stored without any link to you.\n"
                    "After voting you get a receipt (a tracker) that you can look up in the published list.\n"
                )
                messages.append(
                    EmailMessage(
                        f"Your vote: {ballot.title}", body, to=[e.person.email], connection=connection
                    )
                )
            connection.send_messages(messages)
            Elector.objects.filter(pk__in=[e.pk for e in chunk]).update(credential_sent_on=today)
            sent += len(chunk)
            Ballot.objects.filter(pk=ballot.pk).update(credentials_sent=sent)
    return sent


# -- voting ---------------------------------------------------------------------------------


def validate_ranking(ballot: Ballot, ranking: Sequence[int], n_candidates: int) -> list[int]:
    ranking = [int(r) for r in ranking]
    if not ranking:
        raise BallotError("rank at least one candidate")
    if len(set(ranking)) != len(ranking):
        raise BallotError("a candidate is ranked twice")
    if any(not 0 <= r < n_candidates for r in ranking):
        raise BallotError("the ranking names a candidate who is not on this ballot")
    if ballot.method == Ballot.Method.FPTP and len(ranking) != 1:
        raise BallotError("choose exactly one candidate")
    return ranking


_candidate_counts: dict[tuple[int, datetime], int] = {}


def candidate_count(ballot: Ballot) -> int:
    """Candidates never change after a ballot is created, so each process counts them once
    (a cast is on the hot path of a ballot's last hour). Keyed by creation time as well as
    key, so a key reused after a rollback (SQLite) never finds another ballot's count."""
    key = (ballot.pk, ballot.created_at)
    n = _candidate_counts.get(key)
    if n is None:
        n = _candidate_counts[key] = Candidate.objects.filter(ballot_id=ballot.pk).count()
    return n


def ballot_cast(*, credential: str, ranking: Sequence[int], elector: Elector | None = None) -> CastBallot:
    """Casts one secret ballot with a credential; returns it (its tracker is the receipt).

    The credential is spent and the ballot stored in one transaction. The spent-credential
    row's primary key is the credential, so of two simultaneous casts with one credential
    the database lets exactly one commit. `elector` saves a lookup when the caller already
    found it by this credential."""
    code = normalise_credential(credential)
    if elector is None or elector.credential != code:
        elector = Elector.objects.select_related("ballot").filter(credential=code).first()
    if elector is None:
        raise BallotError("that voting code is not valid: check it against your email or letter")
    ballot = elector.ballot
    if not ballot.is_accepting_votes():
        raise BallotError("this ballot is not open for voting")
    ranking = validate_ranking(ballot, ranking, candidate_count(ballot))
    today = timezone.localdate()
    try:
        with transaction.atomic():
            SpentCredential.objects.create(credential=code, ballot=ballot, spent_on=today)
            return CastBallot.objects.create(
                ballot=ballot,
                ranking=ranking,
                category=elector.category,
                tracker=new_tracker(),
                cast_on=today,
            )
    except IntegrityError:
        raise AlreadyVoted("this voting code has already been used: each elector votes once") from None


def ballot_cast_signed_in(*, ballot: Ballot, person, ranking: Sequence[int]) -> CastBallot:
    """Casts the vote of a signed-in elector of an in-app ballot (a motion vote).

    The same path as a credential vote: the elector's credential is looked up and spent, so
    eligibility, one-vote-each and secrecy are exactly the ballot machinery's."""
    if not ballot.in_app:
        raise BallotError("this ballot is voted with the code sent to each elector")
    elector = Elector.objects.filter(ballot=ballot, person=person).only("credential").first()
    if elector is None:
        raise BallotError("you are not on the electorate of this vote")
    return ballot_cast(credential=elector.credential, ranking=ranking)


# -- closing, counting, publishing ----------------------------------------------------------


@transaction.atomic
def ballot_close(*, ballot: Ballot, actor) -> Ballot:
    from groundswell.ballots.tasks import count_ballot

    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if locked.status != Ballot.Status.OPEN:
        raise BallotError(f"only an open ballot can be closed (this one is {locked.get_status_display()})")
    locked.status = Ballot.Status.CLOSED
    if locked.closes_at > timezone.now():
        locked.closes_at = timezone.now()  # closed early: no vote is taken after this
    locked.save(update_fields=["status", "closes_at"])
    audit_record(actor=actor, action="ballot.close", target=f"ballot:{ballot.pk}")
    transaction.on_commit(lambda: count_ballot.enqueue(ballot.pk))
    return locked


def ballots_close_due(*, now: datetime | None = None) -> int:
    """Closes (and so counts) every open ballot whose closing time has passed; run by
    `groundswell tick`. Two tickers racing are harmless: the second finds it closed."""
    now = now or timezone.now()
    closed = 0
    for ballot in Ballot.objects.filter(status=Ballot.Status.OPEN, closes_at__lte=now):
        try:
            ballot_close(ballot=ballot, actor=None)
            closed += 1
        except BallotError:
            pass
    return closed


def ballot_ballots(ballot: Ballot):
    """The cast ballots as the counting core wants them (categories kept)."""
    names = list(Candidate.objects.filter(ballot=ballot).order_by("position").values_list("name", flat=True))
    builder = BallotBuilder(names)
    rows = CastBallot.objects.filter(ballot=ballot).values_list("ranking", "category")
    for ranking, category in rows.iterator(chunk_size=10000):
        builder.add(ranking, category=category)
    return builder.build(title=ballot.title)


def ballot_count(*, ballot_id: int) -> Ballot:
    """Counts a closed ballot and stores the versioned report."""
    ballot = Ballot.objects.get(pk=ballot_id)
    if ballot.status != Ballot.Status.CLOSED:
        return ballot
    report = count(ballot_ballots(ballot), method=ballot.method, seats=ballot.seats)
    with transaction.atomic():
        ballot.result = report.to_dict()
        ballot.counted_at = timezone.now()
        ballot.status = Ballot.Status.COUNTED
        ballot.save(update_fields=["result", "counted_at", "status"])
        audit_record(
            actor=None,
            action="ballot.count",
            target=f"ballot:{ballot.pk}",
            rows=report.valid + report.invalid,
            detail={"winners": report.winners},
        )
        transaction.on_commit(lambda: ballot_counted.send(sender=Ballot, ballot=ballot))
    storage_unlink()
    return ballot


def storage_unlink() -> None:
    """Rewrites the cast ballots and the spent credentials in the order of their random keys.

    Rows are stored in the order they were written, and a vote and its spent credential are
    written together: someone reading the database's files could pair them by position.
    After the rewrite (PostgreSQL's CLUSTER on the random primary keys) neither table's
    physical order says anything about when a row was written. SQLite stores rows by their
    key already. The tables are locked for the rewrite: casts in other open ballots wait
    a moment, they do not fail."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checked now: CLUSTER refuses pending checks
        cur.execute("CLUSTER ballots_castballot USING ballots_castballot_pkey")
        cur.execute("CLUSTER ballots_spentcredential USING ballots_spentcredential_pkey")


@transaction.atomic
def ballot_publish(*, ballot: Ballot, actor) -> Ballot:
    """Publishes the result with the shuffled, anonymised ballots and the list of trackers."""
    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if locked.status != Ballot.Status.COUNTED:
        raise BallotError(
            f"only a counted ballot can be published (this one is {locked.get_status_display()})"
        )
    names = list(Candidate.objects.filter(ballot=locked).order_by("position").values_list("name", flat=True))
    papers = list(CastBallot.objects.filter(ballot=locked).values_list("category", "ranking"))
    secrets.SystemRandom().shuffle(papers)
    width = max((len(r) for _, r in papers), default=1)
    trackers = sorted(CastBallot.objects.filter(ballot=locked).values_list("tracker", flat=True))
    files = [
        (
            "ballots.blt",
            "text/plain; charset=utf-8",
            write_blt(names, locked.seats, (r for _, r in papers), title=locked.title),
            "every ballot, shuffled, in ERS .blt format",
        ),
        (
            "ballots.csv",
            "text/csv; charset=utf-8",
            write_csv(names, papers, width=width),
            "every ballot, shuffled, with its elector category",
        ),
        (
            "trackers.txt",
            "text/plain; charset=utf-8",
            "".join(t + "\n" for t in trackers),
            "the receipt (tracker) of every ballot counted, sorted",
        ),
        (
            "result.json",
            "application/json",
            json.dumps(locked.result, indent=2, ensure_ascii=False) + "\n",
            "the count report (version 1)",
        ),
    ]
    PublishedFile.objects.filter(ballot=locked).delete()
    for name, content_type, text, description in files:
        data = text.encode("utf-8")
        PublishedFile.objects.create(
            ballot=locked,
            name=name,
            content_type=content_type,
            content=data,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            description=description,
        )
    locked.status = Ballot.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="ballot.publish", target=f"ballot:{ballot.pk}", rows=len(papers))
    return locked
