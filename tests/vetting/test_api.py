"""The vetting API: the same rules as the pages, checked before any input is read."""

import pytest

from groundswell.accounts.models import Role
from groundswell.vetting.models import Exclusion
from tests import factories
from tests.vetting.helpers import exclude, open_supporters_ballot, panel_member, supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(branches, users):
    north, south = branches
    sue, sam = supporter(north), supporter(south)
    ballot = open_supporters_ballot(users[Role.RETURNING_OFFICER])
    return ballot, sue, sam


def test_an_officer_proposes_through_the_api_within_their_branches_only(client, users, case):
    ballot, sue, sam = case
    client.force_login(users[Role.BRANCH_ORGANISER])
    body = {"ballot": ballot.pk, "person": sam.pk, "criterion": "abuse", "evidence": "Threats"}
    assert client.post("/api/vetting/exclusions", body, content_type="application/json").status_code == 404
    body["person"] = sue.pk
    r = client.post("/api/vetting/exclusions", body, content_type="application/json")
    assert r.status_code == 428 and "emailed" in r.json()["detail"]  # in force at once: confirm
    body["confirm"] = True
    r = client.post("/api/vetting/exclusions", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "in_force"
    assert [e["person"] for e in client.get("/api/vetting/exclusions").json()] == [sue.pk]
    client.force_login(users[Role.MEMBER])
    assert client.post("/api/vetting/exclusions", body, content_type="application/json").status_code == 403


def test_the_person_appeals_and_the_panel_decides_through_the_api(client, users, case):
    ballot, sue, _ = case
    ex = exclude(users[Role.NATIONAL_ADMIN], ballot, sue)
    client.force_login(users[Role.MEMBER])  # not Sue
    url = f"/api/me/exclusions/{ex.pk}/appeal"
    assert client.post(url, {"statement": "x"}, content_type="application/json").status_code == 404
    client.force_login(factories.user(person=sue))
    assert client.get("/api/me/exclusions").json()[0]["criterion"] == "abuse"
    r = client.post(url, {"statement": "Not me"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["appeal"]["statement"] == "Not me"
    appeal_id = r.json()["appeal"]["id"]
    decide = f"/api/vetting/appeals/{appeal_id}/decide"
    client.force_login(users[Role.NATIONAL_ADMIN])  # not on the panel
    assert (
        client.post(decide, {"allow": True, "reasons": "x"}, content_type="application/json").status_code
        == 403
    )
    client.force_login(panel_member(users[Role.NATIONAL_ADMIN]))
    r = client.post(decide, {"allow": True, "reasons": "Wrong person"}, content_type="application/json")
    assert r.status_code == 428
    r = client.post(
        decide, {"allow": True, "reasons": "Wrong person", "confirm": True}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["state"] == "reinstated"
    assert Exclusion.objects.get().appeal.paper == "no_paper"
