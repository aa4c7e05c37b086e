"""A malformed ballot file is refused with the line of the problem; nothing is counted."""

import pytest

from groundswell.core.formats.ballot_files import parse_blt, parse_csv
from groundswell.core.formats.errors import FormatError


@pytest.mark.parametrize(
    "text,line,words",
    [
        ("three 1\n0\n", 1, "CANDIDATES SEATS"),
        ('2 1\n1 1 2\n0\n"A"\n"B"\n', 2, "WEIGHT PREF"),
        ('2 1\n1 1 x 0\n0\n"A"\n"B"\n', 2, "not whole numbers"),
        ("2 1\n1 1 2 0\n", 2, "no '0' line"),
        ('2 1\n1 1 2 0\n0\n"A"\n', 4, "2 candidates declared"),
        ('2 1\n1 1 2 0\n0\n"A\n"B"\n', 4, "unclosed quote"),
    ],
)
def test_malformed_blt_names_the_line(text, line, words):
    with pytest.raises(FormatError) as info:
        parse_blt(text.splitlines(), filename="x.blt")
    assert info.value.errors[0].line == line and words in info.value.errors[0].message
    assert str(info.value).startswith("x.blt: line")


def test_malformed_csv_names_the_line():
    with pytest.raises(FormatError) as info:
        parse_csv("category,rank1,rank2\nmember,A\n".splitlines(keepends=True))
    assert info.value.errors[0].line == 2
    with pytest.raises(FormatError):
        parse_csv("first,second\nA,B\n".splitlines(keepends=True))
