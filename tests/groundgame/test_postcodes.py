"""Every GB postcode from OS Code-Point Open: the import (all or nothing), lookups with a
fallback to the sector or district that the page admits to, and nearest marginal from real
places that respects geography."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from groundswell.core.formats.errors import FormatError
from groundswell.core.geo import codepoint
from groundswell.groundgame import selectors, services
from groundswell.groundgame.models import Constituency, Postcode, PostcodeArea

REAL = services.bundled_codepoint_path()
# the places the issue names, by real postcodes (their town centres)
PLACES = {
    "Penzance": "TR18 2QA",
    "Durham": "DH1 3NJ",
    "Inverness": "IV1 1PB",
    "Holyhead": "LL65 1AW",
    "Derby": "DE1 3AH",
}


def _sample_zip(tmp_path, per_area=6, extra=(), broken: str | None = None):
    """A Code-Point Open zip of the same shape as the real one, holding a few real rows
    (first, middle, last, ...) of every postcode area, plus the rows of `extra` postcodes'
    sectors. `broken` replaces one row of de.csv."""
    out = tmp_path / "codepo_sample.zip"
    samples: dict[str, list[str]] = {}
    sectors = {codepoint.sector_of(p) for p in extra}
    with zipfile.ZipFile(REAL) as z, zipfile.ZipFile(out, "w") as w:
        for name in z.namelist():
            if not (name.startswith("Data/CSV/") and name.endswith(".csv")):
                continue
            lines = z.read(name).decode("utf-8").splitlines()
            step = max(1, len(lines) // per_area)
            keep = lines[::step]
            keep += [ln for ln in lines if ln.split(",", 1)[0].strip('"')[:-2] in sectors and ln not in keep]
            if broken and name.endswith("/de.csv"):
                keep[2] = broken
            samples[name] = keep
            w.writestr(name, "\n".join(keep) + "\n")
    return out, samples


@pytest.fixture
def gb(db, tmp_path):
    """Results of the real general elections and a sample of every postcode area, plus the
    sectors of the five places."""
    services.results_import()
    path, samples = _sample_zip(tmp_path, extra=PLACES.values())
    services.postcodes_import_codepoint(path=path)
    return samples


def test_a_sample_of_real_postcodes_from_every_area_resolves(gb):
    areas = {name.rsplit("/", 1)[1][:-4].upper() for name in gb}
    assert len(areas) == 120  # every postcode area in Great Britain
    checked = 0
    for lines in gb.values():
        for line in lines:
            cells = line.replace('"', "").split(",")
            if cells[1] == "90":  # Code-Point has no point for these: not imported, said so
                continue
            place = selectors.postcode_location(cells[0].lower().replace(" ", ""))
            assert place.precision == "postcode" and place.postcode == cells[0]
            assert 49.8 < place.latitude < 61 and -8.7 < place.longitude < 1.8
            assert place.country in "EWS"
            checked += 1
    assert checked > 700
    # the conversion from the British National Grid puts Derby's Council House where it is
    derby = selectors.postcode_location("DE1 3AH")
    assert derby.latitude == pytest.approx(52.92, abs=0.01)
    assert derby.longitude == pytest.approx(-1.47, abs=0.01)


def test_an_unknown_postcode_in_a_known_district_falls_back_and_says_so(gb, client):
    place = selectors.postcode_location("DE1 3ZZ")  # not a real postcode; its sector is
    assert place.precision == "sector" and place.found_as == "DE1 3"
    assert "We do not have DE1 3ZZ itself" in place.note and "sector DE1 3" in place.note
    known = selectors.postcode_location("DE1 3AH")
    assert abs(place.latitude - known.latitude) < 0.03
    district = selectors.postcode_location("DE1 9ZZ")  # a sector not in the file either
    assert district.precision == "district" and "district DE1." in district.note
    with pytest.raises(selectors.PostcodeNotFound, match="nor its district"):
        selectors.postcode_location("ZZ9 9ZZ")
    page = client.get("/nearest/", {"postcode": "DE1 3ZZ"}).content.decode()
    assert "We do not have DE1 3ZZ itself" in page and "Derby North" in page
    assert "Contains OS data © Crown copyright" in page  # attribution where the data is used


# The rule (core/geo/crossings.py): the distance to a seat is as the crow flies inside the
# volunteer's nation, and by way of a road crossing of the border into another nation.
@pytest.mark.parametrize(
    ("town", "nation", "first_within_km"),
    [
        ("Penzance", "England", 120),  # Cornwall or Devon, never Wales over the Bristol Channel
        ("Durham", "England", 40),
        ("Inverness", "Scotland", 250),  # Scotland's nearest Labour targets are in the Central Belt
        ("Holyhead", "Wales", 40),  # Ynys Môn and Gwynedd, not Liverpool over the Irish Sea
        ("Derby", "England", 10),  # Derby North itself
    ],
)
def test_volunteers_get_seats_they_can_reach(gb, town, nation, first_within_km):
    place = selectors.postcode_location(PLACES[town])
    found = selectors.nearest_marginals(
        latitude=place.latitude, longitude=place.longitude, party="LAB", nation=place.country, limit=5
    )
    assert found
    nations = {c.ons_code: c.country for c in Constituency.objects.all()}
    first = found[0].suggestion
    assert nations[first.seat.ons_code] == nation and first.distance_km < first_within_km
    for n in found:
        s = n.suggestion
        assert nations[s.seat.ons_code] == nation or s.via, f"{town}: {s.seat.name} is abroad with no route"
    if town == "Penzance":
        counties = {c.ons_code: c.county for c in Constituency.objects.all()}
        assert {counties[n.suggestion.seat.ons_code] for n in found[:3]} <= {"Cornwall", "Devon"}
        for n in found:  # Wales only by road, round the Bristol Channel (crow-flies: Gower, 195 km)
            if nations[n.suggestion.seat.ons_code] == "Wales":
                assert "Severn bridges" in n.suggestion.via and n.suggestion.distance_km > 250
    if town == "Derby":
        assert first.seat.name == "Derby North"


def test_penzance_by_shared_location_is_not_sent_across_the_bristol_channel(gb):
    found = selectors.nearest_marginals(latitude=50.118, longitude=-5.537, party="LAB", limit=5)
    wales = {c.ons_code for c in Constituency.objects.filter(country="Wales")}
    assert not any(n.suggestion.seat.ons_code in wales for n in found[:3])
    welsh = [n.suggestion for n in found if n.suggestion.seat.ons_code in wales]
    assert all("Severn bridges" in s.via and s.distance_km > 250 for s in welsh)


def test_a_broken_row_imports_nothing_and_is_named_by_file_line_and_field(db, tmp_path):
    Postcode.objects.create(postcode="DE22 1AB", latitude=52.93, longitude=-1.50)
    path, _ = _sample_zip(tmp_path, per_area=3, broken='"DE1 0FD",10,abc,335411,"E92000001","","","","",""')
    with pytest.raises(FormatError) as caught:
        services.postcodes_import_codepoint(path=path)
    assert "Data/CSV/de.csv" in str(caught.value) and "line 3" in str(caught.value)
    assert "Eastings" in str(caught.value)
    # nothing written, and what was there before is still there
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["DE22 1AB"]
    assert not PostcodeArea.objects.exists()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_postcodes", str(path), stderr=err)
    assert "de.csv, column Eastings" not in err.getvalue() or "line 3" in err.getvalue()


def test_reloading_some_areas_keeps_the_others(db, tmp_path):
    path, _ = _sample_zip(tmp_path, per_area=4)
    full = services.postcodes_import_codepoint(path=path)
    n = Postcode.objects.count()
    assert full["postcodes"] == n and n > 400
    part = services.postcodes_import_codepoint(path=path, areas=["de", "NG"])
    assert part["areas"] == 2 and Postcode.objects.count() == n
    with pytest.raises(services.GroundGameError, match="no postcode area QQ"):
        services.postcodes_import_codepoint(path=path, areas=["QQ"])


def test_the_attribution_shown_on_pages_is_the_licence_text():
    from django.template.loader import render_to_string

    assert codepoint.ATTRIBUTION in render_to_string("groundgame/_postcode_attribution.html")
