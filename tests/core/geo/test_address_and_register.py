"""Register rows: addresses parsed for walk lists, households, franchise, and every bad row reported."""

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.core.formats.register_csv import (
    HEADER,
    RegisterReader,
    can_vote_at_general_election,
    has_door,
    household_key,
)
from groundswell.core.geo.address import parse_address


def test_flat_number_and_street_are_found():
    a = parse_address(["Flat 3", "45 Duffield Road", "Derby"])
    assert (a.flat, a.house_number, a.street) == ("Flat 3", 45, "Duffield Road")
    b = parse_address(["12a High Street", "Derby"])
    assert (b.house_number, b.house_suffix, b.street) == (12, "a", "High Street")
    c = parse_address(["Rose Cottage", "Main Street"])
    assert (c.house_number, c.street, c.building) == (None, "Main Street", "Rose Cottage")


def test_same_lines_and_postcode_make_one_household_whatever_the_spacing():
    assert household_key(["45  duffield road", "Derby"], "de22 1ab") == household_key(
        ["45 Duffield Road", "DERBY"], "DE221AB"
    )
    assert household_key(["Flat 1", "2 A St"], "DE1 1AA") != household_key(["Flat 2", "2 A St"], "DE1 1AA")


def test_franchise_markers_and_attainers():
    from datetime import date

    day = date(2017, 6, 8)
    assert can_vote_at_general_election("", None, day)
    assert not can_vote_at_general_election("G", None, day) and not can_vote_at_general_election(
        "E", None, day
    )
    assert can_vote_at_general_election("F", None, day) and not has_door("F")
    assert can_vote_at_general_election("", date(2017, 6, 8), day)
    assert not can_vote_at_general_election("", date(2017, 6, 9), day)


def read(body: str):
    reader = RegisterReader(io.StringIO(",".join(HEADER) + "\n" + body))
    return list(reader), reader.errors


def test_every_bad_row_is_reported_by_line_and_column():
    rows, errors = read(
        "NA1,1,,,,Ann,Smith,1 High St,,,,DE22 1AB,,\n"
        "NA1,1,,,,Bob,Smith,1 High St,,,,DE22 1AB,,\n"  # 3: duplicate number
        "NA1,x9,,,,Cy,Jones,2 High St,,,,DE22 1AB,,\n"  # 4: bad number
        "NA1,4,,2017-13-01,,Di,Khan,3 High St,,,,DE22 1AB,,\n"  # 5: bad attainer date
        "NA1,5,,,,Ed,,4 High St,,,,DE22 1AB,,\n"  # 6: no surname
        "NA1,6,,,,Fay,Bell,,,,,DE22 1AB,,\n"  # 7: no address
        "NA1,7,,,,Gus,Hale,5 High St,,,,NOPE,,\n"  # 8: postcode
        "NA1,8,,,,Hal,Ives,6 High St,,,,DE22 1AB,48.1,2.3\n"  # 9: France
        "NA1,9,,,,Ian,Judd,7 High St,,,,DE22 1AB,52.9,\n"  # 10: half a coordinate
    )
    assert len(rows) == 1
    assert [(e.line, e.column) for e in errors] == [
        (3, "elector_number"),
        (4, "elector_number"),
        (5, "attainer_date"),
        (6, "last_name"),
        (7, "address_1"),
        (8, "postcode"),
        (9, "latitude"),
        (10, "longitude"),
    ]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_garbage_never_raises_and_every_row_is_accounted_for(text):
    reader = RegisterReader(io.StringIO(",".join(HEADER) + "\n" + text))
    rows = list(reader)
    assert len(rows) + reader.error_count >= reader.rows_read
