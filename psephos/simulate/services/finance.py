"""Simulate the 2022 candidate funds through the finance app's real path.

Each registered candidate's fund is opened (``fund_open``), its receipts go through the
receipts import with every check at entry (``receipts_import``), its payments through
``payment_record``, and the bank's weekly camt.053 statements, written from what the
bank would have booked, through ``statement_import``'s reconciliation. The disclosure
selector then reproduces the published figures (``rules.finance``).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from psephos.accounts.selectors import users_by_username
from psephos.candidates.enums import NominationStatus
from psephos.candidates.selectors import nominations_list_for_election
from psephos.core import clock
from psephos.finance.rules.iban import iban_make
from psephos.finance.rules.receipts import RECEIPT_COLUMNS
from psephos.finance.rules.statements import Entry, statement_write_camt053
from psephos.finance.services.decisions import Adoption
from psephos.finance.services.funds import election_funds_delete, fund_open
from psephos.finance.services.payments import payment_record
from psephos.finance.services.public_funding import (
    contract_record,
    invoice_decide,
    invoice_decision_confirm,
    invoice_record,
)
from psephos.finance.services.receipts import receipts_import
from psephos.finance.services.reports import (
    report_decide,
    report_decision_confirm,
    report_submit,
)
from psephos.finance.services.statements import statement_import
from psephos.ledger.actors import actor_system
from psephos.voters.rules.iin import check_digit, iin_make

from ..rules.finance import BANK, FUNDS, LAST_RECEIPT, OPENS, PAYMENTS_PER_PURPOSE, PURPOSES, split

if TYPE_CHECKING:
    from psephos.candidates.models import Nomination
    from psephos.elections.models import Election
    from psephos.finance.models import Fund

ACTOR = actor_system("simulate")


@dataclass(frozen=True, slots=True)
class FinanceSimulation:
    funds: int
    receipts: int
    payments: int
    statements: int
    decisions: int = 0


def _bin(rng: random.Random) -> str:
    """Return a valid BIN-shaped number (12 digits, the check digit right)."""
    while True:
        prefix = f"{rng.randrange(10**11):011d}"
        digit = check_digit(prefix)
        if digit is not None:
            return prefix + str(digit)


def _iin(rng: random.Random) -> str:
    while True:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000))
        iin = iin_make(born, rng.choice("MF"), rng.randrange(1, 9000))
        if iin is not None:
            return iin


def _day(rng: random.Random, last: dt.date) -> dt.date:
    return OPENS + dt.timedelta(days=rng.randrange((last - OPENS).days + 1))


def _receipts_file(path: Path, plan_key: str, rows: list[list[str]]) -> None:
    lines = [",".join(RECEIPT_COLUMNS)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def finance_simulate(*, election: Election, seed: int) -> FinanceSimulation:
    """Open the registered candidates' funds and run their money through the finance app."""
    registered = {
        n.key: n
        for n in nominations_list_for_election(election=election)
        if n.status == NominationStatus.REGISTERED
    }
    receipts = payments = statements = 0
    opened: list[Fund] = []
    with tempfile.TemporaryDirectory(prefix="psephos-finance-") as tmp:
        folder = Path(tmp)
        for number, plan in enumerate(FUNDS, start=1):
            nomination: Nomination | None = registered.get(plan.key)
            if nomination is None:
                continue
            rng = random.Random(f"{seed}:finance:{plan.key}")
            account = iban_make("KZ", f"601KZT{number:010d}")
            fund = fund_open(
                nomination=nomination, bank=BANK, account=account, opens_on=OPENS, actor=ACTOR
            )
            opened.append(fund)
            rows: list[list[str]] = []
            booked: list[Entry] = []
            own, body = split(plan.own_and_body, [1, 9])
            for source, amount in (("own", own), ("nominating_body", body)):
                rows.append([OPENS.isoformat(), str(amount), "KZT", source, "", "", "", ""])
            entity_total, citizen_total = split(plan.donations, [7, 3])
            for source, total, count in (
                ("legal_entity", entity_total, plan.entities),
                ("citizen", citizen_total, plan.citizens),
            ):
                amounts = split(total, [rng.randint(1, 20) for _ in range(count)])
                for i, amount in enumerate(amounts):
                    donor = _bin(rng) if source == "legal_entity" else _iin(rng)
                    name = (
                        f"Company {plan.key[:3]}-{i}" if source == "legal_entity" else f"Donor {i}"
                    )
                    day = _day(rng, LAST_RECEIPT)
                    rows.append([day.isoformat(), str(amount), "KZT", source, donor, name, "", ""])
            for i, r in enumerate(rows, start=1):
                r[7] = f"{plan.key[:3].upper()}R{i:05d}"
                booked.append(Entry(i, dt.date.fromisoformat(r[0]), Decimal(r[1]), r[7], r[5]))
            path = folder / f"{plan.key}-receipts.csv"
            _receipts_file(path, plan.key, rows)
            receipts += receipts_import(
                fund=fund, path=path, actor=ACTOR, show_progress=False
            ).receipts
            spent = split(plan.spent, [share for _p, share in PURPOSES])
            for (purpose, _share), total in zip(PURPOSES, spent, strict=True):
                parts = split(total, [rng.randint(1, 5) for _ in range(PAYMENTS_PER_PURPOSE)])
                for j, amount in enumerate(parts, start=1):
                    day = _day(rng, election.date)
                    ref = f"{plan.key[:3].upper()}P{purpose[:3].upper()}{j:03d}"
                    payment_record(
                        fund=fund,
                        paid_on=day,
                        amount=str(amount),
                        purpose=purpose,
                        payee=f"Provider {purpose} {j}",
                        invoice=f"INV-{ref}",
                        reference=ref,
                        actor=ACTOR,
                    )
                    booked.append(Entry(0, day, -amount, ref, f"Provider {purpose} {j}"))
                    payments += 1
            # The bank's weekly statements (Monday to Sunday), in order.
            weeks: dict[int, list[Entry]] = {}
            for e in sorted(booked, key=lambda e: (e.booked_on, e.reference)):
                weeks.setdefault(e.booked_on.isocalendar()[1], []).append(e)
            for week, entries in sorted(weeks.items()):
                path = folder / f"{plan.key}-{week}.xml"
                path.write_bytes(
                    statement_write_camt053(
                        account=account, statement_id=f"{plan.key}-{week}", entries=entries
                    )
                )
                statement_import(fund=fund, path=path, actor=ACTOR)
                statements += 1
    decisions = _decisions(opened)
    return FinanceSimulation(len(registered), receipts, payments, statements, decisions)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def _decisions(funds: list[Fund]) -> int:
    """The CEC's finance decisions of the demo: two invoices and one final report.

    A challenger's media provider invoices the state allowance twice: the first is
    approved, the second refused with its reason; the first fund's final report is
    submitted on its due day and accepted. Both by the simulated CEC operators' two
    steps (invented numbers and reasons; 2022's were not published).
    """
    users = users_by_username(usernames=["simulate-cec-1", "simulate-cec-2"])
    if len(funds) < 2 or len(users) < 2:
        return 0
    first, second = users["simulate-cec-1"], users["simulate-cec-2"]
    cec = first.commission
    assert cec is not None

    def adopt(number: str, on: dt.date) -> Adoption:
        return Adoption(number, on, 7, 7, 0, f"CEC resolution {number}".encode())

    challenger, leader = funds[1], funds[0]
    signed = challenger.opens_on + dt.timedelta(days=3)
    with clock.fixed(_at(signed, 6)):
        contract = contract_record(
            fund=challenger,
            purpose="media",
            provider="Provider TV 1",
            reference="SIM-C-1",
            signed_on=signed,
            actor=ACTOR,
        )
        invoices = [
            invoice_record(
                contract=contract, reference=ref, issued_on=signed, amount=amount, actor=ACTOR
            )
            for ref, amount in (("SIM-I-1", "6000000"), ("SIM-I-2", "2500000"))
        ]
    for (invoice, approve, reason), n in zip(
        (
            (invoices[0], True, ""),
            (invoices[1], False, "The airtime invoiced was not broadcast (no broadcast log)."),
        ),
        (1, 2),
        strict=True,
    ):
        number = f"FIN/{n:02d}"
        day = signed + dt.timedelta(days=2)
        with clock.fixed(_at(day, 9)):
            invoice_decide(
                user=first,
                invoice=invoice,
                approve=approve,
                reason=reason,
                adoption=adopt(number, day),
            )
            invoice_decision_confirm(
                user=second, invoice=invoice, commission=cec.code, number=number
            )
    due = leader.report_due_on or leader.receipts_close_on
    with clock.fixed(_at(due, 6)):
        report = report_submit(fund=leader, kind="final", actor=ACTOR)
        report_decide(
            user=first, report=report, accept=True, reason="", adoption=adopt("FIN/03", due)
        )
        report_decision_confirm(user=second, report=report, commission=cec.code, number="FIN/03")
    return 3


def simulated_finance_delete(*, election_key: str) -> int:
    """Delete the funds of a simulated election (before ``--replace``)."""
    return election_funds_delete(election_key=election_key, actor=ACTOR)
