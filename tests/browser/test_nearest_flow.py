"""A volunteer finds the nearest target seat that needs people and signs up for a session."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groundswell.accounts.models import Role
from groundswell.groundgame import services
from groundswell.groundgame.models import Constituency, Election, Postcode, Result, SessionSignup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_enters_a_postcode_sees_seats_with_free_places_and_signs_up(page, sign_in, users):
    election = Election.objects.create(polling_day=date(2015, 5, 7), name="2015 general election")
    for code, name, lat, majority in (
        ("E14000662", "Derby North", 52.93, 41),
        ("E14000702", "Erewash", 52.95, 3584),
    ):
        seat = Constituency.objects.create(ons_code=code, name=name, latitude=lat, longitude=-1.4)
        Result.objects.create(
            election=election,
            constituency=seat,
            electorate=70_000,
            votes={"CON": 20_000 + majority, "LAB": 20_000},
            total_votes=40_000 + majority,
            winner="CON",
            runner_up="LAB",
            majority=majority,
            turnout=60.0,
        )
    Postcode.objects.create(postcode="DE22 1AB", latitude=52.93, longitude=-1.41)
    start = timezone.now() + timedelta(days=4)
    derby = Constituency.objects.get(name="Derby North")
    session = services.session_create(
        actor=None,
        constituency=derby,
        title="Saturday doors",
        meeting_point="Darley Park",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=12,
    )

    volunteer = users[Role.CANVASSER]
    sign_in(volunteer)
    page.goto("/nearest/")
    page.get_by_label("Your postcode").fill("de22 1ab")
    page.get_by_role("button", name="Find seats").click()
    seats = page.get_by_test_id("seat")
    expect(seats.first).to_contain_text("Derby North")
    expect(seats.first).to_contain_text("a 0.05-point swing wins it")
    expect(seats.first).to_contain_text("12 of 12 places free")
    expect(seats.nth(1)).to_contain_text("Erewash")
    page.get_by_role("button", name="Sign up for Saturday doors").click()
    expect(page.get_by_text("You are signed up", exact=True)).to_be_visible()
    expect(page.get_by_test_id("places")).to_have_text("11 of 12 places free")
    assert SessionSignup.objects.filter(session=session, user=volunteer).exists()


def test_an_unknown_postcode_is_explained(page, db):
    page.goto("/nearest/?postcode=ZZ99%209ZZ")
    expect(page.get_by_role("alert")).to_contain_text("do not know where ZZ99 9ZZ is")
