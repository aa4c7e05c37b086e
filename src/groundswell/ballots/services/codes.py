"""Voting codes: made when they are sent or printed, stored only as keyed hashes.

A code is 20 characters from a 32-letter alphabet (100 bits) read off the system's random
source in one call. It exists in the email or letter that carries it and nowhere else;
issuing a new one (a reissue) replaces the hash, so the old code stops working."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groundswell.accounts.services import audit_record
from groundswell.ballots import keys, policies
from groundswell.ballots.models import Ballot, Elector, SpentCredential
from groundswell.ballots.services.errors import BallotError

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


def format_credential(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


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
    # in batches: one UPDATE ... CASE over tens of thousands of rows takes PostgreSQL minutes
    Elector.objects.bulk_update(
        [e for e, _ in pairs], ["code_hash", "code_issued_on", "codes_issued"], batch_size=500
    )
    return pairs


def _voted_ids(ballot_id: int, ids: list[int]) -> set[int]:
    return set(
        SpentCredential.objects.filter(ballot_id=ballot_id, elector_id__in=ids).values_list(
            "elector_id", flat=True
        )
    )


SEND_BATCH = 100  # a crash re-sends at most (connections + 1) batches, with new codes


def _code_email(ballot: Ballot, base: str, closes: str, elector: Elector, code: str) -> EmailMessage:
    body = (
        f"Dear {elector.person.first_name or 'member'},\n\n"
        f"You can vote in: {ballot.title}\n"
        f"Voting closes on {closes}.\n\n"
        f"Your voting code: {format_credential(code)}\n"
        f"Vote here: {base}/vote/?code={code}\n\n"
        "The code works once. Your vote is sealed in your browser before it is sent, and "
        "stored without any link to you.\n"
        "After voting you get a receipt (a tracker) that you can look up on the ballot's "
        "published board.\n"
    )
    return EmailMessage(f"Your vote: {ballot.title}", body, to=[elector.person.email])


def _send_batch(local: threading.local, opened: list, messages: list[EmailMessage]) -> None:
    """Sends one batch over this thread's own SMTP connection (opened once per thread)."""
    conn = getattr(local, "connection", None)
    if conn is None:
        conn = local.connection = get_connection()
        conn.open()
        opened.append(conn)
    for m in messages:
        m.connection = conn
    conn.send_messages(messages)


def credentials_send(*, ballot_id: int, base_url: str | None = None, connections: int | None = None) -> int:
    """Emails each elector with an address a new code; returns how many were sent.

    The ballot needs no marketing consent: this is the elector's own vote. Electors are read
    100 at a time in key order from the index of those not yet sent (the cost of a batch
    does not grow with the ballot or with past ballots). Each batch's codes are committed
    before its emails go and the batch is marked sent after: a crash between the two re-sends
    that batch with new codes (the first email's code then no longer works), never a code
    that was not stored: at most (connections + 1) batches are in flight, so a crash re-sends at
    most that many, never a code twice. Batches go over several SMTP connections at once
    (settings.BALLOT_SMTP_CONNECTIONS, default 4): a mail server answers each message in
    turn, so one connection waits on the network more than it works."""
    ballot = Ballot.objects.get(pk=ballot_id)
    base = (base_url or settings.SITE_URL).rstrip("/")
    pending = (
        Elector.objects.filter(ballot=ballot, credential_sent_on__isnull=True)
        .exclude(person__email="")
        .select_related("person")
        .order_by("pk")
    )
    workers = connections or int(getattr(settings, "BALLOT_SMTP_CONNECTIONS", 4))
    today = timezone.localdate()
    closes = timezone.localtime(ballot.closes_at).strftime("%A %d %B %Y at %H:%M")
    sent, last = 0, 0
    in_flight: list[tuple[Future, list[int]]] = []

    def settle(block: bool) -> None:
        nonlocal sent
        while in_flight and (block or in_flight[0][0].done()):
            future, ids = in_flight.pop(0)
            future.result()  # a failed send stops here: that batch stays unsent, to be re-sent
            with transaction.atomic():  # the mark and the counter move together
                marked = Elector.objects.filter(pk__in=ids, credential_sent_on=None).update(
                    credential_sent_on=today
                )
                Ballot.objects.filter(pk=ballot.pk).update(credentials_sent=F("credentials_sent") + marked)
            sent += len(ids)

    local, opened = threading.local(), []
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="codes-smtp") as pool:
            while True:
                chunk = list(pending.filter(pk__gt=last)[:SEND_BATCH])
                if not chunk:
                    break
                last = chunk[-1].pk
                voted = _voted_ids(ballot.pk, [e.pk for e in chunk])
                chunk = [e for e in chunk if e.pk not in voted]
                with transaction.atomic():
                    pairs = codes_issue(chunk)
                messages = [_code_email(ballot, base, closes, e, code) for e, code in pairs]
                in_flight.append(
                    (pool.submit(_send_batch, local, opened, messages), [e.pk for e, _ in pairs])
                )
                settle(block=len(in_flight) > workers)
            settle(block=True)
    finally:  # after the pool has finished with them
        while opened:
            opened.pop().close()
    return sent


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
    message = _code_email(ballot, base, closes, elector, code)
    message.body = "Your earlier voting code no longer works: this one replaces it.\n\n" + message.body
    message.send()
    return elector, None
