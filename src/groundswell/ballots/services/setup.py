"""Setting a ballot up: create it with its trustees, open it (the key is made and split,
the electorate frozen), and each trustee's one download of their share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from groundswell.accounts.services import audit_record
from groundswell.ballots import keys, policies
from groundswell.ballots.models import Ballot, Candidate, Elector, Trustee
from groundswell.ballots.services.errors import BallotError
from groundswell.ballots.signals import electorate_frozen
from groundswell.bulk import BulkInserter
from groundswell.core.ballotbox import sealing, shares
from groundswell.lifecycle import services as lifecycle
from groundswell.members.models import Category

MAX_TRUSTEES = 16


def _trustee_users(trustees: Sequence, actor) -> list:
    """Users from users or email addresses; the creating officer when none are named."""
    User = get_user_model()
    found, missing = [], []
    for t in trustees or ([actor] if actor is not None else []):
        if isinstance(t, str):
            user = User.objects.filter(email__iexact=t.strip()).first()
            if user is None:
                missing.append(t.strip())
                continue
            t = user
        if t not in found:
            found.append(t)
    if missing:
        raise BallotError(
            "trustees must have a Groundswell account: no account for " + ", ".join(missing), status=422
        )
    return found


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
    trustees: Sequence = (),
    threshold: int | None = None,
    key_custody: str = Ballot.Custody.TRUSTEES,
) -> Ballot:
    """A draft ballot. With trustee custody (the default) its key will be split among
    `trustees` (users or their email addresses; the creating officer if none), any
    `threshold` of whom can count; server custody is for votes without trustees."""
    policies.run_ballot(actor, in_app=in_app)
    if in_app and key_custody == Ballot.Custody.TRUSTEES and not trustees:
        key_custody = Ballot.Custody.SERVER  # a motion vote: no trustees, the page says so
    names = [c.strip() for c in candidates if c.strip()]
    problems = []
    if len(names) < 2:
        problems.append("a ballot needs at least two candidates")
    if len(names) > 200:
        problems.append("at most 200 candidates")
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
    users = []
    if key_custody == Ballot.Custody.TRUSTEES:
        users = _trustee_users(trustees, actor)
        k = threshold if threshold is not None else min(2, len(users))
        if not users:
            problems.append("name at least one trustee")
        elif len(users) > MAX_TRUSTEES:
            problems.append(f"at most {MAX_TRUSTEES} trustees")
        elif not 1 <= k <= len(users):
            problems.append(f"the trustees needed to count must be between 1 and {len(users)}")
    elif key_custody == Ballot.Custody.SERVER:
        k = 0
    else:
        problems.append(f"unknown key custody {key_custody!r}")
        k = 0
    if problems:
        raise BallotError("; ".join(problems), status=422)
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
        key_custody=key_custody,
        threshold=k,
    )
    Candidate.objects.bulk_create(Candidate(ballot=ballot, name=n, position=i) for i, n in enumerate(names))
    Trustee.objects.bulk_create(Trustee(ballot=ballot, user=u, index=i) for i, u in enumerate(users, 1))
    audit_record(
        actor=actor,
        action="ballot.create",
        target=f"ballot:{ballot.pk}",
        detail={"title": title, "trustees": len(users), "threshold": k, "custody": key_custody},
    )
    return ballot


def _make_key(ballot: Ballot) -> None:
    """Makes the ballot's key pair; with trustees, splits its secret k-of-n and keeps each
    share sealed under the server's custody key only until its trustee downloads it."""
    if ballot.key_custody == Ballot.Custody.SERVER:
        secret = keys.server_ballot_secret(ballot.pk, ballot.created_at.isoformat())
    else:
        secret = shares.new_secret()
        trustees = list(Trustee.objects.filter(ballot=ballot).order_by("index"))
        words = shares.split(secret, threshold=ballot.threshold, count=len(trustees))
        for trustee, share in zip(trustees, words, strict=True):
            trustee.share_fingerprint = shares.fingerprint(share)
            trustee.share_pending = keys.custody_seal(share.encode(), context=f"trustee/{trustee.pk}")
        Trustee.objects.bulk_update(trustees, ["share_fingerprint", "share_pending"])
    key = sealing.key_from_secret(secret)
    ballot.public_key = key.public_bytes
    ballot.key_fingerprint = key.fingerprint
    del secret, key


def ballot_open_start(*, ballot: Ballot, actor) -> Ballot:
    """Makes the key and queues the opening: the electorate (it can be 500,000) is frozen
    in the background."""
    from groundswell.ballots.tasks import open_ballot

    policies.run_ballot(actor, ballot)
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.status != Ballot.Status.DRAFT:
            raise BallotError(
                f"only a draft ballot can be opened (this one is {locked.get_status_display()})"
            )
        _make_key(locked)
        locked.status = Ballot.Status.OPENING
        locked.save(update_fields=["status", "public_key", "key_fingerprint"])
        lifecycle.electorate_freeze_begin(ballot=locked)  # what is known from here on does not count
        audit_record(
            actor=actor,
            action="ballot.open",
            target=f"ballot:{ballot.pk}",
            detail={"key_fingerprint": locked.key_fingerprint},
        )
        transaction.on_commit(lambda: open_ballot.enqueue(ballot.pk))
    return locked


