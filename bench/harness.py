"""The shape every import benchmark shares: the same file imported by a raw baseline and by
ours, each in a fresh process with a fresh database (so peak RSS is that run's own), on
SQLite and, when DATABASE_URL is set, on PostgreSQL; then one table of rows/s and ratios."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_workers(script: str, path: Path, tmp: Path) -> list[tuple[str, str, dict]]:
    """Runs `script --worker KIND --file PATH --home DIR` for each database and kind."""
    databases = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL") else [])
    results = []
    for db in databases:
        env = dict(os.environ)
        if db == "sqlite":
            env.pop("DATABASE_URL", None)
        for kind in ("baseline", "ours"):
            home = tmp / f"{db}-{kind}"
            home.mkdir()
            proc = subprocess.run(
                [sys.executable, script, "--worker", kind, "--file", str(path), "--home", str(home)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode:
                sys.exit(f"{db} {kind} failed:\n{proc.stderr}")
            results.append((db, kind, json.loads(proc.stdout.strip().splitlines()[-1])))
            (home / "groundswell.sqlite3").unlink(missing_ok=True)
    return results


def print_table(title: str, results: list[tuple[str, str, dict]]) -> None:
    print(f"\n{title}, {os.cpu_count()} cores")
    print(
        f"{'database':<11} {'run':<9} {'seconds':>8} {'rows/s':>10} {'vs baseline':>12} {'peak RSS MB':>12}"
    )
    base: dict[str, float] = {}
    for db, kind, r in results:
        rate = r["rows"] / r["seconds"]
        if kind == "baseline":
            base[db] = rate
        ratio = rate / base[db]
        print(f"{db:<11} {kind:<9} {r['seconds']:8.2f} {rate:10,.0f} {ratio:11.0%} {r['peak_rss_mb']:12.0f}")
