"""The electoral register CSV (as electoral registration officers give it to parties).

Validation reports every bad row; valid rows come out normalised, with the household key
(same address lines and postcode: one household) and the address parsed for walk lists.

Two kinds of file come from electoral services. The **full register** is published each
December (and after a canvass): everyone on it, so whoever is missing has left. Between
them come **monthly updates** (notices of alteration): only the electors added, changed
(name, address, franchise marker) or deleted that month. Register systems mark each row:
Idox Elections (formerly Halarose) update exports carry a status of `+`, `=` or `-` with
the month (`+Feb`), Xpress update exports the month created, changed or deleted. An update
file here is the full register's columns after a first `change` column: `A` (addition),
`C` (change), `D` (deletion); the Idox signs `+`, `=`, `-` (with or without the month) and
the words addition, change, amendment, deletion are read as the same. A deletion needs only
the polling district and elector number.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from groundswell.core.formats.errors import ErrorCollector
from groundswell.core.formats.members_csv import normalise_postcode
from groundswell.core.geo.address import Address, parse_address

HEADER: tuple[str, ...] = (
    "polling_district", "elector_number", "markers", "attainer_date", "title", "first_name", "last_name",
    "address_1", "address_2", "address_3", "address_4", "postcode", "latitude", "longitude",
)  # fmt: skip
# Franchise markers on UK registers: G, E and K cannot vote at a UK general election
# (EU citizens; K: local and Scottish/Welsh only); F is an overseas elector (votes, no door).
NO_GENERAL_ELECTION_VOTE = frozenset("GEK")
OVERSEAS = "F"
UPDATE_HEADER: tuple[str, ...] = ("change", *HEADER)
ADDITION, CHANGE, DELETION = "A", "C", "D"
_CHANGE_WORDS = {
    "A": ADDITION, "+": ADDITION, "ADD": ADDITION, "ADDITION": ADDITION, "NEW": ADDITION,
    "C": CHANGE, "=": CHANGE, "M": CHANGE, "CHANGE": CHANGE, "AMEND": CHANGE, "AMENDMENT": CHANGE,
    "D": DELETION, "-": DELETION, "DELETE": DELETION, "DELETION": DELETION,
}  # fmt: skip
_MONTH_SUFFIX = re.compile(r"^([+=-])\s*[A-Za-z]{3,9}$")  # Idox: "+Feb", "-March"
UK_BOUNDS = (49.8, 60.95, -8.7, 1.8)  # lat min, lat max, lon min, lon max

_DISTRICT = re.compile(r"^[A-Z0-9]{1,6}$")
_NUMBER = re.compile(r"^(\d{1,7})(?:/(\d{1,3}))?$")
_MARKERS = re.compile(r"^[A-Z]*$")


@dataclass(frozen=True, slots=True)
class RegisterRow:
    line: int
    polling_district: str
    elector_number: str
    number_sort: int  # 1234/2 -> 1234002, for walking order
    markers: str
    attainer_date: date | None
    title: str
    first_name: str
    last_name: str
    address: tuple[str, str, str, str]
    postcode: str
    latitude: float | None
    longitude: float | None
    household_key: str
    change: str = ""  # monthly updates: A, C or D; "" in a full register

    @property
    def parsed(self) -> Address:
        """Flat, number and street: worked out only when a new household needs them."""
        return parse_address(list(self.address))


def household_key(lines: Iterable[str], postcode: str) -> str:
    """One household: the same address lines (ignoring case and spacing) and postcode."""
    parts = [" ".join(x.split()).upper() for x in lines if x and not x.isspace()]
    return "|".join(parts) + "#" + postcode.replace(" ", "").upper()


def parse_change(text: str) -> str | None:
    """A monthly update row's change marker as A, C or D; None if it is not one."""
    text = text.strip()
    m = _MONTH_SUFFIX.match(text)
    if m:
        text = m.group(1)
    return _CHANGE_WORDS.get(text.upper())


def can_vote_at_general_election(markers: str, attainer_date: date | None, polling_day: date) -> bool:
    if any(m in NO_GENERAL_ELECTION_VOTE for m in markers):
        return False
    return attainer_date is None or attainer_date <= polling_day


def has_door(markers: str) -> bool:
    """Overseas electors are on the register but live abroad: nobody to knock for."""
    return OVERSEAS not in markers