OPEN_BATCH = 10_000


def ballot_open(*, ballot_id: int, progress: Callable[[int, int], None] | None = None) -> Ballot:
    """Freezes the electorate as of the freeze date, in batches that each commit: a crash
    part-way leaves the ballot opening, and running it again (the task is re-run) adds only
    the electors still missing. The electorate is one query as of the freeze date, so a
    re-run finds the same people. Codes are made when they are sent."""
    ballot = Ballot.objects.get(pk=ballot_id)
    if ballot.status != Ballot.Status.OPENING:
        return ballot  # delivered twice: already done
    if not ballot.public_key:
        with transaction.atomic():
            _make_key(ballot)
            ballot.save(update_fields=["public_key", "key_fingerprint"])
    # members.selectors.eligible_electorate under the ballot's published rules (issue 16), as
    # at the freeze date, known by when the opening began; counts left out by reason kept
    electorate = lifecycle.electorate_freeze(ballot=ballot)
    have = set(Elector.objects.filter(ballot=ballot).values_list("person_id", flat=True))
    missing = [e for e in electorate if e.person_id not in have]
    total, done = len(electorate), len(have)
    for start in range(0, len(missing), OPEN_BATCH):
        batch = missing[start : start + OPEN_BATCH]
        with transaction.atomic():
            # rows, not model instances: building 500,000 Electors and their INSERT took half
            # the opening's time (COPY on PostgreSQL). A batch that raced another opening run
            # fails on the one-elector-per-person constraint and is retried by the task.
            BulkInserter().insert(
                Elector,
                ["ballot", "person", "category", "codes_issued", "must_tender"],
                [(ballot.pk, e.person_id, e.category, 0, False) for e in batch],
            )
            done += len(batch)
            Ballot.objects.filter(pk=ballot.pk).update(
                count_progress={"opening": {"done": done, "total": total}}
            )
        if progress:
            progress(done, total)
    by_category: dict[str, int] = {c: 0 for c in ballot.eligible_categories}
    for category, n in (
        Elector.objects.filter(ballot=ballot).values_list("category").annotate(n=Count("pk")).order_by()
    ):
        by_category[category] = n
    with transaction.atomic():
        # before anyone can vote: vetting marks whom it has already excluded (they may only tender)
        electorate_frozen.send(sender=Ballot, ballot=ballot)
        ballot.electorate_size = sum(by_category.values())
        ballot.electorate_by_category = by_category
        ballot.status = Ballot.Status.OPEN
        ballot.count_progress = {}
        ballot.save(update_fields=["electorate_size", "electorate_by_category", "status", "count_progress"])
    if not ballot.in_app:
        from groundswell.ballots.tasks import send_credentials

        send_credentials.enqueue(ballot.pk)
    return ballot


@transaction.atomic
def share_download(*, ballot: Ballot, user, password: str | None = None) -> dict:
    """A trustee's share, handed over once: the server then erases its copy (audited).
    Returns what the trustee's file and printout hold. From a page or the API the trustee
    gives their password again (`password`), so a stolen or left-open session is not
    enough; `None` is for the trusted callers that have no password to give (demo, tests)."""
    trustee = policies.download_share(user, ballot)
    if password is not None and not user.check_password(password):
        raise BallotError("that is not your password: give it again to take your share", status=403)
    trustee = Trustee.objects.select_for_update().get(pk=trustee.pk)
    if trustee.share_pending is None:
        if not trustee.share_fingerprint:
            raise BallotError("the ballot has no key yet: shares are made when it opens")
        raise BallotError(
            f"your share was downloaded on {timezone.localtime(trustee.downloaded_at):%d %B %Y at %H:%M}; "
            "the server no longer holds it"
        )
    words = keys.custody_open(trustee.share_pending, context=f"trustee/{trustee.pk}").decode()
    trustee.share_pending = None
    trustee.downloaded_at = timezone.now()
    trustee.save(update_fields=["share_pending", "downloaded_at"])
    audit_record(
        actor=user,
        action="ballot.share_downloaded",
        target=f"ballot:{ballot.pk}",
        detail={"trustee": trustee.index},
    )
    return {
        "format": "groundswell-trustee-share/v1",
        "ballot": ballot.pk,
        "title": ballot.title,
        "trustee": trustee.index,
        "threshold": ballot.threshold,
        "trustees": Trustee.objects.filter(ballot=ballot).count(),
        "key_fingerprint": ballot.key_fingerprint,
        "share_fingerprint": trustee.share_fingerprint,
        "share": words,
    }
