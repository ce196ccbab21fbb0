"""Reading a bank's statement of a fund's account: CSV in psephos's layout, or camt.053.

Both give a ``ParsedStatement``: the account, the period and the booked entries (a
credit positive, a debit negative). A problem is a ``StatementProblem`` naming the
line (CSV) or the entry (camt.053) and the column or element. No Django here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from .money import CURRENCIES, AmountProblem, amount_parse

#: The CSV layout's columns (docs/finance.md).
CSV_COLUMNS = (
    "account",
    "booked_on",
    "credit_debit",
    "amount",
    "currency",
    "reference",
    "counterparty",
)
CAMT053 = re.compile(r"^\{urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d\d)\}Document$")


@dataclass(frozen=True, slots=True)
class Entry:
    line: int  # CSV line, or the entry's position in a camt.053 statement
    booked_on: dt.date
    amount: Decimal  # positive: credit; negative: debit
    reference: str
    counterparty: str


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    account: str
    period_start: dt.date
    period_end: dt.date
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class StatementProblem:
    line: int
    column: str  # a CSV column, or an element path in camt.053
    code: str
    detail: str = ""


class StatementInvalid(ValueError):
    def __init__(self, problems: list[StatementProblem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def _signed(amount_text: str, direction: str) -> Decimal:
    value = amount_parse(amount_text)
    return value if direction == "CRDT" else -value


def _period(entries: list[Entry]) -> tuple[dt.date, dt.date]:
    days = [e.booked_on for e in entries]
    return min(days), max(days)


def statement_read_csv(text: str) -> ParsedStatement:
    """Read the CSV layout ``CSV_COLUMNS`` (one account; ``CRDT``/``DBIT``; amounts > 0)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise StatementInvalid([StatementProblem(1, ",".join(missing), "missing_columns")])
    problems: list[StatementProblem] = []
    entries: list[Entry] = []
    accounts: set[str] = set()
    for row in reader:
        line = reader.line_num
        accounts.add(row["account"].strip())
        found = len(problems)
        try:
            booked_on = dt.date.fromisoformat(row["booked_on"].strip())
        except ValueError:
            problems.append(StatementProblem(line, "booked_on", "bad_date", row["booked_on"][:20]))
        direction = row["credit_debit"].strip()
        if direction not in ("CRDT", "DBIT"):
            problems.append(StatementProblem(line, "credit_debit", "bad_direction", direction[:8]))
        try:
            amount = _signed(row["amount"], direction)
        except AmountProblem as exc:
            problems.append(StatementProblem(line, "amount", exc.code, exc.text[:30]))
        if row["currency"].strip() not in CURRENCIES:
            problems.append(
                StatementProblem(line, "currency", "unknown_currency", row["currency"][:10])
            )
        if len(problems) == found:
            entries.append(
                Entry(
                    line,
                    booked_on,
                    amount,
                    row["reference"].strip()[:64],
                    row["counterparty"].strip()[:300],
                )
            )
    if len(accounts) > 1:
        problems.append(StatementProblem(2, "account", "several_accounts"))
    if not entries and not problems:
        problems.append(StatementProblem(2, "booked_on", "no_entries"))
    if problems:
        raise StatementInvalid(problems)
    start, end = _period(entries)
    return ParsedStatement(accounts.pop(), start, end, tuple(entries))


def _child(parent: Element, ns: str, path: str) -> Element | None:
    node: Element | None = parent
    for name in path.split("/"):
        if node is None:
            return None
        node = node.find(f"{{{ns}}}{name}")
    return node


def _text(parent: Element, ns: str, path: str) -> str:
    node = _child(parent, ns, path)
    return "" if node is None or node.text is None else node.text.strip()


