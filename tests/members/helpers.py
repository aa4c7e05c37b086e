import csv
from pathlib import Path

from groundswell.core.formats.members_csv import HEADER


def write_csv(path: Path, rows: list[list[str]], header=HEADER) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def row(
    number,
    first="Ada",
    last="Lovelace",
    email="",
    branch="E14000662",
    category="member",
    affiliate="",
    joined="2015-09-01",
    lapsed="",
    postcode="DE22 1AB",
    phone="",
):
    return [number, first, last, email, phone, postcode, branch, category, affiliate, joined, lapsed]
