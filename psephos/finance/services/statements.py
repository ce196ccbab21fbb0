"""Importing a bank statement of a fund's account and reconciling it with the records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.progress import progress

from ..enums import StatementFormat
from ..errors import ImportInvalid, StatementDuplicate, utf8_text
from ..models import Difference, Fund, Payment, Receipt, Statement, StatementLine
from ..rules.reconciliation import Record, reconcile
from ..rules.statements import (
    ParsedStatement,
    StatementInvalid,
    statement_read_camt053,
    statement_read_csv,
)
from .events import fund_event


@dataclass(frozen=True, slots=True)
class StatementResult:
    statement: Statement
    receipts: int  # reconciled by this statement
    payments: int
    differences: list[Difference]


def _duplicate(digest: str, name: str) -> StatementDuplicate:
    return StatementDuplicate(
        _("%(file)s was imported before (SHA-256 %(sha)s).") % {"file": name, "sha": digest},
        data={"sha256": digest},
    )


def _parse(data: bytes, fmt: str, name: str) -> ParsedStatement:
    try:
        if fmt == StatementFormat.CAMT053:
            return statement_read_camt053(data)
        return statement_read_csv(utf8_text(data, name))
    except StatementInvalid as exc:
        where = [f"{name}:{p.line}:{p.column}: {p.code}" for p in exc.problems[:100]]
        raise ImportInvalid(
            _("The statement has %(count)d problems; nothing imported. %(first)s")
            % {"count": len(exc.problems), "first": " ".join(where)},
            data={
                "errors": [
                    {"line": p.line, "column": p.column, "code": p.code} for p in exc.problems[:100]
                ]
            },
        ) from None


def statement_format(data: bytes) -> str:
    """Return the format of a statement file: camt.053 XML or the CSV layout."""
    return StatementFormat.CAMT053 if data.lstrip()[:1] == b"<" else StatementFormat.CSV


def statement_import(
    *, fund: Fund, path: Path, actor: str, role: str = "finance", show_progress: bool | None = None
) -> StatementResult:
    """Import the bank's statement of ``fund``'s account and reconcile it line by line.

    The format is camt.053 when the file is XML, else the CSV layout. Each credit is
    matched to an unreconciled receipt and each debit to a payment by the bank's
    reference; matched records are reconciled (and so published, docs/finance.md),
    every difference is stored and returned. Raises ``StatementDuplicate`` for a file
    imported before (same SHA-256), ``ImportInvalid`` for a file that cannot be read or
    is of another account. Writes one ``statement.import`` event.
    """
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if Statement.objects.filter(sha256=digest).exists():
        raise _duplicate(digest, path.name)
    fmt = statement_format(data)
    parsed = _parse(data, fmt, path.name)
    if parsed.account != fund.account:
        raise ImportInvalid(
            _("%(file)s is a statement of account %(account)s, not of the fund's %(fund)s.")
            % {"file": path.name, "account": parsed.account[:34], "fund": fund.account},
            data={"errors": [{"line": 0, "column": "account", "code": "other_account"}]},
        )
    try:
        with transaction.atomic():
            return _reconcile(fund, parsed, fmt, path.name, digest, actor, role, show_progress)
    except IntegrityError:
        raise _duplicate(digest, path.name) from None


def _reconcile(
    fund: Fund,
    parsed: ParsedStatement,
    fmt: str,
    name: str,
    digest: str,
    actor: str,
    role: str,
    show_progress: bool | None,
) -> StatementResult:
    locked = Fund.objects.select_for_update().select_related("election").get(pk=fund.pk)
    receipts = [
        Record(r.pk, r.reference, r.amount, r.received_on)
        for r in Receipt.objects.filter(fund=locked, statement__isnull=True).only(
            "pk", "reference", "amount", "received_on"
        )
    ]
    payments = [
        Record(p.pk, p.reference, p.amount, p.paid_on, bool(p.invoice))
        for p in Payment.objects.filter(fund=locked, statement__isnull=True).only(
            "pk", "reference", "amount", "paid_on", "invoice"
        )
    ]
    result = reconcile(
        parsed.entries, receipts, payments, period=(parsed.period_start, parsed.period_end)
    )
    credits = sum((e.amount for e in parsed.entries if e.amount > 0), Decimal("0.00"))
    debits = -sum((e.amount for e in parsed.entries if e.amount < 0), Decimal("0.00"))
    statement = Statement.objects.create(
        fund=locked,
        sha256=digest,
        format=fmt,
        filename=name[:200],
        period_start=parsed.period_start,
        period_end=parsed.period_end,
        lines=len(parsed.entries),
        credits=credits,
        debits=debits,
        differences=len(result.differences),
        imported_at=clock.now(),
    )
    with progress(_("Reconciling"), len(parsed.entries), enabled=show_progress) as advance:
        StatementLine.objects.bulk_create(
            (
                StatementLine(
                    statement=statement,
                    line=e.line,
                    booked_on=e.booked_on,
                    amount=e.amount,
                    reference=e.reference,
                    counterparty=e.counterparty,
                )
                for e in parsed.entries
            ),
            batch_size=2000,
        )
        advance(len(parsed.entries))
    for ids, model in ((result.receipts, Receipt), (result.payments, Payment)):
        for start in range(0, len(ids), 500):
            model.objects.filter(pk__in=ids[start : start + 500]).update(statement=statement)
    differences = Difference.objects.bulk_create(
        Difference(
            statement=statement,
            line=f.line,
            kind=f.kind,
            reference=f.reference,
            bank_amount=f.bank_amount,
            recorded_amount=f.recorded_amount,
        )
        for f in result.differences
    )
    fund_event(
        fund=locked,
        actor=actor,
        role=role,
        action="statement.import",
        suffix=f"{digest[:16]}",
        payload={
            "sha256": digest,
            "format": fmt,
            "period": [parsed.period_start.isoformat(), parsed.period_end.isoformat()],
            "lines": len(parsed.entries),
            "credits": str(credits),
            "debits": str(debits),
            "reconciled": [len(result.receipts), len(result.payments)],
            "differences": len(result.differences),
        },
    )
    return StatementResult(statement, len(result.receipts), len(result.payments), differences)
