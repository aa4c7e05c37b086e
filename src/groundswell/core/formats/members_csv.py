"""The members CSV of DESIGN.md: validation that reports every bad row, streaming.

The reader never holds the file: it yields each good row as it goes and collects the
problems, so a caller can validate half a million rows in flat memory and then decide
(all-or-nothing) whether to import.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from groundswell.core.formats.errors import ErrorCollector

HEADER: tuple[str, ...] = (
    "membership_number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "branch",
    "category",
    "affiliate",
    "joined_on",
    "lapsed_on",
)
# Optional trailing columns: the date each consent was given (blank: not given).
CONSENT_COLUMNS: tuple[str, ...] = ("consent_email", "consent_phone", "consent_data_processing")
CATEGORIES: tuple[str, ...] = ("member", "registered_supporter", "affiliated_supporter")
REQUIRED: frozenset[str] = frozenset(
    {"membership_number", "first_name", "last_name", "branch", "category", "joined_on"}
)

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")
_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2})$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
_NAME_CHARS = re.compile(r"[^\w]+", re.UNICODE)
_MEMBERSHIP_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,32}$")


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One valid row, already normalised (postcode spaced and upper-cased, email trimmed)."""

    line: int
    membership_number: str
    first_name: str
    last_name: str
    email: str
    phone: str
    postcode: str
    branch_id: int
    category: str
    affiliate: str
    joined_on: date
    lapsed_on: date | None
    consent_email: date | None = None
    consent_phone: date | None = None
    consent_data_processing: date | None = None
    email_key: str = ""  # normalise_email(email)
    name_key: str = ""  # name_postcode_key(first_name, last_name, postcode)


def normalise_email(email: str) -> str:
    """Case-folded and trimmed: mail systems treat the address case-insensitively in practice."""
    return email.strip().lower()


def normalise_postcode(postcode: str) -> str | None:
    """`de221ab` -> `DE22 1AB`; None when it is not a UK postcode shape."""
    compact = postcode.replace(" ", "").upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def name_postcode_key(first_name: str, last_name: str, postcode: str) -> str:
    """Name and postcode as one key, ignoring case, spacing and punctuation.

    Empty when there is no postcode: a name alone is too weak to call two people one.
    """
    if not postcode:
        return ""
    first = _NAME_CHARS.sub("", first_name.casefold())
    last = _NAME_CHARS.sub("", last_name.casefold())
    return f"{first}|{last}|{postcode.replace(' ', '').upper()}"


def _parse_date(text: str) -> date:
    value = date.fromisoformat(text)
    if len(text) != 10:  # fromisoformat also takes 20160101; the format says YYYY-MM-DD
        raise ValueError(text)
    return value


BranchResolver = Callable[[str], int]
"""Maps a branch cell (ONS code or name) to a branch id, or raises ValueError(reason)."""


