"""Readers for the files a party's finance office receives, each to a list of `Row`s or a
list of problems naming file, line and field. They never touch the database.

Formats (as published by their issuers; the test samples cite the same):
* GoCardless: the dashboard's payments export (CSV): id, created_at, charge_date, amount
  (pounds), currency, description, reference, status, links.mandate, ...
* Stripe: the dashboard's Payments export (CSV): id, Created (UTC), Amount (pounds),
  Currency, Status (Paid / Failed / Refunded), Customer ID, Description, and metadata
  columns named "KEY (metadata)".
* Bacs ARUDD (Automated Return of Unpaid Direct Debits), XML: BACSDocument/Data/ARUDD/
  Advice/OriginatingAccountRecords/OriginatingAccountRecord/ReturnedDebitItem with
  ref, returnCode, returnDescription, originalProcessingDate, valueOf (pounds).
* Bacs ADDACS (Automated Direct Debit Amendment and Cancellation Service), XML:
  BACSDocument/Data/MessagingAdvices/MessagingAdvice with reference, reason-code,
  effective-date.
* Bank statement CSV as UK banks export it (Lloyds/Barclays shape): Transaction Date
  (DD/MM/YYYY), Transaction Type, Transaction Description, Debit Amount, Credit Amount.
  The reference is the first word of the description that names a known reference.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree


@dataclass(frozen=True)
class Row:
    line: int
    kind: str  # payment, failed, mandate_cancelled
    amount_pence: int
    paid_on: date
    method: str
    reference: str
    external_id: str = ""
    detail: str = ""
    words: tuple[str, ...] = ()  # a bank description's words, any of which may be the reference


class FileProblems(Exception):
    """Everything wrong with a file: nothing of it is imported."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems[:5]))


def pence(text: str) -> int:
    """'12.50' or '£1,012.5' to pence; refuses fractions of a penny."""
    cleaned = text.strip().replace("£", "").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount") from None
    p = value * 100
    if p != p.to_integral_value():
        raise ValueError(f"{text!r} has a fraction of a penny")
    return int(p)


def _date(text: str, *formats: str) -> date:
    text = text.strip()
    if formats[0] == "%Y-%m-%d" and len(text) >= 10 and text[4] == "-" and text[7] == "-":
        try:  # the common case, without strptime's cost (6,000,000 rows are read twice)
            return date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        except ValueError:
            pass
    for fmt in formats:
        try:
            return datetime.strptime(text[: len(datetime(2000, 1, 1).strftime(fmt))], fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date ({' or '.join(formats)})")


def _csv(name: str, data: bytes, required: tuple[str, ...]):
    """(a function giving the file's records afresh each call, problems with the header).
    The text is decoded as it is read, never held whole: a 6,000,000-row export is read
    twice (checked, then imported) without its rows ever all being in memory."""

    def reader() -> csv.DictReader:
        r = csv.DictReader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))
        r.fieldnames = [h.strip() for h in (r.fieldnames or [])]
        return r

    try:
        header = reader().fieldnames or []
    except UnicodeDecodeError:
        return None, [f"{name}: not UTF-8 text"]
    missing = [c for c in required if c not in header]
    if missing:
        return None, [f"{name}: line 1: missing column(s) {', '.join(missing)}"]

    def records() -> Iterator[tuple[int, dict]]:
        r = reader()
        for record in r:
            yield r.line_num, {k: (v or "").strip() for k, v in record.items() if k}

    return records, []


class Rows:
    """A file's rows, checked whole when made (any problem: FileProblems, nothing to
    import), then converted again each time they are iterated, so a large file is never
    held as Row objects. `len()` is the number of rows to record."""

    def __init__(self, name: str, records, convert: Callable[[int, dict], Row | None]) -> None:
        self._records = records if callable(records) else (lambda: iter(records))
        self._convert = convert
        problems, n = [], 0
        try:
            for line, record in self._records():
                try:
                    n += convert(line, record) is not None
                except _FieldError as e:
                    problems.append(f"{name}: line {line}: {e.field}: {e.message}")
        except UnicodeDecodeError:
            problems.append(f"{name}: not UTF-8 text")
        if problems:
            raise FileProblems(problems)
        self._n = n

    def __iter__(self) -> Iterator[Row]:
        for line, record in self._records():
            row = self._convert(line, record)
            if row is not None:
                yield row

    def __len__(self) -> int:
        return self._n


def _each(name: str, rows, convert: Callable[[int, dict], Row | None]) -> Rows:
    return Rows(name, rows, convert)


class _FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message


def _field(record: dict, field: str, parse: Callable[[str], object]):
    value = record.get(field, "")
    if not value:
        raise _FieldError(field, "empty")
    try:
        return parse(value)
    except ValueError as e:
        raise _FieldError(field, str(e)) from None


