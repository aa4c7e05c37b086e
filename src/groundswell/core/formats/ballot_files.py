"""Ballot files: ERS `.blt` (what OpenSTV, Droop and most STV counters read), the ballot
CSV of DESIGN.md (`category` optional, then `rank1`, `rank2`, ... holding names), and the
cast-vote records cities publish (`cvr.py`).

Reading is streamed and grouped: identical lines are counted first (a leadership ballot
of half a million papers holds a few hundred distinct rankings), and each distinct line is
read and checked once; a line number is looked up, by a second pass over the file, only
for the few lines that need one in a message. Memory grows with the distinct rankings,
not with the papers.

A file that is malformed is refused whole with the file, line and reason (FormatError); a
well-formed paper that cannot count (no first preference) is an invalid ballot, and a paper
with a later defect counts up to it; both are listed in the report with line and reason.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from groundswell.core.counting.ballots import BallotBuilder, Ballots, Position
from groundswell.core.formats.errors import FormatError, RowError

MAX_ERRORS = 1000

Reopen = Callable[[], Iterator[str]]


@dataclass(frozen=True)
class BallotFile:
    """What a ballot file says: the papers, and the seats when the file states them."""

    ballots: Ballots
    seats: int | None
    kind: str  # "blt", "csv" or "cvr"


def read_ballot_file(
    path: Path,
    *,
    candidates: Sequence[str] | None = None,
    cvr_rules=None,
) -> tuple[Ballots, int | None]:
    """Reads a .blt, a ballot .csv or a city cast-vote-record .csv; returns the ballots
    and, for .blt, the seats it states."""
    got = open_ballot_file(path, candidates=candidates, cvr_rules=cvr_rules)
    return got.ballots, got.seats


def open_ballot_file(path: Path, *, candidates: Sequence[str] | None = None, cvr_rules=None) -> BallotFile:
    """Like `read_ballot_file`, saying which kind of file it was."""
    filename = str(path)
    opened: list[io.TextIOWrapper] = []

    def reopen() -> Iterator[str]:
        # the decoder itself, not a generator over it: one Python frame less per line is
        # a sixth of the time a million-line file takes to read (bench/count_file.py)
        text = _open_text(path)
        opened.append(text)
        return text

    try:
        if path.suffix.lower() == ".csv":
            first = next(reopen(), "")
            from groundswell.core.formats.cvr import is_cvr_header, parse_cvr

            if not _is_ballot_csv_header(first) and is_cvr_header(first):
                return BallotFile(parse_cvr(reopen, filename=filename, rules=cvr_rules), None, "cvr")
            if cvr_rules is not None:
                raise FormatError(
                    [RowError(1, "", "not a cast-vote record: no '1st Choice' or 'Rank 1' columns")],
                    filename=filename,
                )
            return BallotFile(_parse_csv(reopen, candidates=candidates, filename=filename), None, "csv")
        ballots, seats = _parse_blt(reopen, filename=filename)
        return BallotFile(ballots, seats, "blt")
    except UnicodeDecodeError:
        line, byte = _first_bad_byte(path)
        raise FormatError(
            [RowError(line, "", f"not UTF-8 text (byte {byte:#04x}): save the file as UTF-8")],
            filename=filename,
        ) from None
    finally:
        for text in opened:
            text.close()


def _open_text(path: Path) -> io.TextIOWrapper:
    """The file as text lines (universal newlines, BOM dropped); reading a byte that is not
    UTF-8 raises UnicodeDecodeError (`open_ballot_file` then finds its line)."""
    return io.TextIOWrapper(path.open("rb"), encoding="utf-8-sig", newline=None)


def _first_bad_byte(path: Path) -> tuple[int, int]:
    """(line, byte) of the first byte that is not UTF-8, reading as bytes."""
    with path.open("rb") as raw:
        dec = codecs.getincrementaldecoder("utf-8")()
        for number, line in enumerate(raw, 1):
            try:
                dec.decode(line)
            except UnicodeDecodeError as e:
                return number, line[e.start]
    return 1, 0


def _as_reopen(lines: Iterable[str] | str) -> Reopen:
    if isinstance(lines, str):
        lines = lines.splitlines(keepends=True)
    elif not isinstance(lines, Sequence):
        lines = list(lines)
    lines = [x if x.endswith("\n") else x + "\n" for x in lines]
    return lambda: iter(lines)


def _first_lines(reopen: Reopen, wanted: Iterable[str], *, start: int = 1) -> dict[str, int]:
    """The line number of the first occurrence of each text in `wanted`, from line `start`."""
    left = set(wanted)
    found: dict[str, int] = {}
    if not left:
        return found
    for number, line in enumerate(reopen(), 1):
        if number >= start and line in left:
            found[line] = number
            left.discard(line)
            if not left:
                break
    return found


def _fail(filename: str, line: int, message: str) -> FormatError:
    return FormatError([RowError(line, "", message)], filename=filename)


# ----------------------------------------------------------------------------------- .blt


def parse_blt(lines: Iterable[str] | str, *, filename: str = "") -> tuple[Ballots, int]:
    """Parses an ERS ballot file given as lines. Returns the ballots and the seats it states."""
    return _parse_blt(_as_reopen(lines), filename=filename)


def _strip_comment(text: str) -> str:
    """A line without its comment: `#` starts one only outside double quotes."""
    if "#" not in text:
        return text.strip()
    inside = False
    for i, ch in enumerate(text):
        if ch == '"':
            inside = not inside
        elif ch == "#" and not inside:
            return text[:i].strip()
    return text.strip()


def _names_on_line(text: str) -> list[str] | str:
    """The names one line of the names section holds, or a reason it is ambiguous.

    `"A" "B"` is two names; `"Ann Smith"` one; an unquoted line is one name, spaces and all
    (the dialect of several published Scottish files). Text after a closing quote that is
    neither another quoted name nor a comment is refused, as is an unclosed quote."""
    text = text.strip()
    if not text.startswith('"'):
        return [text]
    names: list[str] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        if text[i] == "#":
            break
        if text[i] != '"':
            return f"text outside the quotes ({text[i:]!r}): quote each name whole, one or more per line"
        end = text.find('"', i + 1)
        if end < 0:
            return f"unclosed quote in {text!r}"
        names.append(text[i + 1 : end])
        i = end + 1
        if i < len(text) and not text[i].isspace() and text[i] != "#":
            return f"text straight after a closing quote in {text!r}: put a space between names"
    return names


def _blt_position(token: str, n: int) -> Position:
    """One preference token: a candidate number, `-` (skipped) or `2=3` (equal)."""
    if token == "-":
        return None
    if "=" in token:
        return tuple(int(t) - 1 for t in token.split("="))
    return int(token) - 1


def _parse_blt(reopen: Reopen, *, filename: str = "", fast: bool = True) -> tuple[Ballots, int]:
    """Reads the header and the optional withdrawn line, counts the identical ballot lines,
    and hands the names section on. `fast` counts at C speed up to the canonical "0\\n"
    terminator; a file ending its ballots otherwise ("0 # end", a last "0" with no newline)
    is re-read with `fast=False`, which strips comments line by line."""
    it = iter(reopen())
    number = 0

    def significant() -> tuple[int, str, str] | None:
        nonlocal number
        for line in it:
            number += 1
            text = _strip_comment(line)
            if text:
                return number, line, text
        return None

    head = significant()
    if head is None:
        raise _fail(filename, 1, "empty file: expected a first line 'CANDIDATES SEATS'")
    first_line, _, header = head
    try:
        n_candidates, seats = (int(x) for x in header.split())
    except ValueError:
        raise _fail(
            filename, first_line, f"expected 'CANDIDATES SEATS' (two whole numbers), found {header!r}"
        ) from None
    if n_candidates < 1 or seats < 1:
        raise _fail(filename, first_line, "the numbers of candidates and seats must be at least 1")

    withdrawn: set[int] = set()
    counts: Counter[str] = Counter()
    nxt = significant()
    if nxt is None:
        raise _fail(filename, max(number, 1), "no '0' line ending the ballots")
    line_no, raw, text = nxt
    fields = text.split()
    ballots_from = line_no
    if text == "0":
        return _finish_blt(
            reopen,
            filename=filename,
            n_candidates=n_candidates,
            seats=seats,
            withdrawn=withdrawn,
            counts=counts,
            ballots_from=line_no,
            names=list(enumerate(it, line_no + 1)),
        )
    if all(f.startswith("-") and f != "-" for f in fields):
        # the withdrawn line: "-2 -4" (every field a negative candidate number). A ballot
        # line ends in 0, so "-1 1 2 0" is a ballot with a negative weight, refused below.
        try:
            withdrawn = {-int(x) - 1 for x in fields}
        except ValueError:
            raise _fail(filename, line_no, f"bad withdrawn-candidates line {text!r}") from None
        if any(not 0 <= w < n_candidates for w in withdrawn):
            raise _fail(filename, line_no, "withdrawn candidate number out of range")
        ballots_from = line_no + 1
    else:
        counts[raw] += 1
    ended = False
    if fast:
        counts.update(iter(it.__next__, "0\n"))
    else:

        def before_end(line: str) -> bool:
            nonlocal ended
            ended = _strip_comment(line) == "0"
            return not ended

        counts.update(itertools.takewhile(before_end, it))
    names_lines = list(it)
    if not names_lines and fast:
        return _parse_blt(reopen, filename=filename, fast=False)
    if not fast and not ended:
        last = ballots_from + sum(counts.values()) - 1
        raise _fail(filename, max(last, line_no), "no '0' line ending the ballots")
    names_start = ballots_from + sum(counts.values()) + 1
    return _finish_blt(
        reopen,
        filename=filename,
        n_candidates=n_candidates,
        seats=seats,
        withdrawn=withdrawn,
        counts=counts,
        ballots_from=ballots_from,
        names=list(enumerate(names_lines, names_start)),
    )


def _finish_blt(
    reopen: Reopen,
    *,
    filename: str,
    n_candidates: int,
    seats: int,
    withdrawn: set[int],
    counts: Counter[str],
    ballots_from: int,
    names: list[tuple[int, str]],
) -> tuple[Ballots, int]:
    # The names section: n names, then an optional title.
    found: list[tuple[int, str]] = []
    for line_no, line in names:
        text = _strip_comment(line)
        if not text:
            continue
        got = _names_on_line(text)
        if isinstance(got, str):
            raise _fail(filename, line_no, got)
        found.extend((line_no, name) for name in got)
    if len(found) < n_candidates:
        where = found[-1][0] if found else (names[-1][0] if names else ballots_from)
        raise _fail(filename, where, f"{n_candidates} candidates declared but {len(found)} names given")
    if len(found) > n_candidates + 1:
        line_no, extra = found[n_candidates + 1]
        raise _fail(
            filename,
            line_no,
            f"{n_candidates} candidates and a title expected, found more names ({extra!r}); "
            "is a multi-word name unquoted on a line with other names?",
        )
    candidates = [name for _, name in found[:n_candidates]]
    for (line_no, name), _ in zip(found[:n_candidates], range(n_candidates), strict=False):
        if not name.strip():
            raise _fail(filename, line_no, "an empty candidate name")
        if candidates.count(name) > 1:
            raise _fail(filename, line_no, f"two candidates are both named {name!r}")
    title = found[n_candidates][1] if len(found) > n_candidates else ""

    # Each distinct ballot line, read once.
    builder = BallotBuilder(candidates, withdrawn=withdrawn)
    bad: dict[str, str] = {}
    papers: list[tuple[str, int, list[Position]]] = []
    for raw, times in counts.items():
        text = _strip_comment(raw)
        if not text:
            continue
        fields = text.split()
        if fields[0].startswith("("):  # optional ballot id: "(id) weight prefs... 0"
            fields = fields[1:]
        if len(fields) < 2 or fields[-1] != "0":
            bad[raw] = f"a ballot line is 'WEIGHT PREF ... 0'; found {text!r}"
            continue
        try:
            weight = int(fields[0])
            prefs = [_blt_position(f, n_candidates) for f in fields[1:-1]]
        except ValueError:
            bad[raw] = f"not whole numbers: {text!r}"
            continue
        if weight < 0:
            bad[raw] = f"negative weight {weight}: a paper's weight is a count of papers"
            continue
        if weight:
            papers.append((raw, weight * times, prefs))
        if len(bad) >= MAX_ERRORS:
            break
    if bad:
        lines = _first_lines(reopen, bad, start=ballots_from)
        errors = sorted(
            (RowError(lines.get(raw, 0), "", why) for raw, why in bad.items()), key=lambda e: e.line
        )
        raise FormatError(errors, filename=filename)
    _add_all(
        builder,
        papers,
        lambda wanted: _first_lines(reopen, wanted, start=ballots_from),
        add=lambda b, p, w, ln: b.add(p, weight=w, line=ln),
    )
    return builder.build(title=title), seats


def _add_all(
    builder: BallotBuilder, papers, locate: Callable[[Iterable[str]], dict[str, int]], *, add
) -> None:
    """Adds each distinct paper once. A paper that needs its line in a message (invalid or
    truncated) is added again with the line, found by one more pass over the file."""
    probe = BallotBuilder(builder.candidates, withdrawn=builder.withdrawn)
    needs_line = []
    for raw, weight, prefs in papers:
        before = (probe.invalid, probe.truncated)
        add(probe, prefs, weight, 0)
        if (probe.invalid, probe.truncated) != before:
            needs_line.append(raw)
    lines = locate(needs_line)
    for raw, weight, prefs in papers:
        add(builder, prefs, weight, lines.get(raw, 0))


# ----------------------------------------------------------------------------------- .csv


def parse_csv(
    lines: Iterable[str] | str, *, candidates: Sequence[str] | None = None, filename: str = ""
) -> Ballots:
    """Parses the ballot CSV given as lines. Candidates are `candidates` when given, else
    every name the file ranks, in order of first appearance."""
    return _parse_csv(_as_reopen(lines), candidates=candidates, filename=filename)


def distinct_rows(
    counts: dict[str, int], width: int, bad: dict[str, str]
) -> Iterator[tuple[str, int, list[str]]]:
    """Each distinct line of a CSV once, as (line, how many times, fields); a line that is not
    a readable row of `width` fields goes into `bad` with the reason (blank lines are skipped)."""
    for raw, times in counts.items():
        try:
            row = _read_row(raw)
        except csv.Error as e:
            bad[raw] = f"not a readable CSV row ({e})"
            continue
        if not row:
            continue
        if len(row) != width:
            bad[raw] = f"expected {width} fields, found {len(row)}"
            continue
        yield raw, times, row


def _read_row(raw: str) -> list[str]:
    return next(csv.reader([raw]), [])


def _is_ballot_csv_header(line: str) -> bool:
    try:
        header = [h.strip().lower() for h in _read_row(line)]
    except csv.Error:
        return False
    ranks = header[1:] if header[:1] == ["category"] else header
    return bool(ranks) and ranks == [f"rank{i}" for i in range(1, len(ranks) + 1)]


def _parse_csv(reopen: Reopen, *, candidates: Sequence[str] | None, filename: str) -> Ballots:
    it = iter(reopen())
    first = next(it, None)
    if first is None or not first.strip():
        raise _fail(filename, 1, "empty file: expected a header")
    header = [h.strip().lower() for h in _read_row(first)]
    has_category = bool(header) and header[0] == "category"
    ranks = header[1:] if has_category else header
    expected = [f"rank{i}" for i in range(1, len(ranks) + 1)]
    if not ranks or ranks != expected:
        raise _fail(filename, 1, "header must be [category,]rank1,rank2,... ; found " + ",".join(header))
    counts = Counter(it)

    def locate(wanted: Iterable[str]) -> dict[str, int]:
        return _first_lines(reopen, wanted, start=2)

    if any(raw.count('"') % 2 for raw in counts):  # a quoted field spans lines: read it as CSV
        counts, first_line = _csv_records(reopen, filename)

        def locate(wanted: Iterable[str]) -> dict[str, int]:
            return {raw: first_line[raw] for raw in wanted}

    width = len(header)
    skip = 1 if has_category else 0
    bad: dict[str, str] = {}
    rows = list(distinct_rows(counts, width, bad))
    if bad:
        lines = _first_lines(reopen, bad, start=2)
        errors = sorted(
            (RowError(lines.get(raw, 0), "", why) for raw, why in bad.items()), key=lambda e: e.line
        )
        raise FormatError(errors[:MAX_ERRORS], filename=filename, truncated=max(0, len(errors) - MAX_ERRORS))
    if candidates is None:
        seen: dict[str, None] = {}
        for _, _, r in rows:
            for name in r[skip:]:
                if name.strip():
                    seen.setdefault(name.strip(), None)
        candidates = list(seen)
    try:
        builder = BallotBuilder(candidates)
    except ValueError as e:
        raise _fail(filename, 1, str(e)) from None
    papers = []
    for raw, times, r in rows:
        names = [x.strip() or None for x in r[skip:]]
        papers.append((raw, times, (r[0].strip() if has_category else None, names)))

    def add(b: BallotBuilder, paper, weight: int, line: int) -> None:
        category, names = paper
        b.add_names(names, weight=weight, category=category, line=line)

    _add_all(builder, papers, locate, add=add)
    return builder.build()


def _csv_records(reopen: Reopen, filename: str) -> tuple[Counter[str], dict[str, int]]:
    """Records (not lines) of a CSV whose quoted fields may span lines, re-serialised one
    per line so they group like the fast path's lines; with the line each first began on."""
    out: Counter[str] = Counter()
    first: dict[str, int] = {}
    reader = csv.reader(reopen())
    next(reader, None)
    try:
        start = reader.line_num + 1
        for row in reader:
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerow(row)
            text = buf.getvalue()
            out[text] += 1
            first.setdefault(text, start)
            start = reader.line_num + 1
    except csv.Error as e:
        raise _fail(filename, reader.line_num, f"not a readable CSV row ({e})") from None
    return out, first


# ----------------------------------------------------------------------------------- writers


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


__all__ = [
    "BallotFile",
    "blt_lines",
    "csv_lines",
    "open_ballot_file",
    "parse_blt",
    "parse_csv",
    "read_ballot_file",
    "write_blt",
    "write_csv",
]
