"""Walk lists a person can walk, checked on the demo register (synthetic people at real Derby
North postcodes and their points), and list names that survive re-cuts."""

import pytest

from groundswell.core.turf import walk_bound_m
from groundswell.groundgame import selectors, services
from groundswell.groundgame.demo import demo_groundgame
from groundswell.groundgame.models import Constituency, Household, WalkList, WalkListDoor
from groundswell.groundgame.sheets import walk_sheet_svg
from tests import factories


@pytest.fixture
def derby(db):
    demo_groundgame(organiser=None, n_electors=9000, postcode_areas=["DE"])
    return Constituency.objects.get(ons_code="E14000662")


def _lists(seat):
    doors = {}
    for wl_id, street, postcode in WalkListDoor.objects.filter(walk_list__constituency=seat).values_list(
        "walk_list_id", "household__street", "household__postcode"
    ):
        doors.setdefault(wl_id, []).append((street, postcode))
    return {wl.pk: (wl, doors.get(wl.pk, [])) for wl in WalkList.objects.filter(constituency=seat)}


def test_the_demo_register_lives_at_real_derby_postcodes(derby):
    homes = Household.objects.filter(constituency=derby)
    assert homes.count() > 2000
    postcodes = set(homes.values_list("postcode", flat=True))
    assert all(p.startswith("DE") for p in postcodes)
    from groundswell.groundgame.models import Postcode

    assert Postcode.objects.filter(postcode__in=postcodes).count() == len(postcodes)  # all real
    lat, lon = zip(*homes.values_list("latitude", "longitude"), strict=True)
    assert min(lat) > 52.88 and max(lat) < 52.98 and min(lon) > -1.6 and max(lon) < -1.4


def test_no_list_walks_further_than_its_bound_or_joins_two_streets_of_one_name(derby):
    lists = _lists(derby)
    assert len(lists) > 20
    # the demo has streets of one name in different postcode districts, in one polling district
    names = {}
    for street, postcode, district in Household.objects.filter(constituency=derby).values_list(
        "street", "postcode", "polling_district__code"
    ):
        names.setdefault((district, street), set()).add(postcode.split()[0])
    assert any(len(v) > 1 for v in names.values())
    for wl, doors in lists.values():
        assert wl.route_length_m is not None
        assert wl.route_length_m <= walk_bound_m(wl.doors), f"{wl.name}: {wl.route_length_m:.0f} m"
        by_name = {}
        for street, postcode in doors:
            by_name.setdefault(street, set()).add(postcode.split()[0])
        assert all(len(d) == 1 for d in by_name.values()), f"{wl.name} mixes {by_name}"
    sixty = [wl.route_length_m for wl, _ in lists.values() if 50 <= wl.doors <= 70]
    assert sixty and max(sixty) < 2000  # a 60-door urban list is well under 2 km


def test_list_names_stay_unique_after_three_re_cuts(derby, users):
    canvasser = factories.user("canvasser")
    seen_before = set(WalkList.objects.filter(constituency=derby).values_list("name", flat=True))
    for cut in range(3):
        # a list handed out before each re-cut is kept as it is
        wl = WalkList.objects.filter(constituency=derby, assignments__isnull=True).order_by("name")[cut]
        services.walk_list_assign(walk_list=wl, user=canvasser)
        services.turfs_cut(constituency=derby, doors=40 + 10 * cut)
        names = list(WalkList.objects.filter(constituency=derby).values_list("name", flat=True))
        assert len(names) == len(set(names))
        fresh = set(
            WalkList.objects.filter(constituency=derby, assignments__isnull=True).values_list(
                "name", flat=True
            )
        )
        assert not fresh & seen_before  # a name once printed never comes to mean other doors
        seen_before |= set(names)


def test_the_sheet_shows_each_doors_postcode_and_a_numbered_route(derby, client_as):
    from groundswell.accounts.models import Role

    wl = WalkList.objects.filter(constituency=derby).order_by("-doors").first()
    payload = selectors.walk_list_payload(wl)
    svg = str(walk_sheet_svg(payload))
    assert ">1</text>" in svg and "m</text>" in svg  # numbered stops and a scale bar
    assert payload["doors"][0]["street"] in svg  # streets named on the sketch
    client = client_as(Role.NATIONAL_ADMIN)
    csv = client.get(f"/walklists/list/{wl.pk}/sheet.csv").content.decode()
    assert payload["doors"][0]["postcode"] in csv
    pdf = client.get(f"/walklists/list/{wl.pk}/sheet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_walk_lists_page_pages_and_filters(derby, client_as):
    from groundswell.accounts.models import Role

    client = client_as(Role.NATIONAL_ADMIN)
    page = client.get(f"/walklists/{derby.ons_code}/").content.decode()
    assert page.count('name="walk_list"') == 25 and "page 1 of" in page
    district = WalkList.objects.filter(constituency=derby).first().polling_district.code
    only = client.get(f"/walklists/{derby.ons_code}/", {"district": district}).content.decode()
    n = WalkList.objects.filter(constituency=derby, polling_district__code=district).count()
    assert only.count('name="walk_list"') == min(n, 25)
