"""JSON endpoints for ballots: running them (returning officers), voting (a credential is
the key, no sign-in), and published results (anyone)."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import SessionAuth

from groundswell.accounts.api_auth import roles
from groundswell.accounts.models import Role
from groundswell.ballots import policies, selectors, services
from groundswell.ballots.models import Ballot, TenderedPaper, Trustee
from groundswell.core.ballotbox import sealing

router = Router(tags=["ballots"])
RUNNERS = roles(Role.RETURNING_OFFICER, Role.NATIONAL_ADMIN)


class TrusteeAuth(SessionAuth):
    """The session, restricted (before any input is parsed) to the trustees of the ballot in
    the path — and its runners too, when `runners` is set (counting). Others get 403, or
    404 where even the ballot's trustees are not to be told about (shares)."""

    def __init__(self, *, runners: bool) -> None:
        super().__init__(csrf=True)
        self.runners = runners

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        match = getattr(request, "resolver_match", None)
        ballot_id = (match.kwargs if match else {}).get("ballot_id")
        if Trustee.objects.filter(ballot_id=ballot_id, user=user).exists():
            return user
        if self.runners and policies.can_run_ballots(user):
            return user
        raise HttpError(403 if self.runners else 404, "Only this ballot's trustees can do this.")


class BallotIn(Schema):
    title: str
    description: str = ""
    method: str = "irv"
    seats: int = 1
    candidates: list[str]
    eligible_categories: list[str]
    freeze_date: date
    min_membership_days: int = 0
    opens_at: datetime
    closes_at: datetime
    trustees: list[str] = []  # emails of trustees' accounts; default: the creating officer
    threshold: int | None = None


class BallotOut(Schema):
    id: int
    title: str
    method: str
    seats: int
    candidates: list[str]
    eligible_categories: list[str]
    freeze_date: date
    opens_at: datetime
    closes_at: datetime
    status: str
    electorate_size: int
    cast: int
    key_custody: str
    threshold: int
    key_fingerprint: str

    @staticmethod
    def of(ballot: Ballot) -> BallotOut:
        return BallotOut(
            id=ballot.pk,
            title=ballot.title,
            method=ballot.method,
            seats=ballot.seats,
            candidates=list(ballot.candidates.values_list("name", flat=True)),
            eligible_categories=ballot.eligible_categories,
            freeze_date=ballot.freeze_date,
            opens_at=ballot.opens_at,
            closes_at=ballot.closes_at,
            status=ballot.status,
            electorate_size=ballot.electorate_size,
            cast=selectors.ballot_turnout(ballot).cast,
            key_custody=ballot.key_custody,
            threshold=ballot.threshold,
            key_fingerprint=ballot.key_fingerprint,
        )


class VoteIn(Schema):
    credential: str
    ranking: list[str] | list[int] | None = None  # the server seals it at once
    sealed: str | None = None  # base64 of a paper sealed by the client (HPKE, see README)
    tendered: bool = False  # an excluded elector accepts that the paper is tendered (set aside)


class ConfirmIn(Schema):
    confirm: bool = False


class SharesIn(Schema):
    shares: list[str]


class ShareOut(Schema):
    format: str
    ballot: int
    title: str
    trustee: int
    threshold: int
    trustees: int
    key_fingerprint: str
    share_fingerprint: str
    share: str


class ReissueIn(Schema):
    who: str  # the elector's email address or membership number


class ReissueOut(Schema):
    emailed: bool
    code: str | None  # only when the elector has no email address: print it, it is stored nowhere


class ShareIn(Schema):
    password: str  # the trustee's password again: a session alone does not hand over a share


class AuditIn(Schema):
    ranking: list[int]
    ephemeral_ikm: str
    sealed: str


class AuditOut(Schema):
    verified: bool
    tracker: str
    ranking: list[str]
    problem: str


class ReceiptOut(Schema):
    tracker: str
    ballot: str
    tendered: bool = False  # set aside: counted only if the elector's appeal is allowed before the count


