"""The lifecycle through the API: the same rules, scoping and refusals as the pages."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.lifecycle import services
from groundswell.lifecycle.models import Rate, Subscription
from tests import factories
from tests.ballots.factories import draft_ballot

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_standing_as_at_a_date_and_the_organisers_scope(client):
    north, south = factories.branch("E14000662", "Derby North"), factories.branch("E14000663", "Derby South")
    rate = Rate.objects.create(name="standard monthly", amount_pence=400, grace_months=6)
    m = factories.person(branch=north, joined_on=date(2016, 1, 1)).memberships.get()
    other = factories.person(branch=south, joined_on=date(2016, 1, 1)).memberships.get()
    for x in (m, other):
        Subscription.objects.create(membership=x, rate=rate)
    data = (
        "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,"
        f"Credit Amount,Balance\n01/01/2016,FPI,,,{m.membership_number},,12.00,0\n"
    ).encode()
    services.payments_import(user=None, fmt="bank_csv", filename="b.csv", data=data)
    client.force_login(factories.user(Role.BRANCH_ORGANISER, branch=north))
    got = client.get(f"/api/memberships/{m.pk}/standing?on=2016-05-01").json()
    assert (got["state"], got["in_arrears_since"]) == ("in_arrears", "2016-04-01")
    assert client.get(f"/api/memberships/{m.pk}/standing?on=2016-02-01").json()["state"] == "good_standing"
    assert client.get(f"/api/memberships/{other.pk}/standing").status_code == 404
    assert client.get("/api/rates").json()[0]["amount_pence"] == 400


def test_rules_are_published_with_confirmation_and_read_by_anyone(client):
    ro = factories.user(Role.RETURNING_OFFICER)
    ballot = draft_ballot(ro, opens_in=timedelta(days=1), closes_in=timedelta(days=2))
    client.force_login(ro)
    doc = {
        "categories": ["member"],
        "freeze_date": ballot.freeze_date.isoformat(),
        "min_membership_months": 6,
    }
    assert post(client, f"/api/eligibility/{ballot.pk}", {"document": doc}).status_code == 428
    made = post(client, f"/api/eligibility/{ballot.pk}", {"document": doc, "confirm": True})
    assert made.status_code == 201 and made.json()["versions"][0]["number"] == 1
    bad = post(
        client, f"/api/eligibility/{ballot.pk}", {"document": {"freeze_date": "soon"}, "confirm": True}
    )
    assert bad.status_code == 400 and "freeze_date" in bad.json()["detail"]
    client.logout()
    public = client.get(f"/api/eligibility/{ballot.pk}").json()
    assert public["versions"][0]["document"]["min_membership_months"] == 6


def test_a_supporter_signs_up_through_the_api_only_while_the_window_is_open(client):
    now = timezone.now()
    window = services.window_create(
        user=None, slug="api", name="API window", fee_pence=300, branch=factories.branch(),
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
    )  # fmt: skip
    body = {"first_name": "Al", "last_name": "Api", "email": "al@example.org", "postcode": "DE1 1AA",
            "declared": True, "fee_reference": "API-0001"}  # fmt: skip
    assert post(client, "/api/supporter-windows/api/signups", body).json()["registered"] is True
    window.opens_at, window.closes_at = now - timedelta(days=3), now - timedelta(days=1)
    window.save()
    late = post(client, "/api/supporter-windows/api/signups", {**body, "email": "late@example.org"})
    assert late.status_code == 409 and "closed on" in late.json()["detail"]
