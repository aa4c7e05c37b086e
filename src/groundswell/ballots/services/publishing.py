"""Publishing a counted ballot: the result with its bulletin board and papers, so anyone can
find their tracker, check the board and count again (`groundswell verify DIR`).

Every file is written as a stream into 1 MiB chunks, hashed as it goes, so publishing
half a million papers holds one chunk at a time, not the files. The page and the API queue
it (`ballot_publish_start`: a task, with the status on the ballot's page); the service
itself runs in one transaction: the files appear whole, with the status, or not at all."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from groundswell.accounts.services import audit_record
from groundswell.ballots import policies
from groundswell.ballots.models import (
    Ballot,
    Candidate,
    Paper,
    PublishedChunk,
    PublishedFile,
    SealedBallot,
    SpentCredential,
    TenderedPaper,
    Trustee,
)
from groundswell.ballots.services.errors import BallotError, ConfirmationNeeded
from groundswell.ballots.services.tendered import set_aside_by_category
from groundswell.ballots.signals import ballot_publishing
from groundswell.core.ballotbox import board, sealing
from groundswell.core.formats.ballot_files import blt_lines, csv_lines
from groundswell.lifecycle.selectors import exclusion_counts

CHUNK = 1 << 20  # bytes per stored chunk of a published file


def marked_register_totals(ballot: Ballot) -> dict[str, int]:
    """Electors marked as voted whose paper is in the box, by category: a tendered paper
    set aside (not admitted) is not in the box, so its voter is not counted here (the
    manifest's `tendered` says how many there were)."""
    rows = SpentCredential.objects.filter(ballot=ballot).values("category").annotate(n=Count("pk"))
    totals = {c: 0 for c in ballot.eligible_categories}
    totals.update({r["category"]: r["n"] for r in rows})
    for category, n in set_aside_by_category(ballot).items():
        totals[category] = totals.get(category, 0) - n
    return totals


def _vacuum_tendered() -> None:
    """On PostgreSQL, clears the old row versions that still hold the erased sealed bytes of
    set-aside tendered papers (each names its voter). Outside any transaction only."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        cur.execute(f"VACUUM {TenderedPaper._meta.db_table}")


def publish_consequences(ballot: Ballot) -> dict:
    return {
        "papers": Paper.objects.filter(ballot=ballot).count(),
        "winners": (ballot.result or {}).get("winners", []),
    }


def _store(f: PublishedFile, chunks: list[tuple[int, bytes]]) -> None:
    """Chunks into the database: by binary COPY on PostgreSQL (Django's INSERT sends a
    chunk as hex in the statement's text, twice its size for the server to parse back),
    by INSERT elsewhere."""
    if connection.vendor != "postgresql":
        PublishedChunk.objects.bulk_create(
            [PublishedChunk(file=f, seq=seq, data=data) for seq, data in chunks]
        )
        return
    table = connection.ops.quote_name(PublishedChunk._meta.db_table)
    with (
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY {table} (file_id, seq, data) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.set_types(["int8", "int4", "bytea"])
        for seq, data in chunks:
            copy.write_row((f.pk, seq, data))


def _write(
    ballot: Ballot, name: str, content_type: str, description: str, text: Iterable[str]
) -> PublishedFile:
    """Writes one file from text pieces into chunks; returns it with its size and SHA-256."""
    f = PublishedFile.objects.create(
        ballot=ballot, name=name, content_type=content_type, sha256="", size=0, description=description
    )
    digest, size, seq = hashlib.sha256(), 0, 0
    buffer = bytearray()
    pending: list[tuple[int, bytes]] = []
    for piece in text:
        buffer += piece.encode("utf-8")
        while len(buffer) >= CHUNK:
            data = bytes(buffer[:CHUNK])
            del buffer[:CHUNK]
            digest.update(data)
            size += len(data)
            pending.append((seq, data))
            seq += 1
            if len(pending) == 8:
                _store(f, pending)
                pending = []
    if buffer:
        data = bytes(buffer)
        digest.update(data)
        size += len(data)
        pending.append((seq, data))
    _store(f, pending)
    f.sha256, f.size = digest.hexdigest(), size
    f.save(update_fields=["sha256", "size"])
    return f


def _board_lines(ballot: Ballot, head: list) -> Iterator[str]:
    rows = (
        SealedBallot.objects.filter(ballot=ballot)
        .order_by("tracker")
        .values_list("tracker", "category", "sealed")
    )
    head[:] = [board.genesis(ballot.pk, ballot.key_fingerprint), 0]
    for entry in board.chain(head[0], ((t, c, bytes(s)) for t, c, s in rows.iterator(chunk_size=5000))):
        head[:] = [entry.hash, entry.n]
        yield entry.line()


def _papers(ballot: Ballot) -> Iterator[tuple[str, list[int]]]:
    """The opened papers in key order: their keys are random, so this is a random order."""
    rows = Paper.objects.filter(ballot=ballot).order_by("id").values_list("category", "ranking")
    for category, ranking in rows.iterator(chunk_size=10_000):
        yield category, ranking or []


def _measured(papers: Iterator[tuple[str, list[int]]], longest: list[int]) -> Iterator[list[int]]:
    """The rankings, noting the longest as they go by (one read of the papers fewer)."""
    for _, ranking in papers:
        if len(ranking) > longest[0]:
            longest[0] = len(ranking)
        yield ranking


def ballot_publish_start(*, ballot: Ballot, actor, confirm: bool = False) -> Ballot:
    """Checks, then queues the publishing (files of hundreds of megabytes are written by
    the task worker, not in a web request)."""
    from groundswell.ballots.tasks import publish_ballot

    policies.run_ballot(actor, ballot)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        _check(locked, confirm)
        locked.count_progress = {**(locked.count_progress or {}), "publishing": True}
        locked.save(update_fields=["count_progress"])
        actor_id = getattr(actor, "pk", None)
        transaction.on_commit(lambda: publish_ballot.enqueue(ballot.pk, actor_id))
    return locked


def _check(locked: Ballot, confirm: bool) -> None:
    if locked.status != Ballot.Status.COUNTED:
        raise BallotError(
            f"only a counted ballot can be published (this one is {locked.get_status_display()})"
        )
    if not confirm:
        c = publish_consequences(locked)
        raise ConfirmationNeeded(
            f"Publishing makes the result ({', '.join(c['winners']) or 'no winner'}) and all {c['papers']:,} "
            "papers public for good. Confirm to publish.",
            c,
        )


@transaction.atomic
def ballot_publish(*, ballot: Ballot, actor, confirm: bool = True) -> Ballot:
    """Publishes the result, the board, the marked-register totals and the shuffled papers.
    Publishing cannot be undone: people (the API too) confirm it explicitly."""
    policies.run_ballot(actor, ballot)
    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if locked.status == Ballot.Status.PUBLISHED:
        return locked  # a task delivered twice
    _check(locked, confirm)
    names = list(Candidate.objects.filter(ballot=locked).order_by("position").values_list("name", flat=True))
    longest = [1]  # the longest ranking, found while the .blt is written, for the CSV's columns
    marked = marked_register_totals(locked)
    PublishedFile.objects.filter(ballot=locked).delete()
    head: list = []
    written = [
        _write(
            locked,
            "board.jsonl",
            "application/x-ndjson",
            "every sealed paper with its tracker, hash-chained",
            _board_lines(locked, head),
        ),
        _write(
            locked,
            "marked_register.json",
            "application/json",
            "how many electors voted, by category (not who)",
            [json.dumps(marked, indent=2, sort_keys=True) + "\n"],
        ),
        _write(
            locked,
            "ballots.blt",
            "text/plain; charset=utf-8",
            "every paper as opened, shuffled, in ERS .blt format",
            blt_lines(names, locked.seats, _measured(_papers(locked), longest), title=locked.title),
        ),
        _write(
            locked,
            "ballots.csv",
            "text/csv; charset=utf-8",
            "every paper as opened, shuffled, with its elector category",
            csv_lines(names, _papers(locked), width=longest[0]),
        ),
        _write(
            locked,
            "trackers.txt",
            "text/plain; charset=utf-8",
            "every tracker, sorted",
            (
                t + "\n"
                for t in SealedBallot.objects.filter(ballot=locked)
                .order_by("tracker")
                .values_list("tracker", flat=True)
                .iterator(chunk_size=10_000)
            ),
        ),
        _write(
            locked,
            "result.json",
            "application/json",
            "the count report (version 1)",
            [json.dumps(locked.result, indent=2, ensure_ascii=False) + "\n"],
        ),
    ]
    for _, extra in ballot_publishing.send(sender=Ballot, ballot=locked):
        for name, (description, content) in sorted((extra or {}).items()):
            written.append(
                _write(
                    locked,
                    name,
                    "application/json",
                    description,
                    [json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False) + "\n"],
                )
            )
    tendered = (locked.result or {}).get("tendered")
    manifest = {
        "version": 1,
        "ballot": locked.pk,
        "title": locked.title,
        "method": locked.method,
        "seats": locked.seats,
        "candidates": names,
        "suite": sealing.SUITE_NAME,
        "info": sealing.info_for(locked.pk).decode(),
        "public_key": bytes(locked.public_key).hex(),
        "key_fingerprint": locked.key_fingerprint,
        "key_custody": locked.key_custody,
        "trustees": {
            "threshold": locked.threshold,
            "share_fingerprints": list(
                Trustee.objects.filter(ballot=locked)
                .order_by("index")
                .values_list("share_fingerprint", flat=True)
            ),
        },
        "board": {"entries": head[1], "head": head[0]},
        "electorate": locked.electorate_by_category,
        "marked_register": marked,
        "exclusions": exclusion_counts(locked),  # people left out, by reason (issue 16): counts only
        "category_map": (locked.result or {}).get("category_map", {}),
        "files": {f.name: f.sha256 for f in written},
    }
    if tendered:  # optional: tendered papers admitted into the box, and those left set aside
        manifest["tendered"] = tendered
    _write(
        locked,
        "manifest.json",
        "application/json",
        "what every other file must hash to; the board's head",
        [json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"],
    )
    # Set-aside tendered papers were never opened and now never will be: their sealed bytes go
    # (each row names its voter), and only how many there were is published.
    TenderedPaper.objects.filter(ballot=locked).update(sealed=None)
    transaction.on_commit(_vacuum_tendered)
    locked.status = Ballot.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.board_head = head[0]
    locked.count_progress = {k: v for k, v in (locked.count_progress or {}).items() if k != "publishing"}
    locked.save(update_fields=["status", "published_at", "board_head", "count_progress"])
    audit_record(
        actor=actor,
        action="ballot.publish",
        target=f"ballot:{ballot.pk}",
        rows=head[1],
        detail={"board_head": head[0]},
    )
    return locked
