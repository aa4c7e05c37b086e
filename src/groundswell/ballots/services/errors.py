"""The one refusal of the ballots part: a message for the person, and the HTTP status that
the API and the pages answer with (no caller chooses a status by reading the text)."""

from __future__ import annotations


class BallotError(Exception):
    """Something the user asked for that the ballot's rules do not allow; the message says why."""

    status = 409
    code = "ballot_refused"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class AlreadyVoted(BallotError):
    code = "already_voted"


class NotAllowed(BallotError):
    """The signed-in user may not do this to this ballot."""

    status = 403
    code = "forbidden"


class ConfirmationNeeded(BallotError):
    """An irreversible step whose consequences the person must see and confirm first."""

    status = 409
    code = "confirm"

    def __init__(self, message: str, consequences: dict) -> None:
        super().__init__(message)
        self.consequences = consequences
