"""Closing and counting: the sealed box is opened only with the ballot's key, rebuilt in
this process's memory from k trustees' shares (or, for a vote without trustees, from the
server's secret), and dropped when the count is stored."""

from __future__ import annotations

import itertools
import json
import os
import secrets
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from groundswell.accounts.services import audit_record
from groundswell.ballots import keys, policies, selectors
from groundswell.ballots.models import (
    Ballot,
    Candidate,
    Paper,
    SealedBallot,
    SpentCredential,
    TenderedPaper,
    Trustee,
    random_key,
)
from groundswell.ballots.services.casting import CAST_LOCK
from groundswell.ballots.services.errors import BallotError, ConfirmationNeeded
from groundswell.ballots.services.tendered import admitted_papers
from groundswell.ballots.signals import ballot_counted
from groundswell.core.ballotbox import sealing, shares
from groundswell.core.counting import BallotBuilder, count
from groundswell.forking import can_fork, fork_pool

PROGRESS_EVERY = 10_000
STALE_AFTER = 120  # seconds without progress: the counting process is gone


def close_consequences(ballot: Ballot, now: datetime | None = None) -> dict:
    """What closing now does, for the officer to read before confirming."""
    now = now or timezone.now()
    voted = SpentCredential.objects.filter(ballot=ballot).count()
    return {
        "advertised_close": timezone.localtime(ballot.closes_at).strftime("%A %d %B %Y at %H:%M"),
        "early": ballot.closes_at > now,
        "electorate": ballot.electorate_size,
        "voted": voted,
        "not_voted": max(ballot.electorate_size - voted, 0),
        "codes_emailed": ballot.credentials_sent,
    }


@transaction.atomic
def ballot_close(*, ballot: Ballot, actor, confirm: bool = False) -> Ballot:
    """Closes voting. Before the advertised time it needs `confirm` (electors were told
    another time). A ballot with trustees then waits for them; one without is counted now."""
    from groundswell.ballots.tasks import count_ballot

    policies.run_ballot(actor, ballot)
    if connection.vendor == "postgresql":  # waits for the casts in flight (casting._still_open)
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CAST_LOCK, ballot.pk])
    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if locked.status != Ballot.Status.OPEN:
        raise BallotError(f"only an open ballot can be closed (this one is {locked.get_status_display()})")
    now = timezone.now()
    if locked.closes_at > now and not confirm and actor is not None:
        c = close_consequences(locked, now)
        raise ConfirmationNeeded(
            f"Electors were told voting closes on {c['advertised_close']}. Closing now stops "
            f"{c['not_voted']:,} electors who have not voted yet from voting. Confirm to close early.",
            c,
        )
    locked.status = Ballot.Status.CLOSED
    if locked.closes_at > now:
        locked.closes_at = now  # closed early: no vote is taken after this
    # Casts hold the ballot's advisory lock shared while they commit (casting._still_open), so
    # taking it above waited for every cast in flight, and none commits after: totals are final.
    locked.voted_by_category = selectors.voted_by_category(locked)
    locked.save(update_fields=["status", "closes_at", "voted_by_category"])
    audit_record(actor=actor, action="ballot.close", target=f"ballot:{ballot.pk}", detail={"early": confirm})
    if locked.key_custody == Ballot.Custody.SERVER:
        transaction.on_commit(lambda: count_ballot.enqueue(ballot.pk))
    return locked


def ballots_close_due(*, now: datetime | None = None) -> int:
    """Closes every open ballot whose closing time has passed; run by `groundswell tick`.
    Two tickers racing are harmless: the second finds it closed."""
    now = now or timezone.now()
    closed = 0
    for ballot in Ballot.objects.filter(status=Ballot.Status.OPEN, closes_at__lte=now):
        try:
            ballot_close(ballot=ballot, actor=None)
            closed += 1
        except BallotError:
            pass
    return closed