class MembersReader(ErrorCollector):
    """Iterate over valid rows of a members CSV; problems accumulate in `errors`.

    `errors` is capped at `max_errors` entries (the rest are counted in `more_errors`) so
    that a file of half a million bad rows cannot exhaust memory. Duplicate membership
    numbers are detected here; finding the same person twice needs the database too and is
    the caller's job.
    """

    def __init__(
        self,
        lines: Iterable[str],
        *,
        resolve_branch: BranchResolver,
        max_errors: int = 1000,
    ) -> None:
        self._lines = lines
        self._resolve_branch = resolve_branch
        super().__init__(max_errors=max_errors)

    def _check_header(self, header: list[str]) -> list[str] | None:
        names = [h.strip().lower() for h in header]
        if names[: len(HEADER)] != list(HEADER):
            missing = [h for h in HEADER if h not in names]
            detail = "missing " + ", ".join(missing) if missing else "columns out of order"
            self._error(1, "", f"wrong header ({detail}); expected: {','.join(HEADER)}")
            return None
        extra = names[len(HEADER) :]
        unknown = [h for h in extra if h not in CONSENT_COLUMNS]
        if unknown:
            self._error(
                1,
                unknown[0],
                f"unknown column {unknown[0]!r}; optional columns are {', '.join(CONSENT_COLUMNS)}",
            )
            return None
        return names

    def __iter__(self) -> Iterator[MemberRow]:
        reader = csv.reader(self._lines)
        try:
            header = next(reader)
        except StopIteration:
            self._error(1, "", "the file is empty; expected a header line")
            return
        except csv.Error as exc:
            self._error(1, "", f"not a readable CSV file ({exc})")
            return
        names = self._check_header(header)
        if names is None:
            return
        width = len(names)
        seen_numbers: dict[int, int] = {}
        resolve = self._resolve_branch
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
                continue  # blank line
            self.rows_read += 1
            if len(cells) != width:
                self._error(line, "", f"expected {width} fields, found {len(cells)}")
                continue
            row = self._validate(line, cells, names, resolve, seen_numbers)
            if row is not None:
                yield row

    def _validate(
        self,
        line: int,
        cells: list[str],
        names: list[str],
        resolve: BranchResolver,
        seen_numbers: dict[int, int],
    ) -> MemberRow | None:
        # Positional, not a dict per row: this runs half a million times per file.
        (
            number,
            first_name,
            last_name,
            email,
            phone,
            postcode,
            branch,
            category_text,
            affiliate,
            joined_text,
            lapsed_text,
        ) = (c.strip() for c in cells[:11])
        before = self.error_count
        if not (number and first_name and last_name and branch and category_text and joined_text):
            for column, value in zip(HEADER, cells, strict=False):
                if column in REQUIRED and not value.strip():
                    self._error(line, column, f"{column} is required")

        if number:
            if not _MEMBERSHIP_NUMBER.match(number):
                self._error(line, "membership_number", "use up to 32 letters, digits or hyphens")
            else:
                number = number.upper()
                key = hash(number)
                first = seen_numbers.get(key)
                if first is not None:
                    self._error(
                        line,
                        "membership_number",
                        f"duplicate membership number {number} (first on line {first})",
                    )
                else:
                    seen_numbers[key] = line

        if email and not _EMAIL.match(email):
            self._error(line, "email", f"malformed email address {email!r}")

        if postcode:
            normal = normalise_postcode(postcode)
            if normal is None:
                self._error(line, "postcode", f"malformed UK postcode {postcode!r}")
            else:
                postcode = normal

        if phone and not _PHONE.match(phone):
            self._error(line, "phone", f"malformed phone number {phone!r}")

        category = category_text.lower()
        if category and category not in CATEGORIES:
            self._error(
                line,
                "category",
                f"unknown category {category_text!r}; use one of {', '.join(CATEGORIES)}",
            )
        if category == "affiliated_supporter" and not affiliate:
            self._error(line, "affiliate", "an affiliated supporter needs an affiliate")
        elif affiliate and category in ("member", "registered_supporter"):
            self._error(line, "affiliate", f"only affiliated supporters have an affiliate ({category})")

        branch_id = 0
        if branch:
            try:
                branch_id = resolve(branch)
            except ValueError as exc:
                self._error(line, "branch", str(exc))

        joined_on = self._date(line, "joined_on", joined_text)
        lapsed_on = self._date(line, "lapsed_on", lapsed_text)
        if joined_on and lapsed_on and lapsed_on < joined_on:
            self._error(line, "lapsed_on", f"lapsed on {lapsed_on} before joining on {joined_on}")
        consents = {
            column: self._date(line, column, cell.strip())
            for column, cell in zip(names[11:], cells[11:], strict=True)
        }

        if self.error_count != before or joined_on is None:
            return None
        return MemberRow(
            line=line,
            membership_number=number,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            postcode=postcode,
            branch_id=branch_id,
            category=category,
            affiliate=affiliate,
            joined_on=joined_on,
            lapsed_on=lapsed_on,
            **consents,
            email_key=normalise_email(email),
            name_key=name_postcode_key(first_name, last_name, postcode),
        )

    def _date(self, line: int, column: str, text: str) -> date | None:
        if not text:
            return None
        try:
            return _parse_date(text)
        except ValueError:
            self._error(line, column, f"bad date {text!r}; use YYYY-MM-DD")
            return None
