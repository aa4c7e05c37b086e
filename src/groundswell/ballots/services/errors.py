"""The one refusal of the ballots part: a message for the person, and the HTTP status that
the API and the pages answer with (no caller chooses a status by reading the text)."""

from __future__ import annotations

from groundswell.accounts.policies import RuleError


class BallotError(RuleError):
    """Something the user asked for that the ballot's rules do not allow; the message says
    why. The project's one refusal (accounts.policies.Refused), so the API and the pages map
    it like every other app's."""

    status = 409
    code = "ballot.refused"


class AlreadyVoted(BallotError):
    code = "ballot.already_voted"


class NotAllowed(BallotError):
    """The signed-in user may not do this to this ballot."""

    status = 403
    code = "ballot.forbidden"


class ConfirmationNeeded(BallotError):
    """An irreversible step whose consequences the person must see and confirm first
    (428, as accounts.policies.NeedsConfirmation)."""

    status = 428
    code = "confirm"

    def __init__(self, message: str, consequences: dict) -> None:
        super().__init__(message)
        self.consequences = consequences
