"""Walk lists, contacts, knock-up and who may see which elector."""

import uuid
from datetime import date

import pytest
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.groundgame import selectors, services
from groundswell.groundgame.models import (
    Constituency,
    Contact,
    Election,
    Elector,
    Household,
    PollingDistrict,
    RegisterCorrection,
    Result,
    WalkList,
)
from tests.browser.test_doorstep_offline import make_list


@pytest.fixture
def seat_and_list(branches, users):
    north, _ = branches
    return make_list(north, users[Role.CANVASSER], n=20)


def contact(elector, code="LAB", **extra):
    return {
        "id": str(uuid.uuid4()),
        "elector": elector.pk,
        "code": code,
        "recorded_at": timezone.now().isoformat(),
        **extra,
    }


def test_a_canvasser_cannot_see_or_record_an_elector_outside_their_lists(
    client, users, seat_and_list, branches
):
    seat, _wl = seat_and_list
    _, south = branches
    other_seat = Constituency.objects.create(ons_code=south.ons_code, name=south.name, branch=south)
    pd = PollingDistrict.objects.create(constituency=other_seat, code="SA1")
    h = Household.objects.create(
        constituency=other_seat, polling_district=pd, key="x", address_1="1 Far Road"
    )
    stranger = Elector.objects.create(
        constituency=other_seat,
        polling_district=pd,
        household=h,
        elector_number="1",
        number_sort=1000,
        last_name="Stranger",
    )
    mine = Elector.objects.filter(constituency=seat).first()
    client.force_login(users[Role.CANVASSER])
    assert client.get(f"/canvass/electors/{mine.pk}/").status_code == 200
    assert client.get(f"/canvass/electors/{stranger.pk}/").status_code == 404
    assert client.get(f"/api/canvass/electors/{stranger.pk}").status_code == 404
    import json

    response = client.post(
        "/api/canvass/contacts",
        json.dumps({"contacts": [contact(stranger)]}),
        content_type="application/json",
    )
    assert response.status_code == 403 and not Contact.objects.exists()
    lists = client.get("/api/canvass/lists").json()
    assert [x["name"] for x in lists] == ["NA1-01"] and len(lists[0]["doors"]) == 20


def test_resending_contacts_never_doubles_and_the_newer_contact_is_current(users, seat_and_list):
    seat, _wl = seat_and_list
    e = Elector.objects.filter(constituency=seat).first()
    first = [contact(e, "DK")]
    allowed = selectors.allowed_electors(users[Role.CANVASSER])
    assert (
        services.contacts_record(canvasser=users[Role.CANVASSER], items=first, allowed_electors=allowed)[
            "created"
        ]
        == 1
    )
    again = services.contacts_record(
        canvasser=users[Role.CANVASSER], items=first + first, allowed_electors=allowed
    )
    assert again["created"] == 0 and again["duplicates"] == 2
    later = contact(e, "LAB")
    services.contacts_record(canvasser=users[Role.MEMBER], items=[later], allowed_electors=None)
    assert Contact.objects.filter(elector=e).count() == 2
    assert selectors.latest_contacts([e.pk])[e.pk].code == "LAB"


def test_a_pledge_who_has_voted_drops_off_the_knock_up_list(users, seat_and_list):
    seat, _ = seat_and_list
    a, b, c = Elector.objects.filter(constituency=seat).order_by("number_sort")[:3]
    services.contacts_record(
        canvasser=None,
        allowed_electors=None,
        items=[contact(a, "LAB"), contact(b, "DK", pledged=True), contact(c, "CON")],
    )
    assert set(selectors.pledges_not_voted(seat).values_list("pk", flat=True)) == {a.pk, b.pk}
    lists = services.knockup_refresh(constituency=seat)
    assert sum(w.doors for w in lists) == 2
    result = services.tellers_record(constituency=seat, marks=[("NA1", a.elector_number), ("NA1", "999")])
    assert result["marked"] == 1 and result["unknown"] == ["NA1-999"]
    assert list(selectors.pledges_not_voted(seat).values_list("pk", flat=True)) == [b.pk]
    lists = services.knockup_refresh(constituency=seat)
    assert sum(w.doors for w in lists) == 1
    assert selectors.knockup_turnout(seat)["voted"] == 1
    assert services.tellers_record(constituency=seat, marks=[("NA1", a.elector_number)])["already"] == 1


def test_polling_day_page_takes_typed_returns(client, users, seat_and_list):
    seat, _ = seat_and_list
    a = Elector.objects.filter(constituency=seat).order_by("number_sort").first()
    services.contacts_record(canvasser=None, allowed_electors=None, items=[contact(a, "LAB")])
    client.force_login(users[Role.BRANCH_ORGANISER])
    page = client.get(f"/pollingday/{seat.ons_code}/")
    assert a.last_name in page.content.decode()
    client.post(f"/pollingday/{seat.ons_code}/", {"typed": f"NA1-{a.elector_number}"})
    page = client.get(f"/pollingday/{seat.ons_code}/")
    assert a.last_name not in page.content.decode() and "Every pledge has voted" in page.content.decode()


