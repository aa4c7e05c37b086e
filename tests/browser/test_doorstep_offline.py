"""The doorstep app offline: 20 contacts recorded with no connection, a reload loses
nothing, the outbox empties when the connection comes back, and a resend doubles nothing."""

import json

import pytest
from playwright.sync_api import expect

from groundswell.accounts.models import Role
from groundswell.groundgame.models import (
    Constituency,
    Contact,
    Elector,
    Household,
    PollingDistrict,
    WalkList,
    WalkListDoor,
)
from groundswell.groundgame.services import walk_list_assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_list(branch, canvasser, n=20):
    seat = Constituency.objects.create(
        ons_code=branch.ons_code, name=branch.name, latitude=52.92, longitude=-1.5, branch=branch
    )
    district = PollingDistrict.objects.create(constituency=seat, code="NA1")
    wl = WalkList.objects.create(
        constituency=seat, polling_district=district, name="NA1-01", doors=n, electors=n
    )
    for i in range(1, n + 1):
        h = Household.objects.create(
            constituency=seat,
            polling_district=district,
            key=f"{i} high st",
            address_1=f"{i} High Street",
            postcode="DE22 1AB",
            street="High Street",
            house_number=i,
            latitude=52.92 + i * 1e-4,
            longitude=-1.5,
        )
        Elector.objects.create(
            constituency=seat,
            polling_district=district,
            household=h,
            elector_number=str(i),
            number_sort=i * 1000,
            first_name="Voter",
            last_name=f"Number{i}",
        )
        WalkListDoor.objects.create(walk_list=wl, household=h, position=i)
    walk_list_assign(walk_list=wl, user=canvasser)
    return seat, wl


def offline(context, on: bool):
    if on:
        context.route("**/*", lambda route: route.abort("internetdisconnected"))
        context.set_offline(True)
    else:
        context.unroute("**/*")
        context.set_offline(False)


def test_twenty_contacts_offline_survive_a_reload_and_sync_once(
    page, sign_in, users, branches, browser, live_server
):
    north, _ = branches
    canvasser = users[Role.CANVASSER]
    seat, wl = make_list(north, canvasser)
    sign_in(canvasser)
    page.goto("/canvass/")
    expect(page.get_by_test_id("elector")).to_have_count(20)
    # wait until the service worker controls the page (polled from Python: wait_for_function
    # evaluates a string, which the page's Content-Security-Policy rightly forbids)
    for _ in range(150):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the service worker never took control of the page")

    context = page.context
    offline(context, True)
    for i in range(1, 21):
        page.get_by_role("button", name=f"LAB for Voter Number{i}", exact=True).click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("20")
    assert Contact.objects.count() == 0  # nothing reached the server

    page.reload()  # still offline: the service worker serves the page, IndexedDB the data
    expect(page.get_by_test_id("elector")).to_have_count(20)
    expect(page.get_by_test_id("outbox-count")).to_have_text("20")
    expect(page.get_by_text("LAB (waiting to sync)")).to_have_count(20)
    outbox = page.evaluate("""() => new Promise((resolve) => {
        const req = indexedDB.open("groundswell-canvass");
        req.onsuccess = () => { const all = req.result.transaction("outbox").objectStore("outbox").getAll();
                                all.onsuccess = () => resolve(all.result); };
    })""")
    assert len(outbox) == 20 and Contact.objects.count() == 0

    offline(context, False)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=30_000)
    assert Contact.objects.filter(walk_list=wl).count() == 20

    organiser = browser.new_context(base_url=live_server.url).new_page()
    organiser.goto("/accounts/login/")
    organiser.get_by_label("Email").fill(users[Role.BRANCH_ORGANISER].email)
    organiser.get_by_label("Password").fill("correct horse battery staple")
    organiser.get_by_role("button", name="Sign in").click()
    organiser.goto(f"/dashboard/{seat.ons_code}/")
    expect(organiser.get_by_test_id("contacts")).to_have_text("20")

    # sending the same outbox again records nothing new
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    body = {"contacts": [{k: v for k, v in item.items() if k != "type"} for item in outbox]}
    again = page.request.post(
        "/api/canvass/contacts",
        data=json.dumps(body),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": token,
            "Referer": live_server.url + "/canvass/",
        },
    )
    assert again.ok and again.json()["created"] == 0 and again.json()["duplicates"] == 20
    assert Contact.objects.count() == 20
    organiser.reload()
    expect(organiser.get_by_test_id("contacts")).to_have_text("20")
