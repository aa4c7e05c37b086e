"""The ballots API: a returning officer runs a ballot, electors vote with codes, anyone checks."""

import json
from datetime import timedelta

from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.ballots.models import Ballot, Elector
from tests.ballots.factories import code_for
from tests.factories import PASSWORD


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_a_ballot_run_end_to_end_through_the_api(client, users, django_capture_on_commit_callbacks):
    client.force_login(users[Role.RETURNING_OFFICER])
    now = timezone.now()
    created = post(
        client,
        "/api/ballots",
        {
            "title": "Chair",
            "method": "irv",
            "seats": 1,
            "candidates": ["Ann", "Bob"],
            "eligible_categories": ["member"],
            "freeze_date": str(now.date()),
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(days=1)).isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    ballot_id = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        opened = post(client, f"/api/ballots/{ballot_id}/open")
    assert opened.json()["status"] == "opening"
    assert client.get(f"/api/ballots/{ballot_id}").json()["status"] == "open"

    code = code_for(
        Ballot.objects.get(pk=ballot_id), Elector.objects.filter(ballot_id=ballot_id).first().person
    )
    client.logout()
    voted = post(client, "/api/vote", {"credential": code, "ranking": ["Bob", "Ann"]})
    assert voted.status_code == 201
    tracker = voted.json()["tracker"]
    assert post(client, "/api/vote", {"credential": code, "ranking": ["Ann"]}).status_code == 409
    assert post(client, "/api/vote", {"credential": "WRONG", "ranking": ["Ann"]}).status_code == 403
    assert client.get(f"/api/results/{ballot_id}").status_code == 404  # not published yet

    client.force_login(users[Role.RETURNING_OFFICER])
    early = post(client, f"/api/ballots/{ballot_id}/close")
    assert early.status_code == 428 and "Confirm" in early.json()["detail"]  # closing early needs confirming
    post(client, f"/api/ballots/{ballot_id}/close", {"confirm": True})
    assert post(client, f"/api/ballots/{ballot_id}/share", {"password": "guess"}).status_code == 403
    share = post(client, f"/api/ballots/{ballot_id}/share", {"password": PASSWORD}).json()["share"]
    assert post(client, f"/api/ballots/{ballot_id}/count", {"shares": ["wrong " * 33]}).status_code == 422
    assert post(client, f"/api/ballots/{ballot_id}/count", {"shares": [share]}).json()["status"] == "counted"
    assert post(client, f"/api/ballots/{ballot_id}/publish").status_code == 428  # publishing needs confirming
    with django_capture_on_commit_callbacks(execute=True):  # the task writes the files
        assert post(client, f"/api/ballots/{ballot_id}/publish", {"confirm": True}).status_code == 200
    assert client.get(f"/api/ballots/{ballot_id}").json()["status"] == "published"
    client.logout()
    result = client.get(f"/api/results/{ballot_id}").json()
    assert result["result"]["winners"] == ["Bob"] and result["result"]["version"] == 1
    assert {f["name"] for f in result["files"]} == {
        "ballots.blt",
        "ballots.csv",
        "trackers.txt",
        "result.json",
        "board.jsonl",
        "marked_register.json",
        "manifest.json",
    }
    assert client.get(f"/api/results/{ballot_id}/trackers/{tracker}").json()["counted"] is True
    assert client.get(f"/api/results/{ballot_id}/trackers/{'f' * 32}").json()["counted"] is False


def test_a_bad_ballot_is_refused_with_the_reason(client, users):
    client.force_login(users[Role.RETURNING_OFFICER])
    now = timezone.now()
    response = post(
        client,
        "/api/ballots",
        {
            "title": "x",
            "method": "irv",
            "seats": 2,
            "candidates": ["Ann", "Bob", "Cat"],
            "eligible_categories": ["member"],
            "freeze_date": str(now.date()),
            "opens_at": now.isoformat(),
            "closes_at": (now + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422 and "use STV" in response.json()["detail"]
