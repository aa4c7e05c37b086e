"""Writes for ballots, by domain: setting up (create, open, trustees' shares), voting codes,
casting, closing and counting, publishing. Everything callers need is importable from here."""

from groundswell.ballots.services.casting import (
    ballot_cast,
    ballot_cast_signed_in,
    candidate_count,
    validate_ranking,
)
from groundswell.ballots.services.code_messages import format_credential
from groundswell.ballots.services.codes import (
    CREDENTIAL_ALPHABET,
    CREDENTIAL_LENGTH,
    code_reissue,
    code_reissue_and_send,
    codes_issue,
    credentials_send,
    elector_for_code,
    new_credential,
    normalise_credential,
    postal_codes_issue,
)
from groundswell.ballots.services.counting import (
    ballot_close,
    ballot_count,
    ballot_count_start,
    ballots_close_due,
    close_consequences,
    rebuild_key,
)
from groundswell.ballots.services.errors import AlreadyVoted, BallotError, ConfirmationNeeded, NotAllowed
from groundswell.ballots.services.publishing import (
    ballot_publish,
    ballot_publish_start,
    marked_register_totals,
    publish_consequences,
)
from groundswell.ballots.services.setup import ballot_create, ballot_open, ballot_open_start, share_download
from groundswell.ballots.services.tendered import (
    elector_must_tender,
    elector_reinstate,
    electors_must_tender,
    tendered_state,
)

__all__ = [
    "CREDENTIAL_ALPHABET",
    "CREDENTIAL_LENGTH",
    "AlreadyVoted",
    "BallotError",
    "ConfirmationNeeded",
    "NotAllowed",
    "ballot_cast",
    "ballot_cast_signed_in",
    "ballot_close",
    "ballot_count",
    "ballot_count_start",
    "ballot_create",
    "ballot_open",
    "ballot_open_start",
    "ballot_publish",
    "ballot_publish_start",
    "ballots_close_due",
    "candidate_count",
    "close_consequences",
    "code_reissue",
    "code_reissue_and_send",
    "codes_issue",
    "credentials_send",
    "elector_for_code",
    "elector_must_tender",
    "elector_reinstate",
    "electors_must_tender",
    "format_credential",
    "marked_register_totals",
    "new_credential",
    "normalise_credential",
    "postal_codes_issue",
    "publish_consequences",
    "rebuild_key",
    "share_download",
    "tendered_state",
    "validate_ranking",
]