def test_recutting_keeps_assigned_lists(users, seat_and_list):
    seat, wl = seat_and_list
    extra_pd = PollingDistrict.objects.get(constituency=seat)
    for i in range(21, 61):
        h = Household.objects.create(
            constituency=seat,
            polling_district=extra_pd,
            key=f"{i} low st",
            address_1=f"{i} Low Street",
            street="Low Street",
            house_number=i,
        )
        Elector.objects.create(
            constituency=seat,
            polling_district=extra_pd,
            household=h,
            elector_number=str(i),
            number_sort=i * 1000,
            last_name="Low",
        )
    result = services.turfs_cut(constituency=seat, doors=20)
    assert result["kept"] == 1 and WalkList.objects.filter(pk=wl.pk).exists()
    others = WalkList.objects.exclude(pk=wl.pk)
    assert sum(w.doors for w in others) == 40 and all(15 <= w.doors <= 30 for w in others)


def test_walk_sheets_as_pdf_and_csv(client, users, seat_and_list):
    _seat, wl = seat_and_list
    client.force_login(users[Role.CANVASSER])
    pdf = client.get(f"/walklists/list/{wl.pk}/sheet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv_text = client.get(f"/walklists/list/{wl.pk}/sheet.csv").content.decode()
    assert csv_text.count("\n") == 21 and "Number1" in csv_text
    client.force_login(users[Role.MEMBER])
    assert client.get(f"/walklists/list/{wl.pk}/sheet.pdf").status_code == 404


def test_register_corrections_from_the_doorstep(users, seat_and_list):
    seat, _wl = seat_and_list
    h = Household.objects.filter(constituency=seat).first()
    item = {
        "id": str(uuid.uuid4()),
        "kind": "new",
        "household": h.pk,
        "first_name": "New",
        "last_name": "Person",
    }
    allowed = selectors.allowed_households(users[Role.CANVASSER])
    services.correction_submit(canvasser=users[Role.CANVASSER], item=item, allowed_households=allowed)
    services.correction_submit(canvasser=users[Role.CANVASSER], item=item, allowed_households=allowed)
    assert RegisterCorrection.objects.count() == 1


def test_analytics_compare_with_the_last_result(users, seat_and_list):
    seat, _ = seat_and_list
    election = Election.objects.create(polling_day=date(2015, 5, 7), name="2015 general election")
    Result.objects.create(
        election=election,
        constituency=seat,
        electorate=70_000,
        votes={"CON": 60, "LAB": 40},
        total_votes=100,
        winner="CON",
        runner_up="LAB",
        majority=20,
        turnout=60.0,
    )
    es = list(Elector.objects.filter(constituency=seat).order_by("number_sort")[:4])
    services.contacts_record(
        canvasser=None,
        allowed_electors=None,
        items=[
            contact(es[0], "LAB", previous_vote="UKIP"),
            contact(es[1], "CON", previous_vote="UKIP"),
            contact(es[2], "LAB"),
            contact(es[3], "NI"),
        ],
    )
    a = selectors.canvass_analytics(seat)
    assert a["overall"] == {"LAB": 2, "CON": 1}
    assert a["ukip_switchers"] == {"LAB": 1, "CON": 1}
    assert a["contacted"] == 4 and a["last_result"]["shares"] == {"CON": 60.0, "LAB": 40.0}


def test_cut_turfs_command(seat_and_list, capsys):
    from django.core.management import call_command

    seat, _ = seat_and_list
    call_command("cut_turfs", constituency=seat.ons_code, doors=10)
    assert "1 assigned lists kept" in capsys.readouterr().out


def test_two_canvassers_on_one_list_see_each_others_knocks(client, users, seat_and_list):
    import json

    seat, wl = seat_and_list
    services.walk_list_assign(walk_list=wl, user=users[Role.MEMBER])  # a second canvasser on the list
    e = Elector.objects.filter(constituency=seat).order_by("number_sort").first()
    client.force_login(users[Role.CANVASSER])
    client.post(
        "/api/canvass/contacts", json.dumps({"contacts": [contact(e, "AG")]}), content_type="application/json"
    )
    client.force_login(users[Role.MEMBER])
    doors = client.get("/api/canvass/lists").json()[0]["doors"]
    knocked = next(p for d in doors for p in d["electors"] if p["id"] == e.pk)
    assert knocked["last"]["code"] == "AG" and knocked["last"]["by"] == str(users[Role.CANVASSER])


def test_an_organiser_reviews_doorstep_corrections(client, users, seat_and_list):
    seat, _ = seat_and_list
    moved = Elector.objects.filter(constituency=seat).order_by("number_sort").first()
    household = moved.household
    allowed = selectors.allowed_households(users[Role.CANVASSER])
    gone = services.correction_submit(
        canvasser=users[Role.CANVASSER],
        allowed_households=allowed,
        item={"id": str(uuid.uuid4()), "kind": "moved", "household": household.pk, "elector": moved.pk},
    )
    new = services.correction_submit(
        canvasser=users[Role.CANVASSER],
        allowed_households=allowed,
        item={
            "id": str(uuid.uuid4()),
            "kind": "new",
            "household": household.pk,
            "first_name": "Nia",
            "last_name": "New",
        },
    )
    client.force_login(users[Role.BRANCH_ORGANISER])
    page = client.get(f"/register/{seat.ons_code}/").content.decode()
    assert "Nia New" in page and "Elector has moved away" in page
    client.post(f"/register/{seat.ons_code}/corrections/{gone.pk}/", {"action": "accept"})
    client.post(f"/register/{seat.ons_code}/corrections/{new.pk}/", {"action": "accept"})
    moved.refresh_from_db()
    assert moved.left_on is not None
    assert Elector.objects.filter(household=household, first_name="Nia", last_name="New").exists()
    client.force_login(users[Role.CANVASSER])
    assert (
        client.post(f"/register/{seat.ons_code}/corrections/{new.pk}/", {"action": "reject"}).status_code
        == 403
    )
