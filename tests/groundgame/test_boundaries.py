"""Doorstep reports stay inside what the canvasser was sent to (issue 12).

The adversary is a canvasser in Derby North who reports, against a household on their own
list, an elector of Derby South as moved away (accepting it would mark that elector as left),
or dates a contact in 2099 so that it stays each elector's "latest" for ever.
"""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.groundgame import selectors, services
from groundswell.groundgame.models import (
    Constituency,
    Contact,
    Elector,
    Household,
    PollingDistrict,
    RegisterCorrection,
)
from tests.browser.test_doorstep_offline import make_list


@pytest.fixture
def north_and_south(branches, users):
    north, south = branches
    seat, _ = make_list(north, users[Role.CANVASSER], n=3)
    other = Constituency.objects.create(ons_code=south.ons_code, name=south.name, branch=south)
    pd = PollingDistrict.objects.create(constituency=other, code="SA1")
    h = Household.objects.create(constituency=other, polling_district=pd, key="x", address_1="1 Far Road")
    stranger = Elector.objects.create(
        constituency=other,
        polling_district=pd,
        household=h,
        elector_number="1",
        number_sort=1000,
        last_name="Stranger",
    )
    return seat, stranger


def _post(client, path, payload):
    return client.post(path, json.dumps(payload), content_type="application/json")


def test_a_correction_cannot_name_an_elector_outside_the_reported_household(client, users, north_and_south):
    seat, stranger = north_and_south
    mine = Household.objects.filter(constituency=seat).first()
    client.force_login(users[Role.CANVASSER])
    response = _post(
        client,
        "/api/canvass/corrections",
        {"id": str(uuid.uuid4()), "kind": "moved", "household": mine.pk, "elector": stranger.pk},
    )
    assert response.status_code in (403, 422)
    assert not RegisterCorrection.objects.exists()
    stranger.refresh_from_db()
    assert stranger.left_on is None


def test_a_correction_naming_a_neighbour_in_the_same_seat_is_refused(users, north_and_south):
    seat, _ = north_and_south
    first, second = Household.objects.filter(constituency=seat).order_by("pk")[:2]
    neighbour = Elector.objects.get(household=second)
    with pytest.raises(Refused):
        services.correction_submit(
            canvasser=users[Role.CANVASSER],
            allowed_households=selectors.allowed_households(users[Role.CANVASSER]),
            item={"id": str(uuid.uuid4()), "kind": "moved", "household": first.pk, "elector": neighbour.pk},
        )


def test_accepting_a_stored_cross_seat_correction_does_not_mark_the_stranger_left(
    client, users, north_and_south
):
    """A correction stored before the fix (or written around the service) is checked again on review."""
    seat, stranger = north_and_south
    mine = Household.objects.filter(constituency=seat).first()
    bad = RegisterCorrection.objects.create(id=uuid.uuid4(), kind="moved", household=mine, elector=stranger)
    client.force_login(users[Role.BRANCH_ORGANISER])
    client.post(f"/register/{seat.ons_code}/corrections/{bad.pk}/", {"action": "accept"})
    stranger.refresh_from_db()
    assert stranger.left_on is None


def test_a_contact_dated_in_the_future_is_refused(client, users, north_and_south):
    seat, _ = north_and_south
    mine = Elector.objects.filter(constituency=seat).first()
    client.force_login(users[Role.CANVASSER])
    response = _post(
        client,
        "/api/canvass/contacts",
        {
            "contacts": [
                {
                    "id": str(uuid.uuid4()),
                    "elector": mine.pk,
                    "code": "CON",
                    "recorded_at": "2099-01-01T10:00:00+00:00",
                }
            ]
        },
    )
    assert response.status_code == 422
    assert not Contact.objects.exists()
    ok = _post(
        client,
        "/api/canvass/contacts",
        {
            "contacts": [
                {
                    "id": str(uuid.uuid4()),
                    "elector": mine.pk,
                    "code": "LAB",
                    "recorded_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
                }
            ]
        },
    )
    assert ok.status_code == 200 and Contact.objects.count() == 1


def test_reading_the_knock_up_list_and_syncing_walk_lists_are_audited(client, users, north_and_south):
    from groundswell.accounts.models import AuditEvent

    seat, _ = north_and_south
    client.force_login(users[Role.BRANCH_ORGANISER])
    assert client.get(f"/api/pollingday/{seat.ons_code}/knockup").status_code == 200
    assert client.get(f"/pollingday/{seat.ons_code}/").status_code == 200
    assert AuditEvent.objects.filter(action="knockup.read", actor=users[Role.BRANCH_ORGANISER]).count() == 2
    client.force_login(users[Role.CANVASSER])
    client.get("/api/canvass/lists")
    synced = AuditEvent.objects.get(action="walklist.sync")
    assert synced.actor == users[Role.CANVASSER] and synced.rows == 3
