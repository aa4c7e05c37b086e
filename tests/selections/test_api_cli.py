"""The API and CLI answer as the pages do: the applicant's own nominations, the panel's
audited read, 404 for another branch; the CLI reports a selection and a trigger ballot."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from groundswell.accounts.models import AuditEvent, Role
from groundswell.selections import services
from tests import factories
from tests.selections.test_selections import TT, apply, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    a, b = factories.branch(), factories.branch()
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    s = services.selection_create(actor=org, branch=a, title="North", timetable=TT)
    jo = member(a, first="Jo")
    app = apply(jo, s)
    apply(member(a, first="Sam"), s, gender="man")
    unite = services.affiliate_set_kind(
        actor=factories.user(Role.NATIONAL_ADMIN), name="Unite", kind="trade_union"
    )
    return a, b, org, s, jo, app, unite


def test_the_api_shows_an_applicant_their_nominations_and_hides_the_selection_from_other_branches(
    setup, client
):
    _a, b, org, s, jo, app, unite = setup
    client.force_login(org)
    r = client.post(
        f"/api/selections/{s.pk}/nominations",
        {"application": app.pk, "affiliate": unite.pk, "decided_by": "Regional committee",
         "decided_on": "2026-11-20", "minutes_ref": "RC 4"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201, r.content
    client.force_login(jo)
    mine = client.get(f"/api/selections/{s.pk}").json()["mine"]
    assert mine["status"] == "applied" and [n["body"] for n in mine["nominations"]] == ["Unite"]
    assert client.get(f"/api/selections/{s.pk}/applications").status_code == 403
    assert client.get(f"/api/selections/{s.pk}/nominations").status_code == 403
    client.force_login(member(b))
    assert client.get(f"/api/selections/{s.pk}").status_code == 404
    assert client.get("/api/selections").json() == []
    client.force_login(factories.user(Role.BRANCH_ORGANISER, branch=b))
    assert client.get(f"/api/selections/{s.pk}/applications").status_code == 404


def test_the_panels_api_read_is_audited_and_decisions_need_a_reason(setup, client):
    _a, _b, org, s, _jo, app, _unite = setup
    client.force_login(org)
    rows = client.get(f"/api/selections/{s.pk}/applications").json()
    assert (
        len(rows) == 2 and AuditEvent.objects.filter(action="selections.applications_read", rows=2).exists()
    )
    url = f"/api/selections/{s.pk}/applications/{app.pk}/decisions"
    bad = client.post(
        url, {"stage": "longlist", "include": True, "reason": " "}, content_type="application/json"
    )
    assert bad.status_code == 422 and "reason" in bad.json()["detail"]
    ok = client.post(
        url, {"stage": "longlist", "include": True, "reason": "Good"}, content_type="application/json"
    )
    assert ok.status_code == 201


def test_cli_reports_a_selection_and_a_trigger_ballot(setup, capsys):
    a, _b, org, s, _jo, app, unite = setup
    services.nomination_record(
        actor=org, selection=s, application=app, affiliate=unite, decided_by="RC",
        decided_on=date(2026, 11, 20), minutes_ref="RC 4", today=date(2026, 11, 25),
    )  # fmt: skip
    call_command("selection", str(s.pk), "--json")
    r = json.loads(capsys.readouterr().out)
    assert r["version"] == 1 and r["applications"] == 2
    assert r["nominations"][0]["by"] == "Unite" and r["nominations"][0]["nominee"].startswith("Jo ")
    t = services.trigger_create(
        actor=org, branch=a, title="T", representative="R", thresholds={"branch": "1/3"}
    )
    services.trigger_section_record(
        actor=org, trigger=t, kind="branch", name="Darley", votes_for=3, votes_against=1, minutes_ref="m"
    )
    call_command("trigger_result", str(t.pk))
    out = capsys.readouterr().out
    assert "PROVISIONAL" in out and "TRIGGERED" in out
    services.trigger_publish(actor=org, trigger=t, confirm=True)
    call_command("trigger_result", str(t.pk), "--json")
    assert json.loads(capsys.readouterr().out)["published"] is True
