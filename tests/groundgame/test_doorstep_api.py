"""The doorstep app's undo and polling-day "has voted", played by the wrong canvasser."""

import json
import uuid

import pytest
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.groundgame.models import Contact, Elector, VoteMark
from tests import factories
from tests.browser.test_doorstep_offline import make_list


@pytest.fixture
def seat_and_list(branches, users):
    north, _ = branches
    return make_list(north, users[Role.CANVASSER], n=5)


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def record(client, elector, code="LAB"):
    cid = str(uuid.uuid4())
    body = {
        "contacts": [
            {"id": cid, "elector": elector.pk, "code": code, "recorded_at": timezone.now().isoformat()}
        ]
    }
    assert post(client, "/api/canvass/contacts", body).json()["created"] == 1
    return cid


def test_a_canvasser_can_undo_only_their_own_recent_tap(client, users, seat_and_list):
    elector = Elector.objects.first()
    client.force_login(users[Role.CANVASSER])
    mine = record(client, elector)
    # another volunteer (signed in, not on this list) tries to wipe it
    rival = factories.user(Role.CANVASSER)
    client.force_login(rival)
    refused = post(client, "/api/canvass/undo", {"id": mine})
    assert refused.status_code == 403 and "only the canvasser who recorded" in refused.json()["detail"]
    assert Contact.objects.filter(id=mine).exists()
    # the canvasser themself, within the half hour: gone; undoing again changes nothing
    client.force_login(users[Role.CANVASSER])
    assert post(client, "/api/canvass/undo", {"id": mine}).json() == {"undone": True}
    assert post(client, "/api/canvass/undo", {"id": mine}).json() == {"undone": False}
    assert not Contact.objects.filter(id=mine).exists()
    # an old tap is history, not a slip of the thumb
    old = record(client, elector)
    Contact.objects.filter(id=old).update(received_at=timezone.now() - timezone.timedelta(hours=2))
    assert post(client, "/api/canvass/undo", {"id": old}).status_code == 403


def test_only_electors_on_your_lists_can_be_marked_as_voted_from_the_doorstep(client, users, seat_and_list):
    elector = Elector.objects.first()
    rival = factories.user(Role.CANVASSER)
    client.force_login(rival)
    refused = post(client, "/api/canvass/voted", {"electors": [elector.pk]})
    assert refused.status_code == 403 and not VoteMark.objects.exists()
    client.force_login(users[Role.CANVASSER])
    assert post(client, "/api/canvass/voted", {"electors": [elector.pk]}).json() == {
        "marked": 1,
        "already": 0,
    }
    assert post(client, "/api/canvass/voted", {"electors": [elector.pk]}).json() == {
        "marked": 0,
        "already": 1,
    }
    assert VoteMark.objects.get().source == "doorstep"
