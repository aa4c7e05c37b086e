"""The real Labour leadership results by elector category, reproduced through the CLI."""

import csv
import json
import os
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "src/groundswell/data/leadership_results.csv"


def results(election: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    with open(DATA, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["election"] == election:
                out[row["category"]][row["candidate"]] = int(row["first_preferences"])
    return dict(out)


def write_ballots(path: Path, by_category: dict[str, dict[str, int]], *, lower_preferences: bool) -> int:
    """One line per paper, shuffled; later preferences are synthetic when asked for."""
    rng = random.Random(2016)
    candidates = sorted({c for cats in by_category.values() for c in cats})
    papers = []
    for category, counts in by_category.items():
        for candidate, n in counts.items():
            others = [c for c in candidates if c != candidate]
            for _ in range(n):
                ranking = [candidate]
                if lower_preferences:
                    rng.shuffle(others)
                    ranking += others[: rng.randint(0, len(others))]
                papers.append((category, ranking))
    rng.shuffle(papers)
    width = len(candidates)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["category", *[f"rank{i}" for i in range(1, width + 1)]])
        for category, ranking in papers:
            w.writerow([category, *ranking, *[""] * (width - len(ranking))])
    return len(papers)


def count_cli(path: Path, tmp_path: Path) -> dict:
    env = {**os.environ, "GROUNDSWELL_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "groundswell.settings"}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "groundswell.cli", "count", str(path), "--method", "irv", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.slow
def test_2016_leadership_result_by_category_is_reproduced_exactly(tmp_path):
    expected = results("labour_leader_2016")
    n = write_ballots(tmp_path / "2016.csv", expected, lower_preferences=False)
    assert n == 506_438
    report = count_cli(tmp_path / "2016.csv", tmp_path)
    assert report["valid"] == 506_438 and report["invalid"] == 0
    assert report["by_category"] == expected
    assert report["winners"] == ["Jeremy Corbyn"]
    assert report["rounds"][0]["tallies"] == {"Jeremy Corbyn": 313_209, "Owen Smith": 193_229}


@pytest.mark.slow
def test_2015_first_preferences_by_category_with_synthetic_lower_preferences(tmp_path):
    expected = results("labour_leader_2015")
    n = write_ballots(tmp_path / "2015.csv", expected, lower_preferences=True)
    report = count_cli(tmp_path / "2015.csv", tmp_path)
    assert report["valid"] == n == 422_664
    assert report["by_category"] == {
        cat: {c: expected[cat].get(c, 0) for c in report["candidates"]} for cat in expected
    }
    assert report["winners"] == ["Jeremy Corbyn"]
    assert report["rounds"][0]["tallies"]["Jeremy Corbyn"] == 251_417  # 59.5%: round one
