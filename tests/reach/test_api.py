"""The phone bank API: the same rules as the pages (a caller gets only their household's
number, an organiser builds only over their own branch)."""

import json
from datetime import time

import pytest

from groundswell.accounts.models import Role
from groundswell.groundgame.models import Contact
from groundswell.reach.models import PhoneBank
from tests import factories
from tests.reach.helpers import seat_with_phones


@pytest.fixture
def api_bank(client, users, branches):
    north, south = branches
    seat_with_phones(north, n=2)
    client.force_login(users[Role.BRANCH_ORGANISER])
    raid = client.post(
        "/api/phonebanks",
        json.dumps({"branch": south.ons_code, "name": "Raid"}),
        content_type="application/json",
    )
    assert raid.status_code == 403
    made = client.post(
        "/api/phonebanks",
        json.dumps({"branch": north.ons_code, "name": "API calls"}),
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["progress"]["total"] == 2
    PhoneBank.objects.update(opens=time(0), closes=time(23, 59, 59))
    return made.json()["code"]


def test_a_caller_takes_a_household_and_saves_its_result_and_another_cannot(client, api_bank):
    ann = factories.user(Role.CANVASSER, email="ann@example.org")
    bob = factories.user(Role.CANVASSER, email="bob@example.org")
    client.force_login(ann)
    assert client.post(f"/api/call/{api_bank}/next").status_code == 404  # not joined
    assert client.post(f"/api/call/{api_bank}/join").status_code == 204
    mine = client.post(f"/api/call/{api_bank}/next").json()
    assert mine["number"].startswith("+447700900")
    client.force_login(bob)
    client.post(f"/api/call/{api_bank}/join")
    theirs = client.post(f"/api/call/{api_bank}/next").json()
    assert theirs["id"] != mine["id"]
    body = json.dumps({"outcome": "answered", "code": "LAB"})
    stolen = client.post(
        f"/api/call/{api_bank}/targets/{mine['id']}/result", body, content_type="application/json"
    )
    assert stolen.status_code == 404 and not Contact.objects.exists()
    client.force_login(ann)
    ok = client.post(
        f"/api/call/{api_bank}/targets/{mine['id']}/result", body, content_type="application/json"
    )
    assert ok.status_code == 204
    assert list(Contact.objects.values_list("channel", "code")) == [("phone", "LAB")]
    assert client.post(f"/api/call/{api_bank}/next").status_code == 204  # bob holds the other one
