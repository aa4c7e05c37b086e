"""Checks a published ballot from its files alone: `groundswell verify DIR`.

Anyone who downloads a ballot's published files (manifest.json, board.jsonl,
marked_register.json, ballots.csv, ballots.blt, result.json) can check, without trusting
the server or needing Groundswell's database:

1. every file is the one the manifest names (SHA-256);
2. the bulletin board's hash chain is whole and ends at the manifest's head; every tracker
   is the SHA-256 of its sealed paper, and every sealed paper has this ballot's length;
3. sealed papers = marked register (electors recorded as having voted) = decrypted
   papers, in total and in each elector category;
4. the `.blt` and `.csv` hold the same papers, and counting them again gives the
   published result, round by round.

What it cannot check from public files is that each paper is the decryption of a sealed
one (that needs a verifiable shuffle, or the trustees' key): see README "The ballot box".
It imports no Django, so it runs anywhere the `groundswell` package is installed.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from groundswell.core.ballotbox import board as board_mod
from groundswell.core.ballotbox.sealing import sealed_length, tracker

REQUIRED = (
    "manifest.json",
    "board.jsonl",
    "marked_register.json",
    "ballots.csv",
    "ballots.blt",
    "result.json",
)


@dataclass
class Report:
    checks: list[tuple[bool, str]] = field(default_factory=list)

    def add(self, ok: bool, text: str) -> bool:
        self.checks.append((ok, text))
        return ok

    @property
    def ok(self) -> bool:
        return all(ok for ok, _ in self.checks)

    def lines(self) -> list[str]:
        return [("PASS " if ok else "FAIL ") + text for ok, text in self.checks]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _papers(path: Path, candidates: list[str]):
    from groundswell.core.formats.ballot_files import read_ballot_file

    ballots, _ = read_ballot_file(path, candidates=candidates)
    return ballots


def _multiset(ballots) -> Counter:
    out: Counter = Counter()
    for row, weight in zip(ballots.prefs.tolist(), ballots.weights.tolist(), strict=True):
        out[tuple(c for c in row if c >= 0)] += int(weight)
    return out


def _csv_categories(path: Path) -> dict[str, int]:
    """Papers per elector category, valid or not, straight from the CSV's first column."""
    import csv

    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = csv.reader(fh)
        header = next(rows, [])
        if not header or header[0] != "category":
            return {}
        return dict(Counter(row[0] for row in rows if row))


def verify_board(
    directory: Path,
    *,
    tracker_to_find: str | None = None,
    head: str | None = None,
    key_fingerprint: str | None = None,
) -> Report:
    r = Report()
    missing = [name for name in REQUIRED if not (directory / name).is_file()]
    if not r.add(
        not missing,
        "all published files are present" + (f" (missing: {', '.join(missing)})" if missing else ""),
    ):
        return r
    manifest = json.loads((directory / "manifest.json").read_text())
    _check_anchors(r, manifest, head, key_fingerprint)
    files = manifest.get("files", {})
    for name in REQUIRED[1:]:
        expected = files.get(name)
        actual = _sha256(directory / name)
        r.add(expected == actual, f"{name} has the SHA-256 the manifest names")
    for name in sorted(set(files) - set(REQUIRED)):  # files added since (exclusions.json): if present
        if "/" not in name and "\\" not in name and (directory / name).is_file():
            r.add(files[name] == _sha256(directory / name), f"{name} has the SHA-256 the manifest names")
    candidates = list(manifest["candidates"])
    width = sealed_length(len(candidates))

    # the bulletin board
    prev = board_mod.genesis(manifest["ballot"], manifest["key_fingerprint"])
    board_ok, last, count = True, "", 0
    sealed_by_cat: Counter = Counter()
    found = False
    problems: list[str] = []
    with open(directory / "board.jsonl") as fh:
        try:
            for line_no, e in board_mod.read(fh):
                count += 1
                try:
                    sealed = base64.b64decode(e["sealed"], validate=True)
                except (binascii.Error, KeyError, TypeError):
                    problems.append(f"line {line_no}: the sealed paper is not base64")
                    board_ok = False
                    continue
                want = board_mod.entry_hash(prev, e.get("tracker", ""), e.get("category", ""), e["sealed"])
                if e.get("n") != count or e.get("prev") != prev or e.get("hash") != want:
                    problems.append(f"line {line_no}: the hash chain breaks here")
                    board_ok = False
                if tracker(sealed) != e.get("tracker"):
                    problems.append(f"line {line_no}: the tracker is not the SHA-256 of the sealed paper")
                    board_ok = False
                if len(sealed) != width:
                    problems.append(f"line {line_no}: a sealed paper of {len(sealed)} bytes, not {width}")
                    board_ok = False
                if e.get("tracker", "") <= last:
                    problems.append(f"line {line_no}: trackers out of order or repeated")
                    board_ok = False
                last = e.get("tracker", "")
                sealed_by_cat[e.get("category", "")] += 1
                if tracker_to_find and e.get("tracker") == tracker_to_find.strip().lower():
                    found = True
                prev = e.get("hash", "")
        except ValueError as exc:
            problems.append(f"unreadable board: {exc}")
            board_ok = False
    head = manifest.get("board", {})
    r.add(
        board_ok,
        "the bulletin board's hash chain is whole" + ("; " + "; ".join(problems[:5]) if problems else ""),
    )
    r.add(
        prev == head.get("head") and count == head.get("entries"),
        f"the board ends at the published head with {head.get('entries')} entries (found {count})",
    )

    # marked register and papers
    marked = {k: int(v) for k, v in json.loads((directory / "marked_register.json").read_text()).items()}
    r.add(
        sum(marked.values()) == count,
        f"sealed papers ({count}) = electors marked as voted ({sum(marked.values())})",
    )
    r.add(
        {k: v for k, v in marked.items() if v} == {k: v for k, v in sealed_by_cat.items() if v},
        "sealed papers = marked electors in every category",
    )
    # categories too small to show apart are shown folded into another (manifest category_map)
    fold = manifest.get("category_map", {}) or {}
    folded: Counter = Counter()
    for category, n in sealed_by_cat.items():
        folded[fold.get(category, category)] += n
    sealed_by_cat = folded
    csv_papers = _papers(directory / "ballots.csv", candidates)
    blt_papers = _papers(directory / "ballots.blt", candidates)
    n_papers = int(csv_papers.weights.sum()) + csv_papers.invalid
    r.add(n_papers == count, f"decrypted papers ({n_papers}) = sealed papers ({count})")
    r.add(
        _csv_categories(directory / "ballots.csv") == {k: v for k, v in sealed_by_cat.items() if v},
        "decrypted papers = sealed papers in every category",
    )
    r.add(_multiset(csv_papers) == _multiset(blt_papers), "ballots.csv and ballots.blt hold the same papers")

    # the recount
    from groundswell.core.counting import count as count_papers

    published = json.loads((directory / "result.json").read_text())
    again = count_papers(csv_papers, method=manifest["method"], seats=int(manifest["seats"])).to_dict()
    same = (
        again["winners"] == published.get("winners")
        and [x["tallies"] for x in again["rounds"]] == [x["tallies"] for x in published.get("rounds", [])]
        and again["valid"] == published.get("valid")
    )
    r.add(same, f"counting the papers again elects {', '.join(again['winners']) or 'nobody'}, as published")
    if tracker_to_find:
        r.add(found, f"tracker {tracker_to_find.strip().lower()} is on the board")
    return r


