"""The JSON API: one NinjaAPI, a router per app, OpenAPI docs at /api/docs.

Authentication is the Django session (the same sign-in as the web pages, with CSRF on
writes), so every endpoint applies the same role checks as its page.
"""

from ninja import NinjaAPI

from groundswell.accounts.api_auth import RoleSessionAuth
from groundswell.accounts.policies import Refused
from groundswell.ballots.api import router as ballots_router
from groundswell.events.api import router as events_router
from groundswell.groundgame.api import router as groundgame_router
from groundswell.groups.api import router as groups_router
from groundswell.lifecycle.api import router as lifecycle_router
from groundswell.mailouts.api import router as mailouts_router
from groundswell.members.api import router as members_router
from groundswell.motions.api import router as motions_router
from groundswell.reach.api import router as reach_router
from groundswell.selections.api import router as selections_router
from groundswell.vetting.api import router as vetting_router

api = NinjaAPI(
    title="Groundswell API",
    version="1",
    description="Members, ballots, ground game, motions and events. Sign in through the web "
    "page; the API uses the same session and role checks.",
    auth=RoleSessionAuth(),
)
api.add_router("/", members_router)
api.add_router("/", ballots_router)
api.add_router("/", groundgame_router)
api.add_router("/", motions_router)
api.add_router("/", events_router)
api.add_router("/", mailouts_router)
api.add_router("/", groups_router)
api.add_router("/", reach_router)
api.add_router("/", vetting_router)
api.add_router("/", selections_router)
api.add_router("/", lifecycle_router)


@api.exception_handler(Refused)
def refused(request, exc: Refused):
    """Every policy's refusal, answered with the status it carries (the one mapping for the API)."""
    body = {"detail": exc.message, "code": exc.code}
    if getattr(exc, "consequences", None):
        body["consequences"] = exc.consequences  # what confirming would do (NeedsConfirmation)
    return api.create_response(request, body, status=exc.status)
