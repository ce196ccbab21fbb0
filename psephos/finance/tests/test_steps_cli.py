"""``psephos finance`` steps: an invoice refused, a report submitted, an audit decided."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from psephos.finance.models import Audit, Fund, Invoice, Report

from .test_public_funding import operators
from .test_reports import at


def run(fund: Fund, *args: str) -> str:
    out = StringIO()
    call_command(
        "finance",
        args[0],
        *args[1:],
        "--election",
        fund.election.key,
        "--fund",
        fund.key,
        stdout=out,
    )
    return out.getvalue()


def decision(fund: Fund, document: Path, subject: str, number: str, *extra: str) -> None:
    first, second = operators()[:2]
    decided = [
        "--user",
        first.username,
        "--number",
        number,
        "--date",
        "2022-10-20",
        "--votes-for",
        "7",
        "--present",
        "7",
        "--document",
        str(document),
        *extra,
    ]
    assert "pending" in run(fund, "decide", subject, "1", *decided)
    assert first.commission is not None
    confirmed = ["--user", second.username, "--commission", first.commission.code]
    run(fund, "confirm", subject, "1", *confirmed, "--number", number)


def test_the_steps_run_from_the_command_line(
    fund: Fund, tmp_path: Path, frozen: list[dt.datetime]
) -> None:
    document = tmp_path / "decision.pdf"
    document.write_bytes(b"%PDF signed")
    run(
        fund,
        "contract",
        "--purpose",
        "transport",
        "--provider",
        "Bus Co",
        "--reference",
        "C-9",
        "--signed-on",
        "2022-10-14",
    )
    with pytest.raises(CommandError, match="invoice_over_balance"):
        run(
            fund,
            "invoice",
            "--contract",
            "C-9",
            "--reference",
            "I-0",
            "--issued-on",
            "2022-10-15",
            "--amount",
            "500000.01",
        )
    run(
        fund,
        "invoice",
        "--contract",
        "C-9",
        "--reference",
        "I-1",
        "--issued-on",
        "2022-10-15",
        "--amount",
        "120000",
    )
    decision(fund, document, "invoice", "CLI-1", "--refuse", "--reasons", "No trip sheets.")
    assert Invoice.objects.get().status == "refused"
    at(frozen, "2022-10-26")
    assert run(fund, "report", "--kind", "interim") == "report No. 1\n"
    assert Report.objects.get().status == "submitted"
    run(fund, "audit", "--scope", "full")
    run(
        fund,
        "finding",
        "--audit",
        "1",
        "--text",
        "Invoice without trip sheets.",
        "--evidence",
        "Provider's letter of 2022-10-25.",
    )
    run(fund, "answer", "--audit", "1", "--text", "Trip sheets follow.")
    decision(
        fund,
        document,
        "audit",
        "CLI-2",
        "--sanction",
        "fine",
        "--reasons",
        "Finding confirmed.",
        "--proportionality",
        "A first, small lapse.",
        "--fine-mci",
        "10",
    )
    audit = Audit.objects.get()
    assert (audit.status, audit.sanction) == ("sanctioned", "fine")
    assert (audit.fine_mci, audit.fine_kzt) == (10, Decimal("30630.00"))


def test_a_decision_from_the_command_line_names_its_session(
    fund: Fund, tmp_path: Path, frozen: list[dt.datetime]
) -> None:
    from psephos.commissions.models import Decision
    from tests.support.sessions import session_opened

    document = tmp_path / "decision.pdf"
    document.write_bytes(b"%PDF signed")
    first = operators()[0]
    assert first.commission is not None
    session_opened(
        user=first, commission=first.commission, number="20",
        starts_at=dt.datetime(2022, 10, 20, 4, 0, tzinfo=dt.UTC),
        set_now=lambda t: frozen.__setitem__(0, t),
    )  # fmt: skip
    run(fund, "contract", "--purpose", "transport", "--provider", "Bus Co", "--reference", "C-9",
        "--signed-on", "2022-10-14")  # fmt: skip
    run(fund, "invoice", "--contract", "C-9", "--reference", "I-1", "--issued-on", "2022-10-15",
        "--amount", "120000")  # fmt: skip
    before = Decision.objects.count()
    with pytest.raises(CommandError, match=r"no session No\. 21"):
        decision(fund, document, "invoice", "CLI-3", "--session", "21")
    assert Decision.objects.count() == before
    decision(fund, document, "invoice", "CLI-3", "--session", "20")
    assert Decision.objects.get(number="CLI-3").session.number == "20"
    assert Invoice.objects.get().status == "approved"