def rebuild_key(ballot: Ballot, given: Sequence[str]) -> sealing.BallotKey:
    """The ballot's key from trustees' shares, checked share by share and against the
    published key fingerprint. Refuses, naming the problem, before anything is opened."""
    if ballot.key_custody == Ballot.Custody.SERVER:
        key = sealing.key_from_secret(keys.server_ballot_secret(ballot.pk, ballot.created_at.isoformat()))
    else:
        given = [s for s in given if s and s.strip()]
        known = dict(Trustee.objects.filter(ballot=ballot).values_list("share_fingerprint", "index"))
        for i, share in enumerate(given, 1):
            if shares.fingerprint(share) not in known:
                raise BallotError(
                    f"share {i} is not one of this ballot's shares (check every word against the printout)",
                    status=422,
                    code="wrong_share",
                )
        if len(given) < ballot.threshold:
            raise BallotError(
                f"{ballot.threshold} trustees' shares are needed to open this ballot; {len(given)} given",
                status=422,
                code="too_few_shares",
            )
        distinct = list({shares.fingerprint(s): s for s in given}.values())
        if len(distinct) < ballot.threshold:
            raise BallotError(
                f"{ballot.threshold} different trustees' shares are needed; the same share was given twice",
                status=422,
                code="too_few_shares",
            )
        try:  # all trustees may turn up: any k of their shares rebuild the secret
            key = sealing.key_from_secret(shares.combine(distinct[: ballot.threshold]))
        except shares.ShareError as e:
            raise BallotError(
                f"the shares do not open this ballot: {e}", status=422, code="wrong_share"
            ) from None
    if key.fingerprint != ballot.key_fingerprint:
        raise BallotError("the shares do not rebuild this ballot's key", status=422, code="wrong_share")
    return key


