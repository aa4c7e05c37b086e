"""The ballot files counters really exchange, read as their authors meant, or refused with
the file, line and reason; never misread with a count that looks fine.

Each file here is shaped like a published one: Scottish council counts are published as
.blt files with one unquoted name per line (e.g. the 2012/2017 ward files); OpenSTV and
Droop files quote names and may carry comments, withdrawn candidates, weights and `=`."""

from __future__ import annotations

import pytest

from groundswell.core.counting import count
from groundswell.core.formats.ballot_files import parse_blt, parse_csv, read_ballot_file
from groundswell.core.formats.errors import FormatError

SCOTTISH_UNQUOTED = """4 1
12 1 2 0
9 2 3 0
7 3 1 0
3 4 2 0
0
Kenny MacLeod (SNP)
Alasdair Morrison
Angus Campbell
Iain Ian Macleod
Ward 3 - Steòrnabhagh a Deas
"""


def blt(text: str):
    return parse_blt(text.splitlines(), filename="ward.blt")


def test_unquoted_multi_word_names_are_one_candidate_each():
    ballots, seats = blt(SCOTTISH_UNQUOTED)
    assert ballots.candidates == (
        "Kenny MacLeod (SNP)",
        "Alasdair Morrison",
        "Angus Campbell",
        "Iain Ian Macleod",
    )
    assert ballots.title == "Ward 3 - Steòrnabhagh a Deas" and seats == 1
    assert count(ballots, method="irv").winners == ["Kenny MacLeod (SNP)"]


def test_a_line_mixing_a_quoted_name_and_loose_words_is_refused_with_its_line():
    text = '2 1\n1 1 2 0\n0\n"Ann" Smith\n"Bob"\n"T"\n'
    with pytest.raises(FormatError) as info:
        blt(text)
    assert info.value.errors[0].line == 4 and "outside the quotes" in info.value.errors[0].message
    assert str(info.value).startswith("ward.blt: line 4")


def test_more_names_than_candidates_and_a_title_is_refused():
    text = "2 1\n1 1 2 0\n0\nAnn\nBob\nTitle\nStray\n"
    with pytest.raises(FormatError) as info:
        blt(text)
    assert info.value.errors[0].line == 7


def test_a_hash_inside_quotes_is_part_of_the_name_and_outside_starts_a_comment():
    text = '2 1 # two candidates\n3 1 2 0 # three papers\n1 2 0\n0\n"Ann #1" # the first\n"Bob"\n"Count #7"\n'
    ballots, _ = blt(text)
    assert ballots.candidates == ("Ann #1", "Bob") and ballots.title == "Count #7"
    assert ballots.valid == 4


def test_equal_preferences_count_up_to_the_defect_and_are_reported():
    text = '3 1\n2 1 2=3 0\n1 2=3 1 0\n4 3 0\n0\n"A"\n"B"\n"C"\n"t"\n'
    report = count(blt(text)[0], method="irv").to_dict()
    assert report["valid"] == 6 and report["invalid"] == 1
    assert report["rounds"][0]["tallies"] == {"A": 2, "B": 0, "C": 4}
    assert report["invalid_ballots"] == [
        {"line": 3, "reason": "equal preferences at preference 1", "weight": 1}
    ]
    assert report["truncated_ballots"] == [
        {"line": 2, "reason": "counted up to equal preferences at preference 2", "weight": 2}
    ]
    assert report["truncated"] == 2


def test_a_repeated_or_unknown_later_preference_counts_the_paper_up_to_it():
    text = '3 1\n1 1 2 1 3 0\n1 2 7 3 0\n1 3 0\n0\n"A"\n"B"\n"C"\n"t"\n'
    report = count(blt(text)[0], method="fptp").to_dict()
    assert report["valid"] == 3 and report["invalid"] == 0
    reasons = {b["line"]: b["reason"] for b in report["truncated_ballots"]}
    assert reasons == {
        2: "counted up to preference 3 ranks A again",
        3: "counted up to preference 2 is unknown candidate number 7",
    }