class TrackerOut(Schema):
    tracker: str
    counted: bool


class FileOut(Schema):
    name: str
    sha256: str
    size: int
    url: str


class ResultOut(Schema):
    ballot: BallotOut
    result: dict
    files: list[FileOut]


def _any_ballot(ballot_id: int) -> Ballot:
    """A ballot for its trustees (their auth has already checked they are its trustees)."""
    ballot = Ballot.objects.filter(pk=ballot_id).first()
    if ballot is None:
        raise HttpError(404, "No such ballot.")
    return ballot


def _ballot(request, ballot_id: int) -> Ballot:
    ballot = selectors.ballots_for(request.user).filter(pk=ballot_id).first()
    if ballot is None:
        raise HttpError(404, "No such ballot.")
    return ballot


@router.get("/ballots", auth=RUNNERS, response=list[BallotOut], summary="Every ballot (returning officers)")
def list_ballots(request):
    return [BallotOut.of(b) for b in selectors.ballots_for(request.user)]


@router.post("/ballots", auth=RUNNERS, response={201: BallotOut}, summary="Create a draft ballot")
def create_ballot(request, payload: BallotIn):
    ballot = services.ballot_create(actor=request.user, **payload.dict())
    return 201, BallotOut.of(ballot)


@router.get("/ballots/{ballot_id}", auth=RUNNERS, response=BallotOut, summary="One ballot and its turnout")
def get_ballot(request, ballot_id: int):
    return BallotOut.of(_ballot(request, ballot_id))


def _act(request, ballot_id: int, do, **kwargs) -> BallotOut:
    ballot = _ballot(request, ballot_id)
    do(ballot=ballot, actor=request.user, **kwargs)
    ballot.refresh_from_db()
    return BallotOut.of(ballot)


@router.post(
    "/ballots/{ballot_id}/open", auth=RUNNERS, response=BallotOut, summary="Open: freeze the electorate"
)
def open_ballot(request, ballot_id: int):
    return _act(request, ballot_id, services.ballot_open_start)


@router.post(
    "/ballots/{ballot_id}/close",
    auth=RUNNERS,
    response=BallotOut,
    summary="Close voting (before the advertised time only with confirm: true)",
)
def close_ballot(request, ballot_id: int, payload: ConfirmIn | None = None):
    return _act(request, ballot_id, services.ballot_close, confirm=bool(payload and payload.confirm))


@router.post(
    "/ballots/{ballot_id}/count",
    auth=TrusteeAuth(runners=True),
    response=BallotOut,
    summary="Open the sealed box with k trustees' shares and count (trustees and returning officers)",
)
def count_ballot(request, ballot_id: int, payload: SharesIn):
    ballot = _any_ballot(ballot_id)
    services.ballot_count_start(ballot=ballot, shares_given=payload.shares, actor=request.user)
    ballot.refresh_from_db()
    return BallotOut.of(ballot)


@router.post(
    "/ballots/{ballot_id}/share",
    auth=TrusteeAuth(runners=False),
    response=ShareOut,
    summary="A trustee takes their share of the ballot's key, once (the server then erases it)",
)
def take_share(request, ballot_id: int, payload: ShareIn):
    ballot = _any_ballot(ballot_id)
    return services.share_download(ballot=ballot, user=request.user, password=payload.password)


@router.post(
    "/ballots/{ballot_id}/publish",
    auth=RUNNERS,
    response=BallotOut,
    summary="Publish the result, the board and the papers (cannot be undone: confirm: true)",
)
def publish_ballot(request, ballot_id: int, payload: ConfirmIn | None = None):
    return _act(request, ballot_id, services.ballot_publish_start, confirm=bool(payload and payload.confirm))


