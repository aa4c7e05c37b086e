"""Publishing a counted ballot: the result with its bulletin board and papers, so anyone can
find their tracker, check the board and count again (`groundswell verify DIR`)."""

from __future__ import annotations

import hashlib
import io
import json

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from groundswell.accounts.services import audit_record
from groundswell.ballots import policies
from groundswell.ballots.models import (
    Ballot,
    Candidate,
    Paper,
    PublishedFile,
    SealedBallot,
    SpentCredential,
    Trustee,
)
from groundswell.ballots.services.errors import BallotError, ConfirmationNeeded
from groundswell.core.ballotbox import board, sealing
from groundswell.core.formats.ballot_files import write_blt, write_csv


def marked_register_totals(ballot: Ballot) -> dict[str, int]:
    rows = SpentCredential.objects.filter(ballot=ballot).values("category").annotate(n=Count("pk"))
    totals = {c: 0 for c in ballot.eligible_categories}
    totals.update({r["category"]: r["n"] for r in rows})
    return totals


def _board_text(ballot: Ballot) -> tuple[str, str, int]:
    rows = (
        SealedBallot.objects.filter(ballot=ballot)
        .order_by("tracker")
        .values_list("tracker", "category", "sealed")
    )
    out = io.StringIO()
    head, n = board.genesis(ballot.pk, ballot.key_fingerprint), 0
    for entry in board.chain(head, ((t, c, bytes(s)) for t, c, s in rows.iterator(chunk_size=5000))):
        out.write(entry.line())
        head, n = entry.hash, entry.n
    return out.getvalue(), head, n


def publish_consequences(ballot: Ballot) -> dict:
    return {
        "papers": Paper.objects.filter(ballot=ballot).count(),
        "winners": (ballot.result or {}).get("winners", []),
    }


@transaction.atomic
def ballot_publish(*, ballot: Ballot, actor, confirm: bool = True) -> Ballot:
    """Publishes the result, the board, the marked-register totals and the shuffled papers.
    Publishing cannot be undone: people (the API too) confirm it explicitly."""
    policies.run_ballot(actor, ballot)
    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
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
    names = list(Candidate.objects.filter(ballot=locked).order_by("position").values_list("name", flat=True))
    papers = list(Paper.objects.filter(ballot=locked).order_by("id").values_list("category", "ranking"))
    papers = [(c, r or []) for c, r in papers]  # random keys: key order is a random order
    width = max((len(r) for _, r in papers), default=1) or 1
    board_text, head, entries = _board_text(locked)
    marked = marked_register_totals(locked)
    trackers = (
        SealedBallot.objects.filter(ballot=locked).order_by("tracker").values_list("tracker", flat=True)
    )
    files = {
        "board.jsonl": (
            "application/x-ndjson",
            board_text,
            "every sealed paper with its tracker, hash-chained",
        ),
        "marked_register.json": (
            "application/json",
            json.dumps(marked, indent=2, sort_keys=True) + "\n",
            "how many electors voted, by category (not who)",
        ),
        "ballots.blt": (
            "text/plain; charset=utf-8",
            write_blt(names, locked.seats, (r for _, r in papers), title=locked.title),
            "every paper as opened, shuffled, in ERS .blt format",
        ),
        "ballots.csv": (
            "text/csv; charset=utf-8",
            write_csv(names, papers, width=width),
            "every paper as opened, shuffled, with its elector category",
        ),
        "trackers.txt": (
            "text/plain; charset=utf-8",
            "".join(t + "\n" for t in trackers),
            "every tracker, sorted",
        ),
        "result.json": (
            "application/json",
            json.dumps(locked.result, indent=2, ensure_ascii=False) + "\n",
            "the count report (version 1)",
        ),
    }
    encoded = {name: text.encode("utf-8") for name, (_, text, _) in files.items()}
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
        "board": {"entries": entries, "head": head},
        "electorate": locked.electorate_by_category,
        "marked_register": marked,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in encoded.items()},
    }
    files["manifest.json"] = ("application/json", "", "what every other file must hash to; the board's head")
    encoded["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    PublishedFile.objects.filter(ballot=locked).delete()
    for name, (content_type, _, description) in files.items():
        data = encoded[name]
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
    locked.board_head = head
    locked.save(update_fields=["status", "published_at", "board_head"])
    audit_record(
        actor=actor,
        action="ballot.publish",
        target=f"ballot:{ballot.pk}",
        rows=len(papers),
        detail={"board_head": head},
    )
    return locked