def test_withdrawn_candidates_and_weights():
    text = '3 1\n-2\n5 2 1 0\n3 3 0\n2 2 0\n0\n"A"\n"B"\n"C"\n"t"\n'
    report = count(blt(text)[0], method="irv").to_dict()
    assert report["rounds"][0]["tallies"] == {"A": 5, "C": 3}
    assert report["invalid_ballots"] == [
        {"line": 5, "reason": "ranks only withdrawn candidates", "weight": 2}
    ]


def test_a_negative_weight_is_refused_not_taken_for_a_withdrawn_line():
    with pytest.raises(FormatError) as info:
        blt('2 1\n-1 1 2 0\n1 2 0\n0\n"A"\n"B"\n"t"\n')
    assert info.value.errors[0].line == 2 and "negative weight" in info.value.errors[0].message


def test_a_bad_line_repeated_is_refused_at_its_first_line():
    text = '2 1\n1 1 2 0\n1 x 0\n1 1 2 0\n1 x 0\n0\n"A"\n"B"\n"t"\n'
    with pytest.raises(FormatError) as info:
        blt(text)
    assert [e.line for e in info.value.errors] == [3]


def test_a_terminator_with_a_comment_or_no_newline_is_still_found():
    ballots, _ = blt('2 1\n1 1 2 0\n1 2 0\n0 # end of ballots\n"A"\n"B"\n"t"')
    assert ballots.valid == 2 and ballots.title == "t"


def test_csv_unknown_candidate_and_gaps_count_up_to_the_defect():
    text = "rank1,rank2,rank3\nAnn,Bob,\nAnn,,Bob\nZed,Ann,\nBob,Zed,Ann\n"
    report = count(
        parse_csv(text.splitlines(keepends=True), candidates=["Ann", "Bob"]), method="irv"
    ).to_dict()
    assert report["valid"] == 3 and report["invalid"] == 1
    assert report["invalid_ballots"][0]["line"] == 4
    assert {b["line"] for b in report["truncated_ballots"]} == {3, 5}


@pytest.mark.parametrize("method", ["irv", "stv", "fptp"])
def test_no_valid_papers_elect_nobody(method):
    text = '2 1\n3 3 0\n0\n"A"\n"B"\n"t"\n'
    report = count(blt(text)[0], method=method)
    assert report.valid == 0 and report.invalid == 3 and report.winners == []
    assert report.tie_breaks == []


@pytest.mark.parametrize("method", ["irv", "stv", "fptp"])
def test_zero_seats_is_refused(method):
    ballots, _ = blt('2 1\n1 1 0\n0\n"A"\n"B"\n"t"\n')
    with pytest.raises(ValueError, match="seats must be at least 1"):
        count(ballots, method=method, seats=0)


def test_a_file_read_from_disk_groups_identical_papers_and_keeps_line_numbers(tmp_path):
    path = tmp_path / "big.csv"
    rows = ["Ann,Bob", "Bob,Ann", "Ann,Ann"] * 1000
    path.write_text("rank1,rank2\n" + "\n".join(rows) + "\n")
    ballots, _ = read_ballot_file(path)
    assert ballots.valid == 3000 and ballots.prefs.shape[0] == 3  # grouped
    assert ballots.truncated_ballots[0].line == 4 and ballots.truncated_ballots[0].weight == 1000


def test_memory_does_not_grow_with_the_number_of_papers(tmp_path):
    """Reading holds one entry per distinct line, not per paper: ten times the papers
    (same distinct rankings) need about the same memory (Python allocations, tracemalloc)."""
    import itertools
    import tracemalloc

    names = ["Ann", "Bob", "Cat", "Dan"]
    distinct = [
        ",".join([*p, *[""] * (4 - len(p))]) for k in range(1, 5) for p in itertools.permutations(names, k)
    ]

    def peak(papers: int) -> int:
        path = tmp_path / f"{papers}.csv"
        with path.open("w") as f:
            f.write("rank1,rank2,rank3,rank4\n")
            for i in range(papers):
                f.write(distinct[i % len(distinct)] + "\n")
        tracemalloc.start()
        ballots, _ = read_ballot_file(path)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert ballots.valid == papers
        return top

    small, large = peak(20_000), peak(200_000)
    assert large < 1.5 * small