@router.post(
    "/ballots/{ballot_id}/reissue",
    auth=RUNNERS,
    response=ReissueOut,
    summary="Reissue a lost voting code (the old one stops working; audited)",
)
def reissue_code(request, ballot_id: int, payload: ReissueIn):
    ballot = _ballot(request, ballot_id)
    _, code = services.code_reissue_and_send(ballot=ballot, who=payload.who, actor=request.user)
    return ReissueOut(emailed=code is None, code=services.format_credential(code) if code else None)


@router.post(
    "/ballots/{ballot_id}/audit", auth=None, response=AuditOut, summary="Check an audited (never cast) paper"
)
def audit_paper(request, ballot_id: int, payload: AuditIn):
    ballot = Ballot.objects.filter(pk=ballot_id).exclude(public_key=None).first()
    if ballot is None:
        raise HttpError(404, "No such ballot.")
    names = list(ballot.candidates.order_by("position").values_list("name", flat=True))
    try:
        verdict = sealing.verify_audit(
            public_bytes=bytes(ballot.public_key),
            info=sealing.info_for(ballot.pk),
            n_candidates=len(names),
            ranking=payload.ranking,
            ikm=bytes.fromhex(payload.ephemeral_ikm),
            sealed=base64.b64decode(payload.sealed, validate=True),
        )
    except (ValueError, binascii.Error):
        raise HttpError(422, "ephemeral_ikm must be hex and sealed base64") from None
    return AuditOut(
        verified=verdict.ok,
        tracker=verdict.tracker,
        ranking=[names[i] for i in verdict.ranking if 0 <= i < len(names)],
        problem=verdict.problem,
    )


@router.post("/vote", auth=None, response={201: ReceiptOut}, summary="Cast a ballot with a voting code")
def vote(request, payload: VoteIn):
    """Either `sealed` (base64 of a paper the client sealed to the ballot's public key) or
    `ranking` (candidate names or 0-based positions, first preference first), which the
    server seals on receipt and never stores."""
    elector = services.elector_for_code(payload.credential)
    if elector is None:
        raise HttpError(403, "that voting code is not valid")
    sealed = None
    if payload.sealed:
        try:
            sealed = base64.b64decode(payload.sealed, validate=True)
        except (ValueError, binascii.Error):
            raise HttpError(422, "sealed must be base64") from None
    ranking = list(payload.ranking or [])
    if not sealed and not ranking:
        raise HttpError(422, "give a ranking or a sealed paper")
    if ranking and isinstance(ranking[0], str):
        positions = dict(elector.ballot.candidates.values_list("name", "position"))
        unknown = [name for name in ranking if name not in positions]
        if unknown:
            raise HttpError(422, f"not a candidate on this ballot: {unknown[0]}")
        ranking = [positions[name] for name in ranking]
    cast = services.ballot_cast(
        elector=elector, ranking=ranking or None, sealed=sealed, tendered=payload.tendered
    )
    return 201, ReceiptOut(
        tracker=cast.tracker, ballot=elector.ballot.title, tendered=isinstance(cast, TenderedPaper)
    )


def _published(ballot_id: int) -> Ballot:
    ballot = selectors.published_ballots().filter(pk=ballot_id).first()
    if ballot is None:
        raise HttpError(404, "No published result.")
    return ballot


@router.get("/results/{ballot_id}", auth=None, response=ResultOut, summary="A published result")
def result(request, ballot_id: int):
    ballot = _published(ballot_id)
    files = [
        FileOut(name=f.name, sha256=f.sha256, size=f.size, url=f"/ballots/{ballot.pk}/files/{f.name}")
        for f in ballot.files.order_by("name").only("name", "sha256", "size")
    ]
    return ResultOut(ballot=BallotOut.of(ballot), result=ballot.result, files=files)


@router.get(
    "/results/{ballot_id}/trackers/{tracker}",
    auth=None,
    response=TrackerOut,
    summary="Was the ballot with this tracker counted?",
)
def tracker(request, ballot_id: int, tracker: str):
    ballot = _published(ballot_id)
    return TrackerOut(tracker=tracker, counted=selectors.tracker_published(ballot, tracker))
