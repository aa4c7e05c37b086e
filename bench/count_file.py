"""`groundswell count` on a million-paper file beside a bare `csv.reader` pass over the same
file, in the same run.

    python bench/count_file.py [--papers 1000000] [--repeat 3]

Files: 1,000,000 papers, 5 candidates, 3 elector categories, random partial rankings with
skewed first preferences (the shape of a leadership ballot: a few hundred distinct
rankings), written once as the ballot CSV (`category,rank1..rank5`) and as an ERS `.blt`
(one `1 a b c 0` line per paper, the way published files list papers).

- baseline: a child process that reads the file with Python's own `csv.reader` and does
  nothing else (`for row in csv.reader(f): pass`);
- ours: a child process running `groundswell count FILE --json` (start-up, imports,
  parsing, validation, the count and the JSON report): the console script beside
  `sys.executable` when there is one, else `python -m groundswell.cli`. The package's
  bytecode is compiled first, as `pip install` leaves an installed package
  (`--source-only` skips that: with PYTHONDONTWRITEBYTECODE set, as on the development
  machine, and no `__pycache__` left from an earlier run, every run then compiles the
  modules it imports).

Both are timed by wall clock, best of `--repeat`, and by CPU time (user + system, least
of `--repeat`: steadier than the wall clock on a shared machine); peak RSS per child from
`os.wait4` (the files are written by another child, so this process stays small: a forked
child's peak RSS includes its parent's memory until it execs).
Goal (issue 13): ours at most 2x the bare read, peak RSS under 200 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

NAMES = ["Andy Burnham", "Yvette Cooper", "Jeremy Corbyn", "Liz Kendall", "Mary Creagh"]
CATEGORIES = ("member", "registered_supporter", "affiliated_supporter")
BARE = (
    "import csv, sys\nwith open(sys.argv[1], newline='') as f:\n    for row in csv.reader(f):\n        pass\n"
)


COMPILE = (
    "import compileall, os, groundswell\n"
    "compileall.compile_dir(os.path.dirname(groundswell.__file__), quiet=1)\n"
)


def random_papers(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    k = len(NAMES)
    keys = rng.random((n, k)) ** (1 / np.linspace(1.0, 0.55, k))
    prefs = np.argsort(-keys, axis=1)
    lengths = rng.integers(1, k + 1, size=n)
    prefs[np.arange(k)[None, :] >= lengths[:, None]] = -1
    return prefs, rng.choice(3, size=n, p=[0.56, 0.24, 0.20])


def write_files(directory: Path, n: int) -> tuple[Path, Path]:
    prefs, cats = random_papers(n)
    # each distinct (category, ranking) formatted once, then written once per paper
    csv_path, blt_path = directory / "papers.csv", directory / "papers.blt"
    csv_lines: dict[tuple, str] = {}
    blt_lines: dict[tuple, str] = {}
    with csv_path.open("w") as fc, blt_path.open("w") as fb:
        fc.write("category," + ",".join(f"rank{i}" for i in range(1, len(NAMES) + 1)) + "\n")
        fb.write(f"{len(NAMES)} 1\n")
        for row, cat in zip(prefs.tolist(), cats.tolist(), strict=True):
            ranking = tuple(c for c in row if c >= 0)
            key = (cat, ranking)
            line = csv_lines.get(key)
            if line is None:
                names = [NAMES[c] for c in ranking]
                cells = [CATEGORIES[cat], *names, *[""] * (len(NAMES) - len(names))]
                line = csv_lines[key] = ",".join(cells) + "\n"
            fc.write(line)
            bline = blt_lines.get(ranking)
            if bline is None:
                bline = blt_lines[ranking] = "1 " + " ".join(str(c + 1) for c in ranking) + " 0\n"
            fb.write(bline)
        fb.write("0\n" + "".join(f'"{name}"\n' for name in NAMES) + '"Leadership (synthetic)"\n')
    return csv_path, blt_path


def timed(argv: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB, CPU seconds user + system) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed: {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def best(argv: list[str], repeat: int) -> tuple[float, float, float]:
    """Best wall clock, highest peak RSS and least CPU time of `repeat` runs."""
    runs = [timed(argv) for _ in range(repeat)]
    return min(w for w, _, _ in runs), max(r for _, r, _ in runs), min(c for _, _, c in runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--papers", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--source-only",
        action="store_true",
        help="do not compile groundswell's bytecode first (bytecode already there is still used)",
    )
    ap.add_argument("--write", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write:
        write_files(args.write, args.papers)
        return
    script = Path(sys.executable).with_name("groundswell")  # the console script, as users run it
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "groundswell.cli"]
    cli.append("count")
    if not args.source_only:
        # bytecode for the package the children import, as `pip install` leaves it (a
        # PYTHONDONTWRITEBYTECODE environment would otherwise compile it in every run)
        subprocess.run(
            [sys.executable, "-c", COMPILE], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
    with tempfile.TemporaryDirectory() as tmp:
        # written by a child, so that this process stays small: a forked child's peak RSS
        # counts its parent's memory until it execs
        subprocess.run([sys.executable, __file__, "--write", tmp, "--papers", str(args.papers)], check=True)
        csv_path, blt_path = Path(tmp) / "papers.csv", Path(tmp) / "papers.blt"
        tiny = Path(tmp) / "tiny.blt"
        tiny.write_text('2 1\n1 1 0\n0\n"A"\n"B"\n"t"\n')
        startup, _, startup_cpu = best([*cli, str(tiny), "--json"], args.repeat)
        print(f"{args.papers:,} papers; {os.cpu_count()} cores; python {sys.version.split()[0]}")
        compiled = "not precompiled" if args.source_only else "precompiled"
        print(f"ours: {' '.join(Path(a).name for a in cli)}; groundswell's bytecode {compiled}")
        print(f"start-up (count of a 6-line file): {startup:.2f} s ({startup_cpu:.2f} s CPU)")
        print(
            f"{'file':<6} {'MB':>6} {'csv.reader s':>13} {'ours s':>8} {'ratio':>6} "
            f"{'ours-startup':>13} {'ratio':>6} {'CPU s reader/ours':>18} {'ratio':>6} "
            f"{'RSS MB reader/ours':>19}"
        )
        for path in (csv_path, blt_path):
            base_t, base_rss, base_cpu = best([sys.executable, "-c", BARE, str(path)], args.repeat)
            ours_t, ours_rss, ours_cpu = best([*cli, str(path), "--json"], args.repeat)
            size = path.stat().st_size / 1e6
            print(
                f"{path.suffix:<6} {size:>6.1f} {base_t:>13.2f} {ours_t:>8.2f} {ours_t / base_t:>6.2f} "
                f"{ours_t - startup:>13.2f} {(ours_t - startup) / base_t:>6.2f} "
                f"{base_cpu:>9.2f} / {ours_cpu:<6.2f} {ours_cpu / base_cpu:>6.2f} "
                f"{base_rss:>9.0f} / {ours_rss:<7.0f}"
            )


if __name__ == "__main__":
    main()