class RegisterReader(ErrorCollector):
    """Iterates over valid rows; problems accumulate in `errors` (capped, all counted)."""

    def __init__(self, lines: Iterable[str], *, update: bool = False, max_errors: int = 1000) -> None:
        self._lines = lines
        self.update = update
        self.header = UPDATE_HEADER if update else HEADER
        super().__init__(max_errors=max_errors)
        self._last_address: tuple = ()
        self._last_key = ""
        self._last_postcode: tuple[str, str | None] = ("", None)

    def __iter__(self) -> Iterator[RegisterRow]:
        reader = csv.reader(self._lines)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            self._error(1, "", "the file is empty; expected a header line")
            return
        except csv.Error as exc:
            self._error(1, "", f"not a readable CSV file ({exc})")
            return
        if header != list(self.header):
            self._error(1, "", self._header_problem(header))
            return
        seen: dict[int, int] = {}
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                self._error(reader.line_num, "", f"not a readable CSV row ({exc})")
                continue
            line = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            self.rows_read += 1
            if len(cells) != len(self.header):
                self._error(line, "", f"expected {len(self.header)} fields, found {len(cells)}")
                continue
            cells = [c.strip() for c in cells]
            change = ""
            if self.update:
                change = parse_change(cells[0]) or ""
                if not change:
                    self._error(
                        line, "change", f"change {cells[0]!r}: use A (addition), C (change) or D (deletion)"
                    )
                    continue
                cells = cells[1:]
            row = self._validate(line, cells, seen, change)
            if row is not None:
                yield row

    def _header_problem(self, header: list[str]) -> str:
        expected = ",".join(self.header)
        if not self.update and header == list(UPDATE_HEADER):
            return (
                "this is a monthly update file (it has a change column): import it as a monthly "
                "update, not as a full register"
            )
        if self.update and header == list(HEADER):
            return (
                "this looks like a full register (no change column): a monthly update file starts "
                f"with a change column (A, C or D); expected: {expected}"
            )
        missing = [h for h in self.header if h not in header]
        detail = f"missing {', '.join(missing)}" if missing else "unexpected or out-of-order columns"
        return f"wrong header ({detail}); expected: {expected}"

    def _validate(
        self, line: int, c: list[str], seen: dict[int, int], change: str = ""
    ) -> RegisterRow | None:
        before = len(self.errors) + self.more_errors
        (district, number, markers, attainer, title, first, last, a1, a2, a3, a4, postcode, lat_s, lon_s) = c
        district = district.upper()
        if not district:
            self._error(line, "polling_district", "polling_district is required")
        elif not _DISTRICT.match(district):
            self._error(
                line, "polling_district", f"polling district {district!r}: use up to 6 letters or digits"
            )
        number_sort = 0
        m = _NUMBER.match(number)
        if not number:
            self._error(line, "elector_number", "elector_number is required")
        elif not m:
            self._error(line, "elector_number", f"elector number {number!r}: digits, optionally /suffix")
        else:
            number_sort = int(m.group(1)) * 1000 + int(m.group(2) or 0)
            key = hash((district, number))
            if key in seen:
                self._error(
                    line,
                    "elector_number",
                    f"elector {district}-{number} appears twice (first on line {seen[key]})",
                )
            else:
                seen[key] = line
        markers = markers.upper().replace(" ", "")
        if not _MARKERS.match(markers):
            self._error(line, "markers", f"markers {markers!r}: letters only")
        attainer_date = None
        if attainer:
            try:
                attainer_date = date.fromisoformat(attainer)
            except ValueError:
                self._error(line, "attainer_date", f"bad date {attainer!r}; use YYYY-MM-DD")
        if not last and change != DELETION:  # a deletion names the elector by number alone
            self._error(line, "last_name", "last_name is required")
        if not a1 and change != DELETION:
            self._error(line, "address_1", "address_1 is required")
        if postcode:
            if postcode != self._last_postcode[0]:  # one household's electors share it
                self._last_postcode = (postcode, normalise_postcode(postcode))
            normal = self._last_postcode[1]
            if normal is None:
                self._error(line, "postcode", f"malformed UK postcode {postcode!r}")
            else:
                postcode = normal
        lat = lon = None
        if lat_s or lon_s:
            try:
                lat, lon = float(lat_s), float(lon_s)
            except ValueError:
                self._error(
                    line,
                    "latitude" if not _is_float(lat_s) else "longitude",
                    "latitude and longitude must both be numbers (or both blank)",
                )
            else:
                if not (UK_BOUNDS[0] <= lat <= UK_BOUNDS[1] and UK_BOUNDS[2] <= lon <= UK_BOUNDS[3]):
                    self._error(line, "latitude", f"({lat}, {lon}) is not in the United Kingdom")
        if len(self.errors) + self.more_errors != before:
            return None
        lines = (a1, a2, a3, a4)
        return RegisterRow(
            line=line,
            polling_district=district,
            elector_number=number,
            number_sort=number_sort,
            markers=markers,
            attainer_date=attainer_date,
            title=title,
            first_name=first,
            last_name=last,
            address=lines,
            postcode=postcode,
            latitude=lat,
            longitude=lon,
            household_key=self._key(lines, postcode),
            change=change,
        )

    def _key(self, lines: tuple[str, str, str, str], postcode: str) -> str:
        # the electors of one household come one after another: reuse the last key
        if (lines, postcode) != self._last_address:
            self._last_address = (lines, postcode)
            self._last_key = household_key(lines, postcode)
        return self._last_key


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