def _date(parent: Element, ns: str, path: str) -> dt.date | None:
    text = _text(parent, ns, f"{path}/Dt") or _text(parent, ns, f"{path}/DtTm")[:10]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def statement_read_camt053(data: bytes) -> ParsedStatement:
    """Read an ISO 20022 ``camt.053`` bank-to-customer statement (versions 001.02–001.13).

    A structural check of what reconciliation needs: the ``Document`` root in a camt.053
    namespace, one ``BkToCstmrStmt/Stmt`` with ``Acct/Id/IBAN``, and per ``Ntry`` an
    ``Amt`` with ``Ccy``, ``CdtDbtInd`` CRDT or DBIT and a ``BookgDt``. Entries whose
    status is not booked (``BOOK``) are skipped. XML bombs and external entities are
    refused (defusedxml).
    """
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise StatementInvalid(
            [StatementProblem(0, "Document", "not_xml", str(exc)[:80])]
        ) from None
    match = CAMT053.match(root.tag)
    if match is None or not 2 <= int(match.group(1)) <= 13:
        raise StatementInvalid([StatementProblem(0, "Document", "not_camt053", root.tag[:80])])
    ns = root.tag[1 : root.tag.index("}")]
    statements = root.findall(f"{{{ns}}}BkToCstmrStmt/{{{ns}}}Stmt")
    if len(statements) != 1:
        raise StatementInvalid([StatementProblem(0, "BkToCstmrStmt/Stmt", "one_statement")])
    stmt = statements[0]
    account = _text(stmt, ns, "Acct/Id/IBAN")
    problems: list[StatementProblem] = []
    if not account:
        problems.append(StatementProblem(0, "Stmt/Acct/Id/IBAN", "missing"))
    entries: list[Entry] = []
    for n, ntry in enumerate(stmt.findall(f"{{{ns}}}Ntry"), start=1):
        status = _text(ntry, ns, "Sts/Cd") or _text(ntry, ns, "Sts")
        if status and status != "BOOK":
            continue
        found = len(problems)
        amt = _child(ntry, ns, "Amt")
        direction = _text(ntry, ns, "CdtDbtInd")
        booked_on = _date(ntry, ns, "BookgDt")
        if amt is None or amt.get("Ccy") not in CURRENCIES:
            problems.append(StatementProblem(n, "Ntry/Amt@Ccy", "unknown_currency"))
        if direction not in ("CRDT", "DBIT"):
            problems.append(StatementProblem(n, "Ntry/CdtDbtInd", "bad_direction", direction[:8]))
        if booked_on is None:
            problems.append(StatementProblem(n, "Ntry/BookgDt", "bad_date"))
        amount = Decimal(0)
        try:
            amount = _signed((amt.text or "") if amt is not None else "", direction)
        except AmountProblem as exc:
            problems.append(StatementProblem(n, "Ntry/Amt", exc.code, exc.text[:30]))
        if len(problems) > found or booked_on is None:
            continue
        tx = "NtryDtls/TxDtls"
        reference = (
            _text(ntry, ns, f"{tx}/Refs/EndToEndId")
            or _text(ntry, ns, "AcctSvcrRef")
            or _text(ntry, ns, "NtryRef")
        )
        party = "Dbtr" if direction == "CRDT" else "Cdtr"
        counterparty = _text(ntry, ns, f"{tx}/RltdPties/{party}/Nm") or _text(
            ntry, ns, f"{tx}/RltdPties/{party}/Pty/Nm"
        )
        entries.append(Entry(n, booked_on, amount, reference[:64], counterparty[:300]))
    if not entries and not problems:
        problems.append(StatementProblem(0, "Stmt/Ntry", "no_entries"))
    if problems:
        raise StatementInvalid(problems)
    period = _period(entries)
    from_text = _text(stmt, ns, "FrToDt/FrDtTm")[:10]
    to_text = _text(stmt, ns, "FrToDt/ToDtTm")[:10]
    try:
        start = dt.date.fromisoformat(from_text) if from_text else period[0]
        end = dt.date.fromisoformat(to_text) if to_text else period[1]
    except ValueError:
        start, end = period
    return ParsedStatement(account, min(start, period[0]), max(end, period[1]), tuple(entries))


def statement_write_camt053(
    *, account: str, statement_id: str, entries: list[Entry], version: str = "08"
) -> bytes:
    """Return a minimal camt.053 document of ``entries``, as a bank would send it.

    Used by the simulation and the tests to produce a bank's statement.
    """
    from xml.etree.ElementTree import SubElement, tostring

    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
    doc = Element("Document", {"xmlns": ns})
    stmt = SubElement(SubElement(doc, "BkToCstmrStmt"), "Stmt")
    SubElement(stmt, "Id").text = statement_id
    SubElement(SubElement(SubElement(stmt, "Acct"), "Id"), "IBAN").text = account
    if entries:
        period = SubElement(stmt, "FrToDt")
        start, end = _period(entries)
        SubElement(period, "FrDtTm").text = f"{start.isoformat()}T00:00:00"
        SubElement(period, "ToDtTm").text = f"{end.isoformat()}T23:59:59"
    for e in entries:
        ntry = SubElement(stmt, "Ntry")
        SubElement(ntry, "Amt", {"Ccy": "KZT"}).text = str(abs(e.amount))
        direction = "CRDT" if e.amount > 0 else "DBIT"
        SubElement(ntry, "CdtDbtInd").text = direction
        SubElement(SubElement(ntry, "Sts"), "Cd").text = "BOOK"
        SubElement(SubElement(ntry, "BookgDt"), "Dt").text = e.booked_on.isoformat()
        tx = SubElement(SubElement(ntry, "NtryDtls"), "TxDtls")
        SubElement(SubElement(tx, "Refs"), "EndToEndId").text = e.reference
        party = SubElement(SubElement(tx, "RltdPties"), "Dbtr" if direction == "CRDT" else "Cdtr")
        SubElement(SubElement(party, "Pty"), "Nm").text = e.counterparty
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(doc, encoding="utf-8")
