"""The live phone-bank dashboard and its API: the organiser of a branch sees its banks'
calls, people reached, results by code and callers active, and no other branch's, by page,
by the htmx partial or by the API."""

import json
from datetime import time

import pytest

from groundswell.accounts.models import Role
from groundswell.reach import services
from groundswell.reach.models import PhoneBank
from tests import factories
from tests.reach.helpers import seat_with_phones


@pytest.fixture
def banks(branches, users):
    north, south = branches
    seat_with_phones(north, n=4)
    seat_with_phones(south, n=2, prefix="07700 901")
    mine = services.phone_bank_create(user=users[Role.BRANCH_ORGANISER], branch=north, name="North calls")
    theirs = services.phone_bank_create(user=users[Role.NATIONAL_ADMIN], branch=south, name="South calls")
    PhoneBank.objects.update(opens=time(0), closes=time(23, 59, 59))
    mine.refresh_from_db()
    return mine, theirs


def work(bank, name, outcome, code=""):
    u = factories.user(Role.CANVASSER, email=f"{name}@example.org")
    services.phone_bank_join(user=u, code=bank.code)
    t = services.call_next(bank=bank, user=u)
    services.call_wrap_up(bank=bank, user=u, target_id=t.pk, outcome=outcome, survey={"code": code})
    return u


def test_the_dashboard_counts_calls_people_reached_results_by_code_and_callers(client, users, banks):
    mine, theirs = banks
    work(mine, "ann", "answered", "LAB")
    work(mine, "bob", "answered", "CON")
    work(mine, "cat", "busy")
    client.force_login(users[Role.BRANCH_ORGANISER])
    page = client.get(f"/phonebanks/{mine.pk}/").content.decode()
    assert "data-calls>3<" in page and "data-contacts>2<" in page and "data-active>3<" in page
    assert "People reached, by code" in page and "<svg" in page and 'hx-trigger="every 5s"' in page
    partial = client.get(f"/phonebanks/{mine.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="bank-dashboard"') and "<html" not in partial
    assert client.get(f"/phonebanks/{theirs.pk}/", headers={"HX-Request": "true"}).status_code == 404
    api = client.get(f"/api/phonebanks/{mine.pk}").json()
    assert api["progress"]["calls"] == 3 and api["progress"]["codes"] == {"LAB": 1, "CON": 1}
    assert api["progress"]["active"] == 3 and api["turnout"] is None
    assert client.get(f"/api/phonebanks/{theirs.pk}").status_code == 404


def test_the_api_lists_the_banks_of_the_organisers_branches_only(client, users, banks):
    assert len(banks) == 2
    client.force_login(users[Role.BRANCH_ORGANISER])
    assert [b["name"] for b in client.get("/api/phonebanks").json()] == ["North calls"]
    client.force_login(users[Role.NATIONAL_ADMIN])
    assert {b["name"] for b in client.get("/api/phonebanks").json()} == {"North calls", "South calls"}
    client.force_login(users[Role.CANVASSER])
    assert client.get("/api/phonebanks").status_code == 403


def test_a_members_list_through_the_api(client, users, branches):
    north, south = branches
    p = factories.person(branch=north, first_name="Mina")
    p.phone = "07700 900123"
    p.save(update_fields=["phone"])
    client.force_login(users[Role.BRANCH_ORGANISER])
    made = client.post(
        "/api/phonebanks",
        json.dumps({"branch": north.ons_code, "name": "Volunteers", "segment": "members"}),
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["progress"]["total"] == 1
    raid = client.post(
        "/api/phonebanks",
        json.dumps({"branch": south.ons_code, "name": "Raid", "segment": "members"}),
        content_type="application/json",
    )
    assert raid.status_code == 403
    PhoneBank.objects.update(opens=time(0), closes=time(23, 59, 59))
    code = made.json()["code"]
    client.force_login(factories.user(Role.CANVASSER, email="ann@example.org"))
    client.post(f"/api/call/{code}/join")
    held = client.post(f"/api/call/{code}/next").json()
    assert held["kind"] == "member" and held["name"].startswith("Mina") and held["number"] == "+447700900123"
    bad = client.post(
        f"/api/call/{code}/targets/{held['id']}/result",
        json.dumps({"outcome": "answered"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    ok = client.post(
        f"/api/call/{code}/targets/{held['id']}/result",
        json.dumps({"outcome": "answered", "result": "will_volunteer"}),
        content_type="application/json",
    )
    assert ok.status_code == 204
    client.force_login(users[Role.BRANCH_ORGANISER])
    dash = client.get(f"/api/phonebanks/{made.json()['id']}").json()
    assert dash["progress"]["results"] == {"will_volunteer": 1}
