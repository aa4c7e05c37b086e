"""Importing the electoral register: all or nothing, households, leavers, located points."""

import csv

import pytest

from groundswell.core.formats.register_csv import HEADER
from groundswell.groundgame.importing import register_import
from groundswell.groundgame.models import Constituency, Elector, Household, Postcode


@pytest.fixture
def seat(branches):
    north, _ = branches
    return Constituency.objects.create(
        ons_code="E14000662", name="Derby North", latitude=52.92, longitude=-1.52, branch=north
    )


def write(path, rows):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def elector(district, number, first, last, line1, postcode="DE22 1AB", flat="", lat="", lon="", markers=""):
    lines = [flat, line1, "Derby", ""] if flat else [line1, "Derby", "", ""]
    return [district, number, markers, "", "", first, last, *lines, postcode, lat, lon]


def test_a_register_with_bad_rows_imports_nothing_and_names_each_line(tmp_path, seat):
    path = write(
        tmp_path / "r.csv",
        [
            elector("NA1", "1", "Ann", "Smith", "1 High Street"),
            elector("NA1", "1", "Bob", "Smith", "1 High Street"),
            elector("NA1", "2", "Cy", "", "2 High Street"),
        ],
    )
    result = register_import(constituency=seat, path=path)
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(3, "elector_number"), (4, "last_name")]
    assert not Elector.objects.exists() and not Household.objects.exists()


def test_households_flats_and_points(tmp_path, seat):
    Postcode.objects.create(postcode="DE22 1AB", latitude=52.93, longitude=-1.50)
    path = write(
        tmp_path / "r.csv",
        [
            elector("NA1", "1", "Ann", "Smith", "1 High Street"),
            elector("NA1", "2", "Bob", "Smith", "1  high street"),  # same household
            elector(
                "NA1",
                "3",
                "Cy",
                "Jones",
                "5 Tower Court",
                flat="Flat 1",
                postcode="DE1 1AA",
                lat="52.91",
                lon="-1.49",
            ),
            elector(
                "NA2",
                "1",
                "Di",
                "Khan",
                "5 Tower Court",
                flat="Flat 2",
                postcode="DE1 1AA",
                lat="52.91",
                lon="-1.49",
            ),
        ],
    )
    result = register_import(constituency=seat, path=path)
    assert result.ok and result.new_households == 3 and result.polling_districts == 2
    smiths = Household.objects.get(electors__first_name="Ann")
    assert smiths.electors.count() == 2 and (smiths.latitude, smiths.longitude) == (52.93, -1.50)
    assert (smiths.house_number, smiths.street) == (1, "High Street")
    flat = Household.objects.get(electors__first_name="Di")
    assert (flat.flat, flat.house_number, flat.street, flat.latitude) == ("Flat 2", 5, "Tower Court", 52.91)


def test_a_newer_register_updates_adds_and_marks_leavers_without_deleting_anyone(tmp_path, seat):
    first = write(
        tmp_path / "v1.csv",
        [
            elector("NA1", "1", "Ann", "Smith", "1 High Street"),
            elector("NA1", "2", "Bob", "Smith", "1 High Street"),
            elector("NA1", "3", "Cy", "Jones", "2 High Street"),
        ],
    )
    register_import(constituency=seat, path=first)
    ids = dict(Elector.objects.values_list("elector_number", "pk"))
    second = write(
        tmp_path / "v2.csv",
        [
            elector("NA1", "1", "Ann", "Smith-Jones", "1 High Street"),  # married, same number
            elector("NA1", "3", "Cy", "Jones", "2 High Street"),
            elector("NA1", "4", "Dee", "Jones", "2 High Street"),  # new
        ],
    )
    result = register_import(constituency=seat, path=second, mode="full", confirm=True)  # 1 of 3 leaves
    assert (result.version, result.new_electors, result.updated_electors, result.left) == (2, 1, 2, 1)
    assert Elector.objects.count() == 4  # Bob is kept, marked as having left
    bob = Elector.objects.get(first_name="Bob")
    assert bob.pk == ids["2"] and bob.left_on is not None
    ann = Elector.objects.get(pk=ids["1"])
    assert ann.last_name == "Smith-Jones" and ann.left_on is None and ann.register_version == 2
    # a third import that brings Bob back clears his leaving date (and Dee leaves)
    register_import(constituency=seat, path=first, mode="full", confirm=True)
    assert Elector.objects.get(pk=ids["2"]).left_on is None
