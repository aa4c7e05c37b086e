"""OS Code-Point Open: every postcode in Great Britain with its point.

The product ships as a zip of one headerless CSV per postcode area (`Data/CSV/de.csv`),
columns as in `Doc/Code-Point_Open_Column_Headers.csv`: postcode, positional quality,
easting, northing (British National Grid, EPSG:27700), country code, then NHS and
administrative codes we do not use. This module reads it area by area (never the whole
file in memory), checks every row, converts the grid to latitude/longitude (EPSG:4326)
with pyproj, and works out the centre of every postcode sector ("DE22 1") and district
("DE22"), the fallback for a full postcode that is not (or no longer) in the file.

Licence: Open Government Licence v3.0. Whoever shows data from it must say
`ATTRIBUTION`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right; "
    "Contains Royal Mail data © Royal Mail copyright and database right; "
    "Contains National Statistics data © Crown copyright and database right "
    "(OS Code-Point Open, Open Government Licence v3.0)."
)
COUNTRIES = {"E92000001": "E", "W92000004": "W", "S92000003": "S", "N92000002": "N"}
NATIONS = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
NO_POINT_QUALITY = "90"  # "no coordinates available": Code-Point gives 0, 0
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([ABD-HJLNP-UW-Z]{2})$")
_AREA_FILE = re.compile(r"^Data/CSV/([a-z]{1,2})\.csv$")
# British National Grid's extent in metres (a row outside it is a broken row, not a place)
_EASTING, _NORTHING = (0, 700_000), (0, 1_300_000)


@dataclass(frozen=True)
class Problem:
    """One bad row: the file inside the zip, its line, the field and what is wrong."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}, {self.field}: {self.message}"


@dataclass
class AreaRows:
    """The checked rows of one postcode area, ready to store."""

    area: str
    postcodes: list[str]
    latitude: np.ndarray
    longitude: np.ndarray
    country: list[str]
    skipped: int = 0  # rows with no coordinates in the product (quality 90)
    problems: list[Problem] = field(default_factory=list)


def split_postcode(text: str) -> tuple[str, str, str] | None:
    """`de221ab` -> ("DE22", "1", "AB"): district, sector digit, unit letters; None if not a
    GB postcode's shape."""
    m = _POSTCODE.match(" ".join(text.upper().split()))
    if m is None:
        return None
    return m.group(1), m.group(2), m.group(3)


def sector_of(postcode: str) -> str:
    """`DE22 1AB` -> `DE22 1`."""
    return postcode[:-2]


def district_of(postcode: str) -> str:
    """`DE22 1AB` -> `DE22`."""
    return postcode.split(" ", 1)[0]


def areas_in(zip_path: Path) -> list[str]:
    """The postcode areas the zip holds, lower case as its file names ("ab", "de", ...)."""
    with zipfile.ZipFile(zip_path) as z:
        return sorted(m.group(1) for n in z.namelist() if (m := _AREA_FILE.match(n)))


def _grid_to_wgs84() -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)

    def convert(e: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = t.transform(e, n)
        return np.asarray(lat), np.asarray(lon)

    return convert


def _read_area(name: str, area: str, lines: Iterable[list[str]], convert) -> AreaRows:
    postcodes: list[str] = []
    eastings: list[float] = []
    northings: list[float] = []
    countries: list[str] = []
    problems: list[Problem] = []
    skipped = 0
    for line, row in enumerate(lines, 1):
        if len(row) < 5:
            problems.append(Problem(name, line, "row", f"expected at least 5 columns, found {len(row)}"))
            continue
        parts = split_postcode(row[0])
        if parts is None:
            problems.append(Problem(name, line, "Postcode", f"{row[0]!r} is not a postcode"))
            continue
        if row[1].strip() == NO_POINT_QUALITY:
            skipped += 1
            continue
        try:
            e, n = float(row[2]), float(row[3])
        except ValueError:
            problems.append(Problem(name, line, "Eastings", f"{row[2]!r}, {row[3]!r} are not numbers"))
            continue
        if not (_EASTING[0] < e < _EASTING[1] and _NORTHING[0] < n < _NORTHING[1]):
            problems.append(Problem(name, line, "Eastings", f"({e:.0f}, {n:.0f}) is outside Great Britain"))
            continue
        country = COUNTRIES.get(row[4].strip())
        if country is None:
            problems.append(Problem(name, line, "Country_code", f"unknown country code {row[4]!r}"))
            continue
        postcodes.append(f"{parts[0]} {parts[1]}{parts[2]}")
        eastings.append(e)
        northings.append(n)
        countries.append(country)
    if postcodes:
        lat, lon = convert(np.asarray(eastings), np.asarray(northings))
    else:
        lat = lon = np.zeros(0)
    return AreaRows(area.upper(), postcodes, lat, lon, countries, skipped, problems)


def read_codepoint(zip_path: Path, areas: Iterable[str] | None = None) -> Iterator[AreaRows]:
    """Each area's checked rows in turn (only `areas`, e.g. ["DE", "NG"], if given)."""
    wanted = None if areas is None else {a.strip().lower() for a in areas}
    convert = _grid_to_wgs84()
    with zipfile.ZipFile(zip_path) as z:
        names = sorted(n for n in z.namelist() if _AREA_FILE.match(n))
        for name in names:
            area = _AREA_FILE.match(name).group(1)
            if wanted is not None and area not in wanted:
                continue
            with z.open(name) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                yield _read_area(name, area, csv.reader(text), convert)


@dataclass
class Centres:
    """Running sums for the centre of every sector and district seen so far."""

    sums: dict[str, list[float]] = field(default_factory=dict)  # code -> [lat, lon, n, country]

    def add(self, rows: AreaRows) -> None:
        lats, lons = rows.latitude.tolist(), rows.longitude.tolist()
        for pc, la, lo, c in zip(rows.postcodes, lats, lons, rows.country, strict=True):
            for code in (pc[:-2], pc.split(" ", 1)[0]):
                s = self.sums.get(code)
                if s is None:
                    self.sums[code] = [la, lo, 1, c]
                else:
                    s[0] += la
                    s[1] += lo
                    s[2] += 1

    def rows(self) -> list[tuple[str, str, float, float, int, str]]:
        """(code, kind, latitude, longitude, postcodes, country): kind is sector or district."""
        return [
            (code, "sector" if " " in code else "district", s[0] / s[2], s[1] / s[2], int(s[2]), s[3])
            for code, s in sorted(self.sums.items())
        ]
