"""groundswell trigger-count FILE [--threshold KIND=FRACTION ...] [--json]: decides a trigger ballot."""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groundswell.core.selections import Section, TriggerError, trigger_outcome

COLUMNS = ("section", "kind", "for", "against")


def read_sections(path: Path) -> list[Section]:
    """Every row checked first; one bad row and nothing is counted (file, line, field named)."""
    problems, sections = [], []
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"{path}: line 1: missing column(s) {', '.join(missing)}")
            for line, row in enumerate(reader, start=2):
                counts = {}
                for field in ("for", "against"):
                    text = (row.get(field) or "").strip()
                    if not text.isdigit():
                        problems.append(
                            f"{path}: line {line}: {field}: a whole number, 0 or more, not {text!r}"
                        )
                    counts[field] = int(text) if text.isdigit() else 0
                name, kind = (row.get("section") or "").strip(), (row.get("kind") or "").strip()
                if not name:
                    problems.append(f"{path}: line {line}: section: empty")
                sections.append(Section(name, kind, counts["for"], counts["against"]))
    except OSError as e:
        raise CommandError(f"{path}: cannot read it ({e.strerror})") from e
    if problems:
        raise CommandError("nothing counted:\n" + "\n".join(problems))
    return sections


def parse_threshold(text: str) -> tuple[str, Fraction]:
    kind, _, value = text.partition("=")
    try:
        return kind.strip(), Fraction(value.strip())
    except (ValueError, ZeroDivisionError) as e:
        raise CommandError(f"--threshold {text!r}: write KIND=FRACTION, e.g. branch=1/3") from e


class Command(BaseCommand):
    help = (
        "Decide a trigger ballot from each section's vote (CSV: section,kind,for,against). A section "
        "says yes on a majority for; the selection opens when the yes share of any kind reaches "
        "its threshold."
    )
    group = "democracy"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--threshold",
            action="append",
            default=[],
            help="KIND=FRACTION, repeatable (default: branch=1/3 and affiliate=1/3)",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, file: Path, threshold: list[str], **options):
        thresholds = dict(parse_threshold(t) for t in threshold) or {
            "branch": Fraction(1, 3),
            "affiliate": Fraction(1, 3),
        }
        try:
            outcome = trigger_outcome(read_sections(file), thresholds)
        except TriggerError as e:
            raise CommandError(f"{file}: {e}") from e
        if options["json"]:
            self.stdout.write(_json(outcome.report()))
            return
        for s in outcome.sections:
            self.stdout.write(
                f"{s.kind:10} {s.name:40} for {s.votes_for:5} against {s.votes_against:5}  "
                f"{'YES' if s.says_yes else 'no'}"
            )
        for k in outcome.kinds:
            self.stdout.write(
                f"{k.kind}: {k.yes} of {k.sections} said yes; {k.needed} needed: "
                f"{'met' if k.met else 'not met'}"
            )
        self.stdout.write("A selection is TRIGGERED." if outcome.triggered else "No selection is triggered.")


def _json(report: dict) -> str:
    return json.dumps(report, indent=2)
