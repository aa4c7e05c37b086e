"""The members CSV reader: every bad row reported with line and column; good rows normalised."""

import csv
import io
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.core.formats.members_csv import (
    HEADER,
    MembersReader,
    name_postcode_key,
    normalise_postcode,
)

BRANCHES = {"E14000662": 1, "derby north": 1, "E14000663": 2}


def resolve(text: str) -> int:
    pk = BRANCHES.get(text) or BRANCHES.get(text.casefold())
    if pk is None:
        raise ValueError(f"unknown branch {text!r}")
    return pk


def read(text: str):
    reader = MembersReader(io.StringIO(text), resolve_branch=resolve)
    rows = list(reader)
    return rows, reader.errors


GOOD = (
    ",".join(HEADER)
    + "\n"
    + (
        "L001,Ada,Lovelace,ada@example.org,07700 900001,de221ab,E14000662,member,,2015-09-01,\n"
        "L002,Bob,Smith,,,,Derby North,affiliated_supporter,Unite,2016-01-02,2017-01-01\n"
    )
)


def test_good_rows_are_read_and_normalised():
    rows, errors = read(GOOD)
    assert errors == []
    assert [r.membership_number for r in rows] == ["L001", "L002"]
    assert rows[0].postcode == "DE22 1AB"
    assert rows[1].branch_id == 1 and rows[1].affiliate == "Unite"
    assert rows[1].lapsed_on.isoformat() == "2017-01-01"


def test_every_kind_of_bad_row_is_reported_with_line_and_column():
    text = (
        ",".join(HEADER)
        + "\n"
        + "\n".join(
            [
                "L001,Ada,Lovelace,ada@example.org,,DE22 1AB,E14000662,member,,2015-13-01,",  # 2 bad date
                "L002,Bob,Smith,bob@,,DE22 1AB,E14000662,member,,2015-01-01,",  # 3 email
                "L003,Cy,Jones,,,NOTAPOSTCODE,E14000662,member,,2015-01-01,",  # 4 postcode
                "L004,Di,Khan,,,,Nowhere,member,,2015-01-01,",  # 5 branch
                "L005,Ed,Bell,,,,E14000662,comrade,,2015-01-01,",  # 6 category
                "L001,Fay,Cole,,,,E14000662,member,,2015-01-01,",  # 7 duplicate number
                "L007,,Cole,,,,E14000662,member,,2015-01-01,",  # 8 missing first name
                "L008,Gus,Hale,,,,E14000662,affiliated_supporter,,2015-01-01,",  # 9 no affiliate
                "L009,Hal,Ives,,,,E14000662,member,,2015-01-01",  # 10 short row
                "L010,Ian,Judd,,,,E14000662,member,,2016-01-01,2015-01-01",  # 11 lapsed before joined
            ]
        )
        + "\n"
    )
    rows, errors = read(text)
    assert rows == []
    got = {(e.line, e.column) for e in errors}
    assert got == {
        (2, "joined_on"),
        (3, "email"),
        (4, "postcode"),
        (5, "branch"),
        (6, "category"),
        (7, "membership_number"),
        (8, "first_name"),
        (9, "affiliate"),
        (10, ""),
        (11, "lapsed_on"),
    }
    dup = next(e for e in errors if e.line == 7)
    assert "first on line 2" in dup.message


def test_wrong_header_is_one_error_on_line_one():
    rows, errors = read("number,name\n1,Ada\n")
    assert rows == [] and len(errors) == 1
    assert errors[0].line == 1 and "wrong header" in errors[0].message


def test_line_numbers_count_quoted_newlines():
    text = (
        ",".join(HEADER)
        + '\nL1,"Ada\nMary",Lovelace,,,,E14000662,member,,2015-01-01,\nL2,Bo,X,,,,E14000662,member,,bad,\n'
    )
    rows, errors = read(text)
    assert len(rows) == 1 and errors[0].line == 4


def test_postcode_normalisation():
    assert normalise_postcode("sw1a1aa") == "SW1A 1AA"
    assert normalise_postcode(" DE22 1AB ") == "DE22 1AB"
    assert normalise_postcode("12345") is None


def test_name_key_ignores_case_and_punctuation_but_needs_a_postcode():
    assert name_postcode_key("Mary-Jane", "O'Neil", "de22 1ab") == name_postcode_key(
        "mary jane", "ONEIL", "DE221AB"
    )
    assert name_postcode_key("Mary", "Smith", "") == ""


names = st.text(alphabet=string.ascii_letters + " -'", min_size=1, max_size=20).filter(lambda s: s.strip())
row_strategy = st.fixed_dictionaries(
    {
        "first_name": names,
        "last_name": names,
        "category": st.sampled_from(["member", "registered_supporter", "affiliated_supporter"]),
        "joined": st.dates(),
        "postcode": st.sampled_from(["DE22 1AB", "sw1a1aa", "", "M1 1AE"]),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(row_strategy, max_size=30))
def test_valid_rows_all_come_back_in_order(rows):
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    for i, r in enumerate(rows):
        aff = "GMB" if r["category"] == "affiliated_supporter" else ""
        w.writerow(
            [
                f"N{i}",
                r["first_name"],
                r["last_name"],
                "",
                "",
                r["postcode"],
                "E14000662",
                r["category"],
                aff,
                r["joined"].isoformat(),
                "",
            ]
        )
    got, errors = read(out.getvalue())
    assert errors == []
    assert [g.membership_number for g in got] == [f"N{i}" for i in range(len(rows))]
    assert [g.first_name for g in got] == [r["first_name"].strip() for r in rows]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_garbage_never_raises_and_is_never_silently_accepted(text):
    reader = MembersReader(io.StringIO(",".join(HEADER) + "\n" + text), resolve_branch=resolve)
    rows = list(reader)
    # every data line is either a valid row or reported; nothing vanishes
    assert len(rows) + reader.error_count >= reader.rows_read
    for row in rows:
        assert row.joined_on is not None and row.branch_id in (1, 2)