def verify_audit_file(path: Path, *, candidates: list[str] | None, key_fingerprint: str | None) -> Report:
    """Checks a voter's audited paper (the JSON the voting page shows on "audit") against the
    ballot as the voter knows it from elsewhere: its candidates in ballot-paper order and its
    key's fingerprint (both on the ballot's pages and in its published manifest). The paper's
    own copies of them prove nothing: a cheating page would write them too."""
    from groundswell.core.ballotbox.sealing import fingerprint, info_for, verify_audit

    r = Report()
    data = json.loads(Path(path).read_text())
    if not r.add(
        bool(candidates) and bool(key_fingerprint),
        "the ballot's candidates and key fingerprint are given (--candidates, --key-fingerprint)",
    ):
        return r
    public = bytes.fromhex(data["public_key"])
    r.add(fingerprint(public) == key_fingerprint.strip().lower(), "the paper was sealed to this ballot's key")
    r.add(
        list(data.get("candidates", [])) == list(candidates),
        "the paper lists this ballot's candidates, in order",
    )
    r.add(data.get("info") == info_for(int(data["ballot"])).decode(), "the paper is bound to its ballot")
    result = verify_audit(
        public_bytes=public,
        info=info_for(int(data["ballot"])),
        n_candidates=len(candidates),
        ranking=[int(x) for x in data["ranking"]],
        ikm=bytes.fromhex(data["ephemeral_ikm"]),
        sealed=base64.b64decode(data["sealed"]),
    )
    names = [candidates[i] for i in result.ranking if 0 <= i < len(candidates)]
    r.add(
        result.tracker == data.get("tracker", result.tracker),
        "the tracker is the SHA-256 of the sealed paper",
    )
    r.add(
        result.ok,
        "the sealed paper holds exactly: " + ", ".join(f"{i}. {n}" for i, n in enumerate(names, 1))
        if result.ok
        else result.problem,
    )
    return r


def _check_anchors(r: Report, manifest: dict, head: str | None, key_fingerprint: str | None) -> None:
    """The manifest itself could be rewritten whole: the board's head and the key's
    fingerprint, announced elsewhere (the result declaration, the ballot's pages, the audit
    trail), pin it down."""
    from groundswell.core.ballotbox.sealing import fingerprint

    r.add(
        fingerprint(bytes.fromhex(manifest["public_key"])) == manifest["key_fingerprint"],
        "the key fingerprint is the SHA-256 of the published public key",
    )
    if head:
        r.add(
            manifest.get("board", {}).get("head") == head.strip().lower(),
            "the board's head is the one announced",
        )
    if key_fingerprint:
        r.add(
            manifest["key_fingerprint"] == key_fingerprint.strip().lower(),
            "the ballot's key is the one announced",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="groundswell verify",
        description="Check a published ballot's files (a directory), or an audited paper (a .json file).",
    )
    parser.add_argument("path", type=Path, help="directory of published files, or an audited paper's JSON")
    parser.add_argument("--tracker", help="also check that this tracker (your receipt) is on the board")
    parser.add_argument("--head", help="the board's head as announced with the result (pins the manifest)")
    parser.add_argument("--key-fingerprint", help="the ballot key's fingerprint, from the ballot's pages")
    parser.add_argument(
        "--candidates",
        help="for an audited paper: the ballot's candidates in ballot-paper order, comma-separated",
    )
    args = parser.parse_args(argv)
    if args.path.is_file():
        names = [c.strip() for c in args.candidates.split(",")] if args.candidates else None
        report = verify_audit_file(args.path, candidates=names, key_fingerprint=args.key_fingerprint)
    else:
        report = verify_board(
            args.path, tracker_to_find=args.tracker, head=args.head, key_fingerprint=args.key_fingerprint
        )
    for line in report.lines():
        print(line)
    print("VERIFIED" if report.ok else "NOT VERIFIED")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
