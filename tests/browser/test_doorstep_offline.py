"""The doorstep app offline: 20 contacts recorded with no connection, a reload loses
nothing, the outbox empties when the connection comes back, and a resend doubles nothing."""

import json

import pytest
from playwright.sync_api import expect

from groundswell.accounts.models import Role
from groundswell.groundgame import services
from groundswell.groundgame.models import (
    Constituency,
    Contact,
    Elector,
    Household,
    PollingDistrict,
    VoteMark,
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


def wait_for_worker(page):
    # polled from Python: wait_for_function evaluates a string, which the page's CSP forbids
    for _ in range(150):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never took control of the page")


def test_a_canvasser_works_ten_doors_one_handed_with_undo_and_a_dead_spot(
    page, sign_in, users, branches, browser, live_server
):
    """On a 390x844 phone: ten doors one at a time, one tap undone, the connection lost
    half-way and back; every contact reaches the server once, the sync bar never leaves the
    screen, and a polling-day knock-up list works in the same app."""
    north, _ = branches
    canvasser = users[Role.CANVASSER]
    seat, wl = make_list(north, canvasser, n=12)
    sign_in(canvasser)
    page.goto("/canvass/")
    expect(page.get_by_test_id("door-address")).to_have_text("1 High Street")
    expect(page.get_by_test_id("elector")).to_have_count(1)  # one door at a time
    wait_for_worker(page)
    bar = page.get_by_test_id("sync-bar")
    context = page.context

    def door(i, code="LAB"):
        expect(page.get_by_test_id("door-address")).to_have_text(f"{i} High Street")
        page.get_by_role("button", name=f"{code} for Voter Number{i}", exact=True).click()
        expect(page.get_by_test_id("last")).to_contain_text(code)
        expect(bar).to_be_in_viewport()
        page.get_by_role("button", name="Next door").click()

    for i in range(1, 5):
        door(i)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=30_000)
    # door 5: a slip of the thumb (CON), synced, then undone and tapped again
    page.get_by_role("button", name="CON for Voter Number5", exact=True).click()
    expect(page.get_by_test_id("last")).to_contain_text("CON by", timeout=30_000)  # on the server
    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("last")).to_have_text("not knocked", timeout=30_000)  # taken back there
    assert not Contact.objects.filter(code="CON").exists()
    door(5)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=30_000)

    offline(context, True)  # a dead spot: doors 6 to 10 with no connection
    for i in range(6, 11):
        door(i)
    expect(page.get_by_test_id("outbox-count")).to_have_text("5")
    expect(page.get_by_test_id("sync-state")).to_contain_text("Offline")
    page.mouse.wheel(0, 3000)
    expect(bar).to_be_in_viewport()
    page.reload()  # still offline: the worker serves the page, IndexedDB the list and outbox
    expect(page.get_by_test_id("outbox-count")).to_have_text("5")
    expect(page.get_by_test_id("door-address")).to_have_text("11 High Street")  # where we were
    assert Contact.objects.filter(walk_list=wl).count() == 5

    offline(context, False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=30_000)
    contacts = Contact.objects.filter(walk_list=wl)
    assert contacts.count() == 10  # ten doors, the undone tap gone, nothing doubled
    assert sorted(contacts.values_list("elector__last_name", flat=True)) == sorted(
        f"Number{i}" for i in range(1, 11)
    )
    assert set(contacts.values_list("code", flat=True)) == {"LAB"}

    # the compact index jumps to a door
    page.get_by_role("button", name="List").click()
    page.get_by_test_id("index").get_by_role("button", name="3. 3 High Street ✓").click()
    expect(page.get_by_test_id("door-address")).to_have_text("3 High Street")

    # polling day: pledges not yet voted, cut into a knock-up list handed to this canvasser
    contacts.exclude(elector__last_name__in=["Number2", "Number4"]).update(code="CON")
    contacts.filter(elector__last_name__in=["Number2", "Number4"]).update(pledged=True)
    VoteMark.objects.create(elector=Elector.objects.get(last_name="Number4"))
    knock = services.knockup_refresh(constituency=seat)
    walk_list_assign(walk_list=knock[0], user=canvasser)
    page.reload()
    expect(page.locator("#list-pick option")).to_have_count(2, timeout=30_000)
    page.get_by_label("Walk list").select_option(label=f"Knock-up {knock[0].name} ({knock[0].doors})")
    expect(page.get_by_test_id("elector")).to_have_count(1)
    page.get_by_role("button", name="Voted: Voter Number2").click()
    # sent, and the refreshed list no longer asks anyone to knock on that door
    expect(page.get_by_text("Everyone here has voted.")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0")
    assert VoteMark.objects.filter(elector__last_name="Number2", source="doorstep").exists()
    expect(bar).to_be_in_viewport()


def test_twenty_contacts_offline_survive_a_reload_and_sync_once(
    page, sign_in, users, branches, browser, live_server
):
    north, _ = branches
    canvasser = users[Role.CANVASSER]
    seat, wl = make_list(north, canvasser)
    sign_in(canvasser)
    page.goto("/canvass/")
    expect(page.get_by_test_id("elector")).to_have_count(1)
    wait_for_worker(page)

    context = page.context
    offline(context, True)
    for i in range(1, 21):
        page.get_by_role("button", name=f"LAB for Voter Number{i}", exact=True).click()
        page.get_by_role("button", name="Next door").click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("20")
    assert Contact.objects.count() == 0  # nothing reached the server

    page.reload()  # still offline: the service worker serves the page, IndexedDB the data
    expect(page.get_by_test_id("outbox-count")).to_have_text("20")
    page.get_by_role("button", name="List").click()
    expect(page.get_by_test_id("index").locator("li.done")).to_have_count(20)
    outbox = page.evaluate("""() => new Promise((resolve) => {
        const req = indexedDB.open("groundswell-canvass");
        req.onsuccess = () => { const all = req.result.transaction("outbox").objectStore("outbox").getAll();
                                all.onsuccess = () => resolve(all.result); };
    })""")
    assert len(outbox) == 20 and Contact.objects.count() == 0

    offline(context, False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
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
