"""Receipts: one entered by the fund's finance officer, or a file of them."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.progress import progress

from ..enums import ReceiptStatus
from ..errors import ImportInvalid, ReceiptInvalid, ReceiptRefused, utf8_text
from ..keys import donor_key
from ..messages import problem_text, violation_text
from ..models import Fund, Receipt
from ..profile import finance_profile, money_rules
from ..rules.limits import MoneyRules, ReceiptFacts, Totals, Violation, receipt_violations
from ..rules.receipts import RECEIPT_COLUMNS, ReceiptInput, donor_identified, receipt_read
from ..selectors import donor_total, donor_totals, fund_totals
from .events import fund_event
from .receipts_columns import COPY_COLUMNS, Written, columns_import

MAX_ERRORS = 100


def _facts(r: ReceiptInput) -> ReceiptFacts:
    return ReceiptFacts(
        amount=r.amount, source=r.source, in_kind=r.in_kind, donor_identified=donor_identified(r)
    )


def _next_number(fund: Fund) -> int:
    last = Receipt.objects.filter(fund=fund).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def _receipt(
    fund: Fund,
    number: int,
    read: ReceiptInput,
    key: uuid.UUID | None,
    *,
    violations: list[Violation] | None = None,
    return_by: dt.date | None = None,
) -> Receipt:
    """Return an unsaved receipt row of ``read`` (accepted, or to return with violations)."""
    return Receipt(
        fund=fund,
        number=number,
        received_on=read.received_on,
        amount=read.amount,
        currency=read.currency,
        source=read.source,
        in_kind=read.in_kind,
        donor_key=key,
        donor_name=read.donor_name,
        reference=read.reference,
        status=ReceiptStatus.TO_RETURN if violations else ReceiptStatus.ACCEPTED,
        return_by=return_by,
        violations=[v.as_data() for v in violations or []],
        created_at=clock.now(),
    )


def receipt_record(
    *,
    fund: Fund,
    row: dict[str, str],
    in_account: bool,
    actor: str,
    role: str = "finance",
) -> Receipt:
    """Record one receipt, checked against the source rules and the fund's running totals.

    ``row`` holds the fields of ``RECEIPT_COLUMNS`` as written. A receipt with a bad
    field raises ``ReceiptInvalid`` (each field named). One that breaks a rule raises
    ``ReceiptRefused`` with each rule and its numbers, unless ``in_account`` (the money
    has reached the account already): then it is recorded ``to_return`` with the
    profile's return deadline and counts in no total. Writes one ``receipt.record``
    event (no donor, no name); nothing is written on a refusal.
    """
    profile = finance_profile(fund.election)
    read = receipt_read(row, opens_on=fund.opens_on, closes_on=fund.receipts_close_on)
    if isinstance(read, list):
        raise ReceiptInvalid(
            _("Receipt refused: %(problems)s.")
            % {"problems": "; ".join(problem_text(p) for p in read)},
            data={"errors": [{"field": p.field, "code": p.code} for p in read]},
        )
    key = donor_key(read.donor_id) if read.donor_id else None
    facts = _facts(read)
    with transaction.atomic():
        locked = Fund.objects.select_for_update().select_related("election").get(pk=fund.pk)
        totals = fund_totals(fund=locked)
        if key is not None:
            totals.by_donor[key] = donor_total(fund=locked, donor_key=key)
        violations = receipt_violations(facts, totals, money_rules(locked, profile), key)
        if violations and not in_account:
            raise ReceiptRefused(
                _("Receipt refused: %(rules)s.")
                % {"rules": "; ".join(violation_text(v) for v in violations)},
                data={"violations": [v.as_data() for v in violations]},
            )
        receipt = _receipt(
            locked,
            _next_number(locked),
            read,
            key,
            violations=violations,
            return_by=(
                read.received_on + dt.timedelta(days=profile.finance_return_days)
                if violations
                else None
            ),
        )
        receipt.save()
        fund_event(
            fund=locked,
            actor=actor,
            role=role,
            action="receipt.record",
            suffix=f"{receipt.number}",
            payload={
                "number": receipt.number,
                "received_on": read.received_on.isoformat(),
                "amount": str(read.amount),
                "source": read.source,
                "status": receipt.status,
                "rules": [v.rule for v in violations],
            },
        )
    return receipt


def _receipts_write(
    fund: Fund, first: int, keep: list[tuple[ReceiptInput, uuid.UUID | None]]
) -> None:
    """Write the accepted receipts of a file: COPY on PostgreSQL, bulk inserts elsewhere."""
    if connection.vendor != "postgresql":
        Receipt.objects.bulk_create(
            (_receipt(fund, first + i, r, key) for i, (r, key) in enumerate(keep)),
            batch_size=2000,
        )
        return
    now = clock.now()
    accepted = ReceiptStatus.ACCEPTED.value
    with connection.connection.cursor() as cursor:
        sql = f"COPY finance_receipt ({COPY_COLUMNS}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for i, (r, key) in enumerate(keep):
                copy.write_row(
                    (
                        fund.pk,
                        first + i,
                        r.received_on,
                        r.amount,
                        r.currency,
                        r.source,
                        r.in_kind,
                        key,
                        r.donor_name,
                        r.reference,
                        accepted,
                        "[]",
                        now,
                    )
                )


@dataclass(frozen=True, slots=True)
class ImportResult:
    receipts: int
    total: Decimal
    sha256: str


def _where(name: str, line: int, field: str) -> str:
    column = RECEIPT_COLUMNS.index(field) + 1 if field in RECEIPT_COLUMNS else 1
    return f"{name}:{line}:{column}"


def receipts_import(
    *, fund: Fund, path: Path, actor: str, role: str = "finance", show_progress: bool | None = None
) -> ImportResult:
    """Import the CSV file of receipts at ``path``: ``receipts_import_data`` with its bytes."""
    return receipts_import_data(
        fund=fund,
        file_name=path.name,
        data=path.read_bytes(),
        actor=actor,
        role=role,
        show_progress=show_progress,
    )


def receipts_import_data(
    *,
    fund: Fund,
    file_name: str,
    data: bytes,
    actor: str,
    role: str = "finance",
    show_progress: bool | None = None,
) -> ImportResult:
    """Import a CSV file of receipts (``RECEIPT_COLUMNS``), all of them or none.

    Every line is read and checked against the rules and the running totals (the
    fund's accepted receipts, then the file's lines in order). Any bad field or broken
    rule refuses the whole file with ``ImportInvalid`` listing each as
    ``file:line:column`` (at most ``MAX_ERRORS``). A file is not a fund's account: a
    receipt that breaks a rule is refused, never recorded for return. Writes one
    ``receipts.import`` event with the file's SHA-256.

    The file is first read and checked whole, column by column (``columns_import``);
    only a file that is not plain or that breaks a rule is read again line by line,
    which names each problem.
    """
    profile = finance_profile(fund.election)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        locked = Fund.objects.select_for_update().select_related("election").get(pk=fund.pk)
        rules = money_rules(locked, profile)
        first = _next_number(locked)
        written = columns_import(fund=locked, data=data, rules=rules, first=first)
        if written is None:  # not plain, or refused: the lines say where
            written = _rows_import(
                locked, rules, file_name, data, first=first, show_progress=show_progress
            )
        fund_event(
            fund=locked,
            actor=actor,
            role=role,
            action="receipts.import",
            payload={
                "receipts": written.receipts,
                "total": str(written.total),
                "first": first,
                "sha256": digest,
            },
        )
    return ImportResult(receipts=written.receipts, total=written.total, sha256=digest)


def _rows_import(
    locked: Fund,
    rules: MoneyRules,
    name: str,
    data: bytes,
    *,
    first: int,
    show_progress: bool | None,
) -> Written:
    """Read and check the file line by line, naming every problem; write it if all pass."""
    text = utf8_text(data, name)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in RECEIPT_COLUMNS if c not in header]
    if missing:
        raise ImportInvalid(
            _("%(where)s: missing columns %(columns)s.")
            % {"where": f"{name}:1:1", "columns": ", ".join(missing)},
            data={"errors": [{"line": 1, "column": 1, "code": "missing_columns"}]},
        )
    errors: list[dict[str, object]] = []
    messages: list[str] = []
    keep: list[tuple[ReceiptInput, uuid.UUID | None]] = []
    # Within this call only: each distinct IIN/BIN is checked and keyed once.
    checked: dict[str, bool] = {}
    keys: dict[str, uuid.UUID] = {}
    totals: Totals = fund_totals(fund=locked)
    totals.by_donor = donor_totals(fund=locked)
    lines = text.count("\n")
    with progress(_("Checking receipts"), lines, enabled=show_progress) as advance:
        for row in reader:
            line = reader.line_num
            advance()
            read = receipt_read(
                row,
                opens_on=locked.opens_on,
                closes_on=locked.receipts_close_on,
                checked=checked,
            )
            if isinstance(read, list):
                for p in read:
                    where = _where(name, line, p.field)
                    messages.append(f"{where}: {problem_text(p)}")
                    errors.append({"line": line, "field": p.field, "code": p.code})
                continue
            key = None
            if read.donor_id:
                key = keys.get(read.donor_id)
                if key is None:
                    key = keys[read.donor_id] = donor_key(read.donor_id)
            facts = _facts(read)
            violations = receipt_violations(facts, totals, rules, key)
            if violations:
                for v in violations:
                    field = "amount" if v.limit is not None else "source"
                    messages.append(f"{_where(name, line, field)}: {violation_text(v)}")
                    errors.append({"line": line, "field": field, **v.as_data()})
                continue
            totals.add(facts, key)
            keep.append((read, key))
    if errors:
        raise ImportInvalid(
            _("%(count)d problems; nothing imported. %(first)s")
            % {"count": len(errors), "first": " ".join(messages[:MAX_ERRORS])},
            data={"errors": errors[:MAX_ERRORS], "file": name},
        )
    _receipts_write(locked, first, keep)
    total = sum((r.amount for r, _k in keep), Decimal("0.00"))
    return Written(receipts=len(keep), total=total)
