"""Voting codes: made when they are sent or printed, stored only as keyed hashes.

A code is 20 characters from a 32-letter alphabet (100 bits) read off the system's random
source in one call. It exists in the email or letter that carries it and nowhere else;
issuing a new one (a reissue) replaces the hash, so the old code stops working."""

from __future__ import annotations

import multiprocessing.util
import secrets
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from groundswell.accounts.services import audit_record
from groundswell.ballots import keys, policies
from groundswell.ballots.models import Ballot, Elector, SpentCredential
from groundswell.ballots.services.code_messages import CodeMessages, code_email
from groundswell.ballots.services.errors import BallotError
from groundswell.forking import can_fork, fork_pool

CREDENTIAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed on a phone
CREDENTIAL_LENGTH = 20  # 100 bits


def new_credential() -> str:
    bits = int.from_bytes(secrets.token_bytes(13), "big") >> 4  # 100 random bits
    out = []
    for _ in range(CREDENTIAL_LENGTH):
        out.append(CREDENTIAL_ALPHABET[bits & 31])
        bits >>= 5
    return "".join(out)


def normalise_credential(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def elector_for_code(code: str) -> Elector | None:
    normal = normalise_credential(code)
    if len(normal) != CREDENTIAL_LENGTH:
        return None
    # not .first(): its ORDER BY id lets PostgreSQL walk the primary key instead of using the
    # unique index on the hash (p50 110 ms a cast at 25,000 electors, found by the load run)
    found = list(Elector.objects.select_related("ballot").filter(code_hash=keys.code_hash(normal))[:1])
    return found[0] if found else None


def codes_issue(electors: Iterable[Elector]) -> list[tuple[Elector, str]]:
    """New codes for these electors (their old ones stop working); returns each code once,
    for the caller to put in an email or a letter. Call inside the caller's transaction."""
    today = timezone.localdate()
    pairs = []
    for e in electors:
        code = new_credential()
        e.code_hash = keys.code_hash(code)
        e.code_issued_on = today
        e.codes_issued = (e.codes_issued or 0) + 1
        pairs.append((e, code))
    _store_hashes([(e.pk, e.code_hash) for e, _ in pairs], today)
    return pairs


def _store_hashes(rows: list[tuple[int, str]], today) -> None:
    """One WITH v AS (VALUES ...) UPDATE ... FROM v per 500 electors. Not `bulk_update`: its CASE WHEN
    per row cost two thirds of the sending's time in Python (25 s of 39 s for 20,000 codes,
    under cProfile), and one such statement over tens of thousands of rows takes
    PostgreSQL minutes. UPDATE ... FROM is in PostgreSQL and in SQLite since 3.33."""
    table = connection.ops.quote_name(Elector._meta.db_table)
    with connection.cursor() as cur:
        for i in range(0, len(rows), 500):
            part = rows[i : i + 500]
            values = ", ".join(["(%s, %s)"] * len(part))
            cur.execute(
                f"WITH v(id, h) AS (VALUES {values}) "  # noqa: S608 (the names are ours)
                f"UPDATE {table} SET code_hash = v.h, code_issued_on = %s, "
                f"codes_issued = codes_issued + 1 FROM v WHERE {table}.id = v.id",
                [*(x for row in part for x in row), today],
            )


def _voted_ids(ballot_id: int, ids: list[int]) -> set[int]:
    return set(
        SpentCredential.objects.filter(ballot_id=ballot_id, elector_id__in=ids).values_list(
            "elector_id", flat=True
        )
    )


SEND_BATCH = 100  # a crash re-sends at most (connections + 1) batches, with new codes
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

_SENDER: dict = {}  # in a sender process: the ballot's wording and its own SMTP connection


def _send_batch(rows: list[tuple[str, str, str]]) -> int:
    """Sends one batch (first name, address, code) over this process's own connection,
    opened at its first batch and closed (QUIT) when the process ends. Through the SMTP
    backend the messages are made by `CodeMessages` and handed to its smtplib connection
    (what the backend's own `send_messages` does, less the rendering); through any other
    backend (the tests' outbox) they go as Django EmailMessages."""
    conn = _SENDER.get("connection")
    if conn is None:
        conn = _SENDER["connection"] = get_connection()
        conn.open()
        multiprocessing.util.Finalize(conn, conn.close, exitpriority=10)
    wording = _SENDER["title"], _SENDER["base"], _SENDER["closes"]
    smtp = getattr(conn, "connection", None)
    if isinstance(smtp, smtplib.SMTP):
        made = _SENDER.get("messages") or _SENDER.setdefault("messages", CodeMessages(*wording))
        for row in rows:
            sender, recipient, raw = made.render(*row)
            smtp.sendmail(sender, [recipient], raw)
        return len(rows)
    messages = [code_email(*wording, *row) for row in rows]
    for m in messages:
        m.connection = conn
    return conn.send_messages(messages) or 0


def _sender_pool(processes: int):
    """Sender processes, forked from this one, or None to send in this thread. Sending is
    Python work (filling in each message, smtplib's commands and replies), so threads share
    one core under the GIL: four sender threads made 1,100 messages/s at best, and spent
    more time handing the GIL over than sending; processes use every core. Forked only
    where `can_fork` and only for the SMTP backend: the other backends deliver into this
    process (the tests' outbox)."""
    if processes > 1 and settings.EMAIL_BACKEND == SMTP_BACKEND and can_fork():
        return fork_pool(processes)
    return None


def credentials_send(*, ballot_id: int, base_url: str | None = None, connections: int | None = None) -> int:
    """Emails each elector with an address a new code; returns how many were sent.

    The ballot needs no marketing consent: this is the elector's own vote. Electors are read
    100 at a time in key order from the index of those not yet sent (the cost of a batch
    does not grow with the ballot or with past ballots). Each batch's codes are committed
    before its emails go and the batch is marked sent after: a crash between the two re-sends
    that batch with new codes (the first email's code then no longer works), never a code
    that was not stored: at most (connections + 1) batches are in flight, so a crash re-sends
    at most that many, never a code twice. This process does the database work; batches are
    sent by sender processes, each with its own SMTP connection
    (settings.BALLOT_SMTP_CONNECTIONS, default 4), see `_sender_pool`."""
    ballot = Ballot.objects.get(pk=ballot_id)
    pending = (
        Elector.objects.filter(ballot=ballot, credential_sent_on__isnull=True)
        .exclude(person__email="")
        .order_by("pk")
        .values_list("pk", "person__first_name", "person__email")
    )
    workers = connections or int(getattr(settings, "BALLOT_SMTP_CONNECTIONS", 4))
    today = timezone.localdate()
    _SENDER.update(
        title=ballot.title,
        base=(base_url or settings.SITE_URL).rstrip("/"),
        closes=timezone.localtime(ballot.closes_at).strftime("%A %d %B %Y at %H:%M"),
    )
    sent, last = 0, 0
    in_flight: list[tuple[object, list[int]]] = []

    def settle(block: bool) -> None:
        nonlocal sent
        while in_flight and (block or in_flight[0][0].ready()):
            result, ids = in_flight.pop(0)
            result.get()  # a failed send stops here: that batch stays unsent, to be re-sent
            with transaction.atomic():  # the mark and the counter move together
                marked = Elector.objects.filter(pk__in=ids, credential_sent_on=None).update(
                    credential_sent_on=today
                )
                Ballot.objects.filter(pk=ballot.pk).update(credentials_sent=F("credentials_sent") + marked)
            sent += len(ids)

    pool = _sender_pool(workers)
    try:
        while True:
            chunk = list(pending.filter(pk__gt=last)[:SEND_BATCH])
            if not chunk:
                break
            last = chunk[-1][0]
            voted = _voted_ids(ballot.pk, [row[0] for row in chunk])
            chunk = [row for row in chunk if row[0] not in voted]
            codes = [new_credential() for _ in chunk]
            with transaction.atomic():
                hashes = [(row[0], keys.code_hash(c)) for row, c in zip(chunk, codes, strict=True)]
                _store_hashes(hashes, today)
            rows = [(first, email, code) for (_, first, email), code in zip(chunk, codes, strict=True)]
            ids = [row[0] for row in chunk]
            if pool is None:
                _send_batch(rows)
                in_flight.append((_Done(), ids))
            else:
                in_flight.append((pool.apply_async(_send_batch, (rows,)), ids))
            settle(block=len(in_flight) > workers)
        settle(block=True)
    finally:
        if pool is not None:
            pool.close()  # each sender says QUIT as it ends
            pool.join()
        elif (conn := _SENDER.get("connection")) is not None:
            conn.close()
        _SENDER.clear()
    return sent


class _Done:
    """A batch sent in this thread: already done (the pool's AsyncResult, for `settle`)."""

    def ready(self) -> bool:
        return True

    def get(self) -> None:
        return None


@transaction.atomic
def postal_codes_issue(*, ballot: Ballot, actor) -> list[tuple[Elector, str]]:
    """Codes to print and post for electors without email who have none yet (audited).
    Each code is in this export only: a second export lists only electors added since."""
    policies.run_ballot(actor, ballot)
    if ballot.status != Ballot.Status.OPEN:
        raise BallotError("postal codes are printed while the ballot is open")
    electors = list(
        Elector.objects.select_for_update()
        .filter(ballot=ballot, person__email="", code_issued_on__isnull=True)
        .select_related("person")
        .order_by("pk")
    )
    pairs = codes_issue(electors)
    audit_record(actor=actor, action="ballot.postal_codes", target=f"ballot:{ballot.pk}", rows=len(pairs))
    return pairs


@transaction.atomic
def code_reissue(*, ballot: Ballot, elector_id: int, actor) -> tuple[Elector, str]:
    """A new code for an elector who lost theirs: the old one stops working (audited).
    Refused once they have voted. The caller delivers the code (email, or print)."""
    policies.run_ballot(actor, ballot)
    elector = (
        Elector.objects.select_for_update()
        .select_related("person")
        .filter(ballot=ballot, pk=elector_id)
        .first()
    )
    if elector is None:
        raise BallotError("no such elector in this ballot", status=404)
    if ballot.status != Ballot.Status.OPEN:
        raise BallotError("codes are reissued only while the ballot is open")
    if SpentCredential.objects.filter(elector=elector).exists():
        raise BallotError("this elector has already voted: a new code would be a second vote")
    ((elector, code),) = codes_issue([elector])
    audit_record(
        actor=actor,
        action="ballot.code_reissued",
        target=f"ballot:{ballot.pk}",
        detail={"elector": elector.pk},
    )
    return elector, code


def find_elector(ballot: Ballot, who: str) -> Elector | None:
    """An elector of this ballot by their email address or membership number."""
    who = who.strip()
    if not who:
        return None
    qs = Elector.objects.filter(ballot=ballot).select_related("person")
    if "@" in who:
        return qs.filter(person__email__iexact=who).first()
    return qs.filter(person__memberships__membership_number=who).first()


def code_reissue_and_send(
    *, ballot: Ballot, who: str, actor, base_url: str | None = None
) -> tuple[Elector, str | None]:
    """Reissues an elector's code (the old one stops working) and emails it when they have an
    address; returns the code only when it must be printed (no address)."""
    elector = find_elector(ballot, who)
    if elector is None:
        raise BallotError("no elector of this ballot has that email address or membership number", status=404)
    elector, code = code_reissue(ballot=ballot, elector_id=elector.pk, actor=actor)
    if not elector.person.email:
        return elector, code
    base = (base_url or settings.SITE_URL).rstrip("/")
    closes = timezone.localtime(ballot.closes_at).strftime("%A %d %B %Y at %H:%M")
    message = code_email(ballot.title, base, closes, elector.person.first_name, elector.person.email, code)
    message.body = "Your earlier voting code no longer works: this one replaces it.\n\n" + message.body
    message.send()
    return elector, None