GOCARDLESS_OK = {"confirmed", "paid_out"}
GOCARDLESS_FAILED = {"failed", "charged_back"}
GOCARDLESS_IGNORED = {
    "pending_submission",
    "submitted",
    "pending_customer_approval",
    "cancelled",
    "customer_approval_denied",
}


def gocardless(name: str, data: bytes) -> Rows | list[Row]:
    rows, problems = _csv(name, data, ("id", "charge_date", "amount", "currency", "status", "links.mandate"))
    if problems:
        raise FileProblems(problems)

    def convert(line: int, r: dict) -> Row | None:
        status = r.get("status", "")
        if status in GOCARDLESS_IGNORED:
            return None  # not money yet (or never): the next export will carry it
        if status not in GOCARDLESS_OK | GOCARDLESS_FAILED:
            raise _FieldError("status", f"{status!r} is not a GoCardless payment status")
        if r.get("currency") != "GBP":
            raise _FieldError("currency", f"{r.get('currency')!r}: only GBP is taken")
        amount = _field(r, "amount", pence)
        failed = status in GOCARDLESS_FAILED
        # a failed collection never paid (no money either way); a charge-back takes it back
        signed = {"failed": 0, "charged_back": -amount}.get(status, amount)
        return Row(
            line=line,
            kind="failed" if failed else "payment",
            amount_pence=signed,
            paid_on=_field(r, "charge_date", lambda t: _date(t, "%Y-%m-%d")),
            method="direct_debit",
            reference=r.get("links.mandate", ""),
            external_id=f"gocardless:{_field(r, 'id', str)}",
            detail=status,
            words=(
                r.get("links.mandate", ""),
                r.get("reference", ""),
                r.get("metadata.membership_number", ""),
            ),
        )

    return _each(name, rows, convert)


def stripe(name: str, data: bytes) -> Rows | list[Row]:
    rows, problems = _csv(name, data, ("id", "Created (UTC)", "Amount", "Currency", "Status", "Customer ID"))
    if problems:
        raise FileProblems(problems)

    def convert(line: int, r: dict) -> Row | None:
        status = r.get("Status", "")
        if status not in ("Paid", "Refunded", "Failed"):
            raise _FieldError("Status", f"{status!r} is not Paid, Refunded or Failed")
        if status == "Failed":
            return None  # a card that was declined never paid: nothing to record
        if r.get("Currency", "").lower() != "gbp":
            raise _FieldError("Currency", f"{r.get('Currency')!r}: only gbp is taken")
        amount = _field(r, "Amount", pence)
        refunded = status == "Refunded"
        return Row(
            line=line,
            kind="failed" if refunded else "payment",
            amount_pence=-amount if refunded else amount,
            paid_on=_field(r, "Created (UTC)", lambda t: _date(t, "%Y-%m-%d %H:%M", "%Y-%m-%d")),
            method="card",
            reference=r.get("Customer ID", ""),
            external_id=f"stripe:{_field(r, 'id', str)}:{status}",
            detail=status.lower(),
            words=(r.get("Customer ID", ""), r.get("membership_number (metadata)", "")),
        )

    return _each(name, rows, convert)


def _xml(name: str, data: bytes):
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as e:
        line = getattr(e, "position", (0, 0))[0]
        raise FileProblems([f"{name}: line {line}: not well-formed XML ({e})"]) from None
    except Exception as e:  # defusedxml refuses entities and DTDs
        raise FileProblems([f"{name}: refused: {e.__class__.__name__}"]) from None


def arudd(name: str, data: bytes) -> Rows | list[Row]:
    root = _xml(name, data)
    items = root.findall(".//ReturnedDebitItem")
    if root.find(".//ARUDD") is None:
        raise FileProblems([f"{name}: line 1: not an ARUDD report (no ARUDD element)"])
    records = [
        (n, dict(item.attrib) | {"payer": item.find("PayerAccount")}) for n, item in enumerate(items, 1)
    ]

    def convert(n: int, r: dict) -> Row:
        payer = r.get("payer")  # not popped: the rows are converted again when imported
        ref = r.get("ref") or (payer.get("ref", "") if payer is not None else "")
        if not ref:
            raise _FieldError("ref", "empty")
        amount = _field(r, "valueOf", pence)
        return Row(
            line=n,
            kind="failed",
            amount_pence=-amount,
            paid_on=_field(r, "originalProcessingDate", lambda t: _date(t, "%Y-%m-%d")),
            method="direct_debit",
            reference=ref,
            detail=f"ARUDD {r.get('returnCode', '?')}: {r.get('returnDescription', '')}"[:140],
            words=(ref,),
        )

    return _each(f"{name} (ReturnedDebitItem", records, convert) if records else []