def _claim(ballot_id: int, total: int, take_over: bool = False) -> Ballot:
    """Marks the count as running with a new token (only the run holding it may store the
    count). A running claim refused unless stale, or unless `take_over` (see ballot_count)."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot_id)
        if ballot.status != Ballot.Status.CLOSED:
            raise BallotError(
                f"only a closed ballot can be counted (this one is {ballot.get_status_display()})"
            )
        p = ballot.count_progress or {}
        if p.get("state") == "running" and not take_over:
            seen = datetime.fromisoformat(p["at"])
            if (timezone.now() - seen).total_seconds() < STALE_AFTER:
                raise BallotError("the count is already running")
        ballot.count_progress = {
            "state": "running",
            "done": 0,
            "total": total,
            "at": timezone.now().isoformat(),
            "token": uuid.uuid4().hex,  # this run's claim: only it may store the count
        }
        ballot.save(update_fields=["count_progress"])
    return ballot


def _progress(
    ballot_id: int, done: int, total: int, state: str = "running", message: str = "", token: str = ""
) -> None:
    """Progress of this run's count; it never overwrites another run's claim."""
    Ballot.objects.filter(pk=ballot_id, count_progress__token=token).update(
        count_progress={
            "state": state,
            "done": done,
            "total": total,
            "at": timezone.now().isoformat(),
            "message": message,
            "token": token,
        }
    )


_WORKER: dict = {}  # the key and ballot in a forked decryption worker (memory only)


def _open_chunk(chunk: list[bytes]) -> list[tuple[int, ...] | None]:
    key, info, n, longest = _WORKER["key"], _WORKER["info"], _WORKER["n"], _WORKER["longest"]
    out: list[tuple[int, ...] | None] = []
    for sealed in chunk:
        try:
            ranking = sealing.decode_ranking(sealing.open_paper(key, info, sealed), n, max_length=longest)
        except sealing.SealError:
            ranking = None
        out.append(tuple(ranking) if ranking is not None else None)
    return out


def _chunks(ballot: Ballot, size: int, extra: Sequence[tuple[bytes, str]] = ()):
    """The box's sealed papers in chunks, then `extra` ones (admitted tendered papers): the
    whole is shuffled once opened, so where they come in says nothing."""
    rows = SealedBallot.objects.filter(ballot=ballot).values_list("sealed", "category")
    sealed: list[bytes] = []
    categories: list[str] = []
    for s, c in itertools.chain(rows.iterator(chunk_size=size), extra):
        sealed.append(bytes(s))
        categories.append(c)
        if len(sealed) == size:
            yield sealed, categories
            sealed, categories = [], []
    if sealed:
        yield sealed, categories


def _open_all(
    ballot: Ballot,
    key: sealing.BallotKey,
    total: int,
    progress: Callable[[int, int], None] | None,
    token: str,
    extra: Sequence[tuple[bytes, str]] = (),
):
    """Every sealed paper opened, in memory: (category, ranking or None). With more than one
    core and a large box, forked workers open chunks in parallel; they inherit the key in
    memory (nothing is written or sent anywhere) and exit when the box is open."""
    n = Candidate.objects.filter(ballot=ballot).count()
    longest = 1 if ballot.method == Ballot.Method.FPTP else n
    _WORKER.update(key=key, info=sealing.info_for(ballot.pk), n=n, longest=longest)
    workers = int(getattr(settings, "BALLOT_COUNT_WORKERS", 0) or os.cpu_count() or 1)
    papers: list[tuple[str, tuple[int, ...] | None]] = []
    pool = None
    # a web server's count runs in a thread beside others, and opens the box in that thread alone
    if workers > 1 and total >= 20_000 and can_fork():
        pool = fork_pool(workers)
    try:
        source = _chunks(ballot, 5000, extra)
        if pool is None:
            opened = ((cats, _open_chunk(sealed)) for sealed, cats in source)
        else:
            pending: list = []

            def parallel():
                for sealed, cats in source:
                    pending.append((cats, pool.apply_async(_open_chunk, (sealed,))))
                    while len(pending) > 2 * workers:
                        cats0, result = pending.pop(0)
                        yield cats0, result.get()
                while pending:
                    cats0, result = pending.pop(0)
                    yield cats0, result.get()

            opened = parallel()
        last = 0
        for cats, rankings in opened:
            papers.extend(zip(cats, rankings, strict=True))
            if len(papers) - last >= PROGRESS_EVERY:
                last = len(papers)
                _progress(ballot.pk, last, total, token=token)
                if progress:
                    progress(last, total)
    finally:
        _WORKER.clear()
        if pool is not None:
            pool.terminate()
            pool.join()
    return papers


def _write_papers(ballot_id: int, papers: list) -> None:
    """The opened papers, in the (shuffled) order given, in the caller's transaction: COPY on
    PostgreSQL, batched inserts elsewhere."""
    if connection.vendor == "postgresql":
        table = Paper._meta.db_table
        with (
            connection.cursor() as cur,
            cur.cursor.copy(f"COPY {table} (id, ballot_id, category, ranking) FROM STDIN") as copy,
        ):
            for category, ranking in papers:
                copy.write_row(
                    (
                        secrets.randbits(63),
                        ballot_id,
                        category,
                        json.dumps(list(ranking)) if ranking is not None else None,
                    )
                )
        return
    batch = []
    for category, ranking in papers:
        batch.append(
            Paper(
                ballot_id=ballot_id, category=category, ranking=list(ranking) if ranking is not None else None
            )
        )
        if len(batch) == 5000:
            Paper.objects.bulk_create(batch)
            batch = []
    Paper.objects.bulk_create(batch)


def _restamp_sealed(ballot_id: int, admitted: Sequence[tuple[int, bytes, str, str]] = ()) -> None:
    """Rewrites this ballot's sealed papers in a random order in one transaction, so that
    neither their transaction ids (PostgreSQL's xmin) nor their places (ctid, SQLite's
    rowid) still say which paper came in with which mark in the register. Touches only this
    ballot's rows: casting in other ballots is never blocked.

    `admitted` tendered papers (id, sealed, tracker, category) move into the box in the same
    transaction, under new random keys, and their set-aside rows (the only link to their
    voters) are deleted: once it commits, a moved paper has the same transaction id as every
    other and a random place among them, so nothing tells it came in tendered."""
    table = SealedBallot._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        if admitted:
            SealedBallot.objects.bulk_create(
                SealedBallot(id=random_key(), ballot_id=ballot_id, sealed=s, tracker=t, category=c)
                for _, s, t, c in admitted
            )
            TenderedPaper.objects.filter(pk__in=[pk for pk, *_ in admitted]).delete()
        cur.execute("DROP TABLE IF EXISTS restamp")
        cur.execute(
            f"CREATE TEMP TABLE restamp AS SELECT * FROM {table} WHERE ballot_id = %s ORDER BY random()",  # noqa: S608
            [ballot_id],
        )
        cur.execute(f"DELETE FROM {table} WHERE ballot_id = %s", [ballot_id])  # noqa: S608
        cur.execute(f"INSERT INTO {table} SELECT * FROM restamp")  # noqa: S608
        cur.execute("DROP TABLE restamp")


def ballot_count(
    *,
    ballot_id: int,
    shares_given: Sequence[str] = (),
    actor=None,
    progress: Callable[[int, int], None] | None = None,
    key: sealing.BallotKey | None = None,
    take_over: bool = False,
) -> Ballot:
    """Opens the sealed box and counts: every paper is opened in memory, the papers are
    written in a random order in one transaction, counted, and the key is dropped. A
    crash part-way leaves the ballot closed and nothing written: give the shares again.

    `take_over` is for the task worker re-running the count task: the queue runs a task in
    one worker at a time and re-queues it only once that worker's lease has run out, so a
    claim still marked running is its dead predecessor's (a kill -9 leaves it fresh for
    STALE_AFTER, and refusing it failed the re-run for good). The claim's token still makes
    sure that only one run, the newest, stores anything."""
    ballot = Ballot.objects.get(pk=ballot_id)
    if ballot.status != Ballot.Status.CLOSED:
        return ballot
    policies.count_ballot(actor, ballot)
    if key is None:
        key = rebuild_key(ballot, shares_given)
    total = SealedBallot.objects.filter(ballot=ballot).count()
    ballot = _claim(ballot.pk, total, take_over)
    token = ballot.count_progress["token"]
    # Read after the claim: from here an appeal allowed is too late (tendered.elector_reinstate).
    admitted = admitted_papers(ballot)
    total += len(admitted)
    try:
        papers = _open_all(ballot, key, total, progress, token, extra=[(s, c) for _, s, _, c in admitted])
        del key
        secrets.SystemRandom().shuffle(papers)
        folded = fold_small_categories(papers)
        if folded:
            papers = [(folded.get(c, c), r) for c, r in papers]
        names = list(
            Candidate.objects.filter(ballot=ballot).order_by("position").values_list("name", flat=True)
        )
        builder = BallotBuilder(names)
        for category, ranking in papers:
            builder.add(ranking or (), category=category)  # an unopenable paper: invalid, no preferences
        report = count(builder.build(title=ballot.title), method=ballot.method, seats=ballot.seats)
        # First the box loses every trace of the order it was filled in; a crash after this
        # leaves the ballot closed, nothing paired, and the count to give again.
        _restamp_sealed(ballot.pk, admitted)
        with transaction.atomic():
            locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
            if locked.status != Ballot.Status.CLOSED or (locked.count_progress or {}).get("token") != token:
                raise BallotError("another count of this ballot took over: this one stored nothing")
            _write_papers(ballot.pk, papers)
            locked.result = {**report.to_dict(), "category_map": folded}
            set_aside = TenderedPaper.objects.filter(ballot=locked).count()
            if admitted or set_aside:  # an optional key: the report's readers may ignore it
                locked.result["tendered"] = {"admitted": len(admitted), "not_admitted": set_aside}
            locked.counted_at = timezone.now()
            locked.status = Ballot.Status.COUNTED
            locked.count_progress = {
                "state": "done",
                "done": total,
                "total": total,
                "at": timezone.now().isoformat(),
            }
            locked.save(update_fields=["result", "counted_at", "status", "count_progress"])
            audit_record(
                actor=actor,
                action="ballot.count",
                target=f"ballot:{ballot.pk}",
                rows=report.valid + report.invalid,
                detail={"winners": report.winners},
            )
            transaction.on_commit(lambda: ballot_counted.send(sender=Ballot, ballot=locked))
    except BaseException as e:
        _progress(
            ballot.pk, 0, total, "failed", f"the count stopped and stored nothing ({type(e).__name__})", token
        )
        raise
    finally:
        key = None  # noqa: F841 -- the key is dropped whatever happened
    del papers
    _vacuum_sealed()
    return locked


def fold_small_categories(papers: list, minimum: int | None = None) -> dict[str, str]:
    """Which elector categories are too small to show apart, and what they are shown as.

    A category with fewer than `minimum` voters (settings.BALLOT_MIN_CATEGORY_VOTERS, 10)
    would show its voters' papers to anyone who knows who voted in it (one registered
    supporter among thousands of members: their paper is the one labelled so). Such
    categories are shown together as "other"; if even together they are fewer than
    `minimum`, they are shown with the largest category. The report says which
    (`category_map`), and the verifier folds the marked register the same way."""
    minimum = minimum if minimum is not None else int(getattr(settings, "BALLOT_MIN_CATEGORY_VOTERS", 10))
    sizes: dict[str, int] = {}
    for category, _ in papers:
        sizes[category] = sizes.get(category, 0) + 1
    small = sorted(c for c, n in sizes.items() if n < minimum)
    if not small or len(sizes) < 2:
        return {}
    together = sum(sizes[c] for c in small)
    if together >= minimum:
        return {c: "other" for c in small}
    largest = max((c for c in sizes if c not in small), key=lambda c: (sizes[c], c), default=None)
    if largest is None:  # every category is small: none is shown apart
        return {c: "" for c in sizes}
    return {c: largest for c in small}


def _vacuum_sealed() -> None:
    """On PostgreSQL, clears the row versions the re-stamp left behind (they still carry the
    old transaction ids) from the table's pages, so a later file-level copy does not hold
    them. VACUUM takes no lock that casting waits for; it cannot run inside a transaction, so
    a caller inside one (a test) skips it. WAL archives still hold the history: README."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        cur.execute(f"VACUUM {SealedBallot._meta.db_table}")
        # the set-aside rows of tendered papers moved into the box named their voters
        cur.execute(f"VACUUM {TenderedPaper._meta.db_table}")


def ballot_count_start(*, ballot: Ballot, shares_given: Sequence[str], actor) -> Ballot:
    """Checks the shares now (a wrong or missing share is refused at once), then counts in a
    thread of this process, so the key never leaves its memory; the page shows progress.
    Tests and the CLI count in the foreground (settings.BALLOT_COUNT_IN_BACKGROUND)."""
    policies.count_ballot(actor, ballot)
    if ballot.status != Ballot.Status.CLOSED:
        raise BallotError(f"only a closed ballot can be counted (this one is {ballot.get_status_display()})")
    key = rebuild_key(ballot, shares_given)
    if not getattr(settings, "BALLOT_COUNT_IN_BACKGROUND", True):
        return ballot_count(ballot_id=ballot.pk, actor=actor, key=key)

    def run() -> None:
        try:
            ballot_count(ballot_id=ballot.pk, actor=actor, key=key)
        finally:
            close_old_connections()
            connection.close()

    threading.Thread(target=run, name=f"count-{ballot.pk}", daemon=True).start()
    return ballot
