"""Canvass sessions (places claimed safely) and nearest marginal against the database."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.groundgame import selectors, services
from groundswell.groundgame.models import CanvassSession, Constituency, Election, Postcode, Result
from tests import factories


@pytest.fixture
def seats(db):
    """Two Conservative-held seats Labour can win, 11 km apart, results of one election."""
    election = Election.objects.create(polling_day=date(2015, 5, 7), name="2015 general election")
    near = Constituency.objects.create(ons_code="E14000001", name="Nearby", latitude=52.9, longitude=-1.5)
    next_ = Constituency.objects.create(ons_code="E14000002", name="Next door", latitude=53.0, longitude=-1.5)
    for seat in (near, next_):
        Result.objects.create(
            election=election,
            constituency=seat,
            electorate=70_000,
            votes={"CON": 20_000, "LAB": 19_000},
            total_votes=39_000,
            winner="CON",
            runner_up="LAB",
            majority=1_000,
            turnout=55.7,
        )
    return near, next_


def session(seat, capacity=2, days=2):
    start = timezone.now() + timedelta(days=days)
    return services.session_create(
        actor=None,
        constituency=seat,
        title=f"Canvass {seat.name}",
        meeting_point="Library",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=capacity,
    )


def test_the_last_place_cannot_be_taken_twice(seats, users):
    s = session(seats[0], capacity=1)
    services.session_signup(session=s, user=users[Role.MEMBER])
    with pytest.raises(services.GroundGameError, match="full"):
        services.session_signup(session=s, user=users[Role.CANVASSER])
    with pytest.raises(services.GroundGameError, match="already signed up"):
        services.session_signup(session=s, user=users[Role.MEMBER])
    services.session_cancel_signup(session=s, user=users[Role.MEMBER])
    services.session_signup(session=s, user=users[Role.CANVASSER])
    s.refresh_from_db()
    assert s.signed_up == 1


def test_full_sessions_send_volunteers_to_the_next_seat(seats, users):
    near, next_ = seats
    first = session(near, capacity=1)
    session(next_, capacity=20)
    found = selectors.nearest_marginals(latitude=52.9, longitude=-1.5, party="LAB", limit=2)
    assert [n.suggestion.seat.ons_code for n in found] == ["E14000001", "E14000002"]
    services.session_signup(session=first, user=users[Role.MEMBER])  # now full
    found = selectors.nearest_marginals(latitude=52.9, longitude=-1.5, party="LAB", limit=2)
    assert [n.suggestion.seat.ons_code for n in found] == ["E14000002", "E14000001"]
    assert "20 of 20 places free" in found[0].suggestion.reasons[2]


def test_postcodes_resolve_and_bad_ones_are_explained(db):
    Postcode.objects.create(postcode="DE22 1AB", latitude=52.93, longitude=-1.50)
    assert tuple(selectors.postcode_location("de221ab")) == (52.93, -1.50)
    with pytest.raises(selectors.PostcodeNotFound, match="not a UK postcode"):
        selectors.postcode_location("12345")
    with pytest.raises(selectors.PostcodeNotFound, match="do not know where DE99 9ZZ is, nor its district"):
        selectors.postcode_location("DE99 9ZZ")


def test_an_organiser_sees_only_their_own_seats_register(client, users, branches):
    north, south = branches
    Constituency.objects.create(ons_code=north.ons_code, name=north.name, branch=north)
    Constituency.objects.create(ons_code=south.ons_code, name=south.name, branch=south)
    client.force_login(users[Role.BRANCH_ORGANISER])
    assert client.get(f"/register/{north.ons_code}/").status_code == 200
    assert client.get(f"/register/{south.ons_code}/").status_code == 404
    assert client.get(f"/api/register/{south.ons_code}").status_code == 404


def test_import_results_and_the_targets_command(db, capsys):
    call_command("import_results", years="2015,2017")
    out = capsys.readouterr().out
    assert "2015: 650 seats" in out and "Open Parliament Licence" in out
    call_command("targets", party="LAB", election=2015, attack=True, limit=2, json=True)
    import json

    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["majority"]) for r in rows] == [("Gower", 27), ("Derby North", 41)]
    call_command("nearest", at="52.92,-1.52", election=2015, json=True)
    nearest = json.loads(capsys.readouterr().out)
    assert nearest[0]["name"] == "Derby North" and nearest[0]["distance_km"] < 1


def test_nearest_api_by_postcode(client, seats):
    Postcode.objects.create(postcode="DE22 1AB", latitude=52.9, longitude=-1.5)
    session(seats[0])
    data = client.get("/api/nearest?postcode=DE22%201AB").json()
    assert data[0]["ons_code"] == "E14000001" and data[0]["sessions"][0]["free"] == 2
    response = client.get("/api/nearest?postcode=ZZ1%201ZZ")
    assert response.status_code == 404 and "do not know where" in response.json()["detail"]


def test_sessions_api_create_and_sign_up(client, users, branches):
    north, _ = branches
    Constituency.objects.create(ons_code=north.ons_code, name=north.name, branch=north)
    client.force_login(users[Role.BRANCH_ORGANISER])
    start = timezone.now() + timedelta(days=1)
    import json

    created = client.post(
        "/api/sessions",
        json.dumps(
            {
                "ons_code": north.ons_code,
                "title": "Doors",
                "meeting_point": "Station",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=2)).isoformat(),
                "capacity": 1,
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    sid = created.json()["id"]
    client.force_login(users[Role.CANVASSER])
    assert client.post(f"/api/sessions/{sid}/signup").json()["free"] == 0
    client.force_login(factories.user(Role.MEMBER))
    assert client.post(f"/api/sessions/{sid}/signup").status_code == 409
    assert CanvassSession.objects.get(pk=sid).signed_up == 1