def addacs(name: str, data: bytes) -> Rows | list[Row]:
    root = _xml(name, data)
    if root.find(".//MessagingAdvices") is None:
        raise FileProblems([f"{name}: line 1: not an ADDACS report (no MessagingAdvices element)"])
    records = [(n, dict(a.attrib)) for n, a in enumerate(root.findall(".//MessagingAdvice"), 1)]

    def convert(n: int, r: dict) -> Row:
        ref = _field(r, "reference", str)
        return Row(
            line=n,
            kind="mandate_cancelled",
            amount_pence=0,
            paid_on=_field(r, "effective-date", lambda t: _date(t, "%Y-%m-%d")),
            method="direct_debit",
            reference=ref,
            detail=f"ADDACS reason {r.get('reason-code', '?')}",
            words=(ref,),
        )

    return _each(f"{name} (MessagingAdvice", records, convert)


def bank_csv(name: str, data: bytes) -> Rows | list[Row]:
    rows, problems = _csv(
        name, data, ("Transaction Date", "Transaction Description", "Debit Amount", "Credit Amount")
    )
    if problems:
        raise FileProblems(problems)

    def convert(line: int, r: dict) -> Row | None:
        if not r.get("Credit Amount"):
            return None  # money going out is not a member's payment
        amount = _field(r, "Credit Amount", pence)
        description = _field(r, "Transaction Description", str)
        return Row(
            line=line,
            kind="payment",
            amount_pence=amount,
            paid_on=_field(r, "Transaction Date", lambda t: _date(t, "%d/%m/%Y", "%Y-%m-%d")),
            method="bank_transfer",
            reference=description[:140],
            words=tuple(w.strip(".,;:/") for w in description.split()),
        )

    return _each(name, rows, convert)


PARSERS: dict[str, Callable[[str, bytes], list[Row]]] = {
    "gocardless": gocardless,
    "stripe": stripe,
    "arudd": arudd,
    "addacs": addacs,
    "bank_csv": bank_csv,
}


def _credit(name: str, n: int, amount, on, words: tuple[str, ...], external_id: str, what: str) -> Row | None:
    try:
        p = pence(str(amount))
    except ValueError as e:
        raise FileProblems([f"{name}: {what} {n}: amount: {e}"]) from None
    if p <= 0:
        return None  # money going out
    text = " ".join(w for w in words if w)
    return Row(
        line=n,
        kind="payment",
        amount_pence=p,
        paid_on=on,
        method="bank_transfer",
        reference=text[:140],
        external_id=external_id,
        words=tuple(w.strip(".,;:/") for w in text.split()),
    )


def mt940(name: str, data: bytes) -> Rows | list[Row]:
    """SWIFT MT940 statements through `mt-940` (maintained, on PyPI as mt-940): credits only;
    a row is numbered by its transaction (:61:) in the file."""
    import mt940 as mt940_lib

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    try:
        statement = mt940_lib.models.Transactions()
        statement.parse(text)
    except Exception as e:  # the library raises many kinds on a bad file
        raise FileProblems([f"{name}: not an MT940 statement ({e.__class__.__name__}: {e})"]) from None
    if not statement.transactions:
        raise FileProblems([f"{name}: no :61: transactions found (not an MT940 statement?)"])
    out = []
    for n, t in enumerate(statement.transactions, 1):
        d = t.data
        if "amount" not in d or "date" not in d:
            raise FileProblems([f"{name}: transaction {n}: :61: missing amount or date"])
        row = _credit(
            name, n, d["amount"].amount, date(d["date"].year, d["date"].month, d["date"].day),
            (d.get("customer_reference", ""), d.get("transaction_details", ""), d.get("extra_details", "")),
            "", "transaction",
        )  # fmt: skip
        if row:
            out.append(row)
    return out


def ofx(name: str, data: bytes) -> Rows | list[Row]:
    """OFX statements through `ofxparse` (0.21, last released 2021: the lead may prefer to
    drop OFX); credits only, each keyed by its FITID so a re-download never doubles."""
    from ofxparse import OfxParser

    try:
        parsed = OfxParser.parse(io.BytesIO(data))
        transactions = parsed.account.statement.transactions
    except Exception as e:  # ofxparse raises many kinds on a bad file
        raise FileProblems([f"{name}: not an OFX statement ({e.__class__.__name__}: {e})"]) from None
    out = []
    for n, t in enumerate(transactions, 1):
        fitid = f"ofx:{parsed.account.account_id}:{t.id}" if t.id else ""
        row = _credit(name, n, t.amount, t.date.date(), (t.payee, t.memo), fitid[:80], "transaction")
        if row:
            out.append(row)
    return out


PARSERS["mt940"] = mt940
PARSERS["ofx"] = ofx
