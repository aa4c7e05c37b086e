"""The appeal panel against itself: a panel member who is the excluded person."""

import pytest

from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.vetting import services
from groundswell.vetting.models import Appeal, Exclusion
from tests import factories
from tests.vetting.helpers import exclude, open_supporters_ballot, supporter

pytestmark = pytest.mark.django_db


def test_a_panel_member_cannot_decide_their_own_appeal(branches, users):
    """Sue sits on the appeal panel; an organiser excludes her; she must not be the one who
    allows her own appeal (and so admits her own tendered paper)."""
    north, _ = branches
    admin, organiser = users[Role.NATIONAL_ADMIN], users[Role.BRANCH_ORGANISER]
    ballot = open_supporters_ballot(users[Role.RETURNING_OFFICER])
    sue = supporter(north, first_name="Sue")
    sue_user = factories.user(person=sue)
    services.panel_appoint(actor=admin, user=sue_user)
    ex = exclude(organiser, ballot, sue)
    appeal = services.appeal_lodge(actor=sue_user, exclusion=ex, statement="It was not me")
    with pytest.raises(Refused) as e:
        services.appeal_decide(
            actor=sue_user, appeal=appeal, allow=True, reasons="I am innocent", confirm=True
        )
    assert e.value.status == 403
    appeal.refresh_from_db()
    ex.refresh_from_db()
    assert appeal.decision == "" and ex.state == Exclusion.State.IN_FORCE
    assert Appeal.objects.filter(decided_by=sue_user).count() == 0
