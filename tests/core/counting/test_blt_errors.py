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


@pytest.mark.parametrize("suffix", [".blt", ".csv"])
def test_a_byte_that_is_not_utf8_is_refused_with_its_line_and_the_file_closed(tmp_path, suffix):
    """A Latin-1 name far into a file (past the decoder's first chunk) is refused naming its
    line, not read as some other text; every handle on the file is closed after."""
    import gc
    import warnings

    from groundswell.core.formats.ballot_files import open_ballot_file

    if suffix == ".blt":
        head, paper, tail = b"2 1\n", b"1 1 2 0\n", b'0\n"A"\n"Zo\xeb"\n"t"\n'
        bad_line = 2 + 5000 + 2
    else:
        head, paper, tail = b"rank1,rank2\n", b"A,B\n", b"Zo\xeb,A\n"
        bad_line = 1 + 5000 + 1
    path = tmp_path / f"latin1{suffix}"
    path.write_bytes(head + paper * 5000 + tail)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        with pytest.raises(FormatError) as info:
            open_ballot_file(path)
        gc.collect()
    assert info.value.errors[0].line == bad_line
    assert "not UTF-8" in info.value.errors[0].message and "0xeb" in info.value.errors[0].message
