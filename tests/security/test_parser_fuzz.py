"""Fuzzing the parsers of files people upload: whatever the bytes, the only exception is the
documented FormatError (with a line number), never a crash of another kind."""

import contextlib
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groundswell.core.formats.ballot_files import parse_blt, parse_csv, read_ballot_file
from groundswell.core.formats.errors import FormatError
from groundswell.core.formats.members_csv import CONSENT_COLUMNS, HEADER, MembersReader
from groundswell.core.formats.register_csv import HEADER as REGISTER_HEADER
from groundswell.core.formats.register_csv import RegisterReader

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# text that looks enough like the real thing to get past the header, then anything
cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", "0", "-1", "2015-09-01", "E14000662", "member", '"', '""', "a,b", "\x00", "=cmd|' /C calc'!A0"]
    ),
)
rows = st.lists(st.lists(cells, max_size=16).map(lambda r: ",".join(r)), max_size=12).map("\n".join)


def resolve(cell: str) -> int:
    if cell == "E14000662":
        return 1
    raise ValueError("unknown branch")


@FUZZ
@given(rows, st.booleans())
def test_members_csv_reports_and_never_raises(body, consents):
    header = ",".join(HEADER + (CONSENT_COLUMNS if consents else ()))
    reader = MembersReader(io.StringIO(header + "\n" + body), resolve_branch=resolve)
    list(reader)
    assert all(e.line >= 1 for e in reader.errors)


@FUZZ
@given(rows)
def test_register_csv_reports_and_never_raises(body):
    reader = RegisterReader(io.StringIO(",".join(REGISTER_HEADER) + "\n" + body))
    list(reader)
    assert all(e.line >= 1 for e in reader.errors)


blt_lines = st.lists(
    st.one_of(
        st.text(max_size=20),
        st.sampled_from(
            ["3 1", "1 1 2 0", "2 3 0", "0", '"Ann"', '"Bob"', '"Cat"', '"Title"', "-1", "1 4 0", "# x"]
        ),
    ),
    max_size=15,
)


@FUZZ
@given(blt_lines)
def test_blt_raises_only_format_errors(lines):
    try:
        parse_blt(lines)
    except FormatError as e:
        assert e.errors and e.errors[0].line >= 1


@FUZZ
@given(
    st.lists(st.lists(st.sampled_from(["Ann", "Bob", "", "Zed", "Ann ", '"', "member"]), max_size=5)),
    st.booleans(),
)
def test_ballot_csv_raises_only_format_errors(papers, with_category):
    header = ("category," if with_category else "") + "rank1,rank2,rank3"
    text = header + "\n" + "\n".join(",".join(p) for p in papers)
    try:
        parse_csv(text.splitlines(keepends=True))
    except FormatError as e:
        assert e.errors


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".blt", ".csv"]))
def test_any_bytes_in_a_ballot_file_raise_only_format_errors(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"ballots{suffix}"
    path.write_bytes(data)
    with contextlib.suppress(FormatError):  # anything else fails the test
        read_ballot_file(path)


def test_a_ballot_file_that_is_not_utf8_is_refused_with_a_format_error(tmp_path):
    path = tmp_path / "latin1.blt"
    path.write_bytes('2 1\n1 1 0\n0\n"Zoë"\n"Ann"\n"T"\n'.encode("latin-1"))
    with pytest.raises(FormatError, match="UTF-8"):
        read_ballot_file(path)
