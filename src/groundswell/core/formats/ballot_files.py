"""Ballot files: ERS `.blt` (what OpenSTV, Droop and most STV counters read) and the ballot
CSV of DESIGN.md (`category` optional, then `rank1`, `rank2`, ... holding names).

A file that is malformed is refused whole with the line of the problem (FormatError); a
well-formed paper that cannot count (an unknown candidate, one ranked twice, none ranked)
is an invalid ballot, reported in the count with its line and reason.
"""

from __future__ import annotations

import csv
import io
import shlex
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from groundswell.core.counting.ballots import BallotBuilder, Ballots
from groundswell.core.formats.errors import FormatError, RowError


def read_ballot_file(path: Path, *, candidates: Sequence[str] | None = None) -> tuple[Ballots, int | None]:
    """Reads a .blt or .csv file; returns the ballots and, for .blt, the seats it states."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise FormatError(
            [RowError(line, "", f"not UTF-8 text (byte {data[e.start]:#04x}): save the file as UTF-8")],
            filename=str(path),
        ) from None
    if path.suffix.lower() == ".csv":
        return parse_csv(text.splitlines(keepends=True), candidates=candidates, filename=str(path)), None
    return parse_blt(text.splitlines(), filename=str(path))


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].strip()


def parse_blt(lines: Iterable[str], *, filename: str = "") -> tuple[Ballots, int]:
    """Parses an ERS ballot file. Returns the ballots and the number of seats it states."""
    numbered = [(i, _strip_comment(line)) for i, line in enumerate(lines, 1)]
    numbered = [(i, line) for i, line in numbered if line]

    def fail(line: int, message: str) -> FormatError:
        return FormatError([RowError(line, "", message)], filename=filename)

    if not numbered:
        raise fail(1, "empty file: expected a first line 'CANDIDATES SEATS'")
    first_line, header = numbered[0]
    try:
        n_candidates, seats = (int(x) for x in header.split())
    except ValueError:
        raise fail(first_line, f"expected 'CANDIDATES SEATS' (two whole numbers), found {header!r}") from None
    if n_candidates < 1 or seats < 1:
        raise fail(first_line, "the numbers of candidates and seats must be at least 1")
    pos = 1
    withdrawn: set[int] = set()
    if pos < len(numbered) and numbered[pos][1].startswith("-"):
        line_no, text = numbered[pos]
        try:
            withdrawn = {-int(x) - 1 for x in text.split()}
        except ValueError:
            raise fail(line_no, f"bad withdrawn-candidates line {text!r}") from None
        if any(not 0 <= w < n_candidates for w in withdrawn):
            raise fail(line_no, "withdrawn candidate number out of range")
        pos += 1
    papers: list[tuple[int, int, list[int]]] = []
    while True:
        if pos >= len(numbered):
            raise fail(numbered[-1][0], "no '0' line ending the ballots")
        line_no, text = numbered[pos]
        pos += 1
        if text == "0":
            break
        fields = text.split()
        if fields[0].startswith("("):  # optional ballot id: "(id) weight prefs... 0"
            fields = fields[1:]
        if len(fields) < 2 or fields[-1] != "0":
            raise fail(line_no, f"a ballot line is 'WEIGHT PREF ... 0'; found {text!r}")
        try:
            weight = int(fields[0])
            prefs = [-1 if f == "-" else int(f) - 1 for f in fields[1:-1]]
        except ValueError:
            raise fail(line_no, f"not whole numbers: {text!r}") from None
        if weight < 0:
            raise fail(line_no, f"negative weight {weight}")
        papers.append((line_no, weight, prefs))
    names: list[str] = []
    rest = numbered[pos:]
    for line_no, text in rest:
        try:
            parts = shlex.split(text)
        except ValueError:
            raise fail(line_no, f"unclosed quote in {text!r}") from None
        names.extend(parts)
    if len(names) < n_candidates:
        where = rest[-1][0] if rest else numbered[-1][0]
        raise fail(where, f"{n_candidates} candidates declared but {len(names)} names given")
    candidates, title = names[:n_candidates], " ".join(names[n_candidates:])
    builder = BallotBuilder(candidates, withdrawn=withdrawn)
    for line_no, weight, prefs in papers:
        if weight == 0:
            continue
        if -1 in prefs:  # a skipped preference: later ones do not count (as on paper)
            prefs = prefs[: prefs.index(-1)]
        builder.add(prefs, weight=weight, line=line_no)
    return builder.build(title=title), seats


def parse_csv(
    lines: Iterable[str], *, candidates: Sequence[str] | None = None, filename: str = ""
) -> Ballots:
    """Parses the ballot CSV. Candidates are `candidates` when given, else every name the
    file ranks, in order of first appearance."""
    reader = csv.reader(lines)
    try:
        rows = list(enumerate(reader, 1))
    except csv.Error as e:
        raise FormatError(
            [RowError(reader.line_num + 1, "", f"not a readable CSV row ({e})")], filename=filename
        ) from None
    if not rows:
        raise FormatError([RowError(1, "", "empty file: expected a header")], filename=filename)
    header = [h.strip().lower() for h in rows[0][1]]
    has_category = bool(header) and header[0] == "category"
    ranks = header[1:] if has_category else header
    expected = [f"rank{i}" for i in range(1, len(ranks) + 1)]
    if not ranks or ranks != expected:
        raise FormatError(
            [RowError(1, "", "header must be [category,]rank1,rank2,... ; found " + ",".join(header))],
            filename=filename,
        )
    width = len(header)
    errors = [
        RowError(n, "", f"expected {width} fields, found {len(r)}")
        for n, r in rows[1:]
        if r and len(r) != width
    ]
    if errors:
        raise FormatError(errors[:1000], filename=filename, truncated=max(0, len(errors) - 1000))
    if candidates is None:
        seen: dict[str, None] = {}
        for _, r in rows[1:]:
            for name in r[1 if has_category else 0 :]:
                if name.strip():
                    seen.setdefault(name.strip(), None)
        candidates = list(seen)
    builder = BallotBuilder(candidates)
    for n, r in rows[1:]:
        if not r:
            continue
        category = r[0].strip() if has_category else None
        names = [x.strip() for x in r[1 if has_category else 0 :]]
        if "" in names:  # a gap: preferences after it do not count
            names = names[: names.index("")]
        builder.add_names(names, category=category, line=n)
    return builder.build()


def blt_lines(
    candidates: Sequence[str], seats: int, papers: Iterable[Sequence[int]], *, title: str = ""
) -> Iterator[str]:
    """An ERS .blt text line by line, one line per paper in the order given (weight 1 each):
    a file of any size is written without holding it."""
    yield f"{len(candidates)} {seats}\n"
    for ranking in papers:
        yield "1 " + " ".join(str(c + 1) for c in ranking) + " 0\n"
    yield "0\n"
    for name in candidates:
        yield '"' + name.replace('"', "'") + '"\n'
    yield '"' + title.replace('"', "'") + '"\n'


def write_blt(
    candidates: Sequence[str], seats: int, papers: Iterable[Sequence[int]], *, title: str = ""
) -> str:
    """An ERS .blt text, one line per paper in the order given (weight 1 each)."""
    return "".join(blt_lines(candidates, seats, papers, title=title))


def csv_lines(
    candidates: Sequence[str], papers: Iterable[tuple[str, Sequence[int]]], *, width: int
) -> Iterator[str]:
    """The ballot CSV with categories, line by line: one line per (category, ranking) paper."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")

    def take() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    w.writerow(["category", *[f"rank{i}" for i in range(1, width + 1)]])
    yield take()
    for category, ranking in papers:
        names = [candidates[c] for c in ranking]
        w.writerow([category, *names, *[""] * (width - len(names))])
        yield take()


def write_csv(candidates: Sequence[str], papers: Iterable[tuple[str, Sequence[int]]], *, width: int) -> str:
    """The ballot CSV with categories: one line per (category, ranking) paper."""
    return "".join(csv_lines(candidates, papers, width=width))
