"""Bank statements: both formats, line-by-line reconciliation, a second import refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError

from psephos.finance.errors import ImportInvalid, StatementDuplicate
from psephos.finance.models import Difference, Fund, Receipt, Statement, StatementLine
from psephos.finance.rules.statements import Entry, statement_write_camt053
from psephos.finance.services.payments import payment_record
from psephos.finance.services.receipts import receipt_record
from psephos.finance.services.statements import statement_import
from psephos.ledger.models import Event

from .conftest import ACCOUNT, ACTOR, cli
from .test_receipts import row

D = Decimal
CSV_HEADER = "account,booked_on,credit_debit,amount,currency,reference,counterparty\n"


def records(fund: Fund) -> None:
    """Two receipts and two payments, one of them without an invoice."""
    receipt_record(fund=fund, row=row(amount="5000", reference="R1"), in_account=False, actor=ACTOR)
    receipt_record(fund=fund, row=row(amount="7000", reference="R2"), in_account=False, actor=ACTOR)
    for ref, invoice in (("P1", "INV-1"), ("P2", "")):
        payment_record(
            fund=fund,
            paid_on=dt.date(2022, 10, 21),
            amount="1500",
            purpose="print",
            payee="Print house LLP",
            invoice=invoice,
            reference=ref,
            actor=ACTOR,
        )


def csv_statement(tmp_path: Path, lines: list[str], name: str = "st.csv") -> Path:
    path = tmp_path / name
    path.write_text(CSV_HEADER + "".join(f"{ACCOUNT},{x}\n" for x in lines), encoding="utf-8")
    return path


def test_a_csv_statement_is_reconciled_line_by_line(fund: Fund, tmp_path: Path) -> None:
    records(fund)
    path = csv_statement(
        tmp_path,
        [
            "2022-10-20,CRDT,5000.00,KZT,R1,A Person",
            "2022-10-20,CRDT,7500.00,KZT,R2,A Person",  # recorded 7000
            "2022-10-20,CRDT,300.00,KZT,R9,Someone",  # not recorded
            "2022-10-21,DBIT,1500.00,KZT,P2,Print house",  # no invoice
            "2022-10-22,DBIT,99.00,KZT,P7,Bank fee",  # not recorded
        ],
    )
    lines = cli(fund, "import-statement", path).splitlines()
    assert lines[0] == (
        "5 lines (2022-10-20 – 2022-10-22): 1 receipts and 1 payments reconciled, 5 differences."
    )
    assert sorted(
        Difference.objects.values_list(
            "kind", "line", "reference", "bank_amount", "recorded_amount"
        )
    ) == [
        ("amount_differs", 3, "R2", D("7500.00"), D("7000.00")),
        ("not_in_statement", None, "P1", None, D("1500.00")),
        ("payment_without_invoice", 5, "P2", D("1500.00"), D("1500.00")),
        ("unrecorded_payment", 6, "P7", D("99.00"), None),
        ("unrecorded_receipt", 4, "R9", D("300.00"), None),
    ]
    assert list(
        Receipt.objects.filter(statement__isnull=False).values_list("reference", flat=True)
    ) == ["R1"]
    statement = Statement.objects.get()
    assert (statement.credits, statement.debits) == (D("12800.00"), D("1599.00"))
    event = Event.objects.get(action="statement.import")
    assert event.payload["differences"] == 5 and event.payload["reconciled"] == [1, 1]


def test_the_same_statement_twice_is_refused_and_nothing_changes(
    fund: Fund, tmp_path: Path
) -> None:
    records(fund)
    path = csv_statement(tmp_path, ["2022-10-20,CRDT,5000.00,KZT,R1,A Person"])
    statement_import(fund=fund, path=path, actor=ACTOR)
    before = (Event.objects.count(), StatementLine.objects.count(), Difference.objects.count())
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())
    with pytest.raises(StatementDuplicate) as refused:
        statement_import(fund=fund, path=copy, actor=ACTOR)
    assert refused.value.message.startswith("copy.csv was imported before (SHA-256 ")
    after = (Event.objects.count(), StatementLine.objects.count(), Difference.objects.count())
    assert after == before


def test_a_camt053_statement_is_read_and_reconciled(fund: Fund, tmp_path: Path) -> None:
    records(fund)
    day = dt.date(2022, 10, 20)
    data = statement_write_camt053(
        account=ACCOUNT,
        statement_id="S-1",
        entries=[
            Entry(1, day, D("5000.00"), "R1", "A Person"),
            Entry(2, day, D("7000.00"), "R2", "A Person"),
            Entry(3, day, D("-1500.00"), "P1", "Print house"),
        ],
    )
    path = tmp_path / "st.xml"
    path.write_bytes(data)
    done = statement_import(fund=fund, path=path, actor=ACTOR)
    assert (done.receipts, done.payments) == (2, 1)
    assert [d.kind for d in done.differences] == []  # P2 paid 21 Oct, after the statement
    assert done.statement.format == "camt053"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"<Document><x/></Document>",
            "The statement has 1 problems; nothing imported. st.xml:0:Document: not_camt053",
        ),
        (
            b"<Document",
            "The statement has 1 problems; nothing imported. st.xml:0:Document: not_xml",
        ),
        (
            b'<!DOCTYPE d [<!ENTITY e "x">]><Document>&e;</Document>',
            "The statement has 1 problems; nothing imported. st.xml:0:Document: not_xml",
        ),
    ],
)
def test_a_broken_xml_statement_is_refused(
    fund: Fund, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "st.xml"
    path.write_bytes(content)
    before = Event.objects.count()
    with pytest.raises(ImportInvalid) as refused:
        statement_import(fund=fund, path=path, actor=ACTOR)
    assert refused.value.message.startswith(message)
    assert Statement.objects.count() == 0 and Event.objects.count() == before


def test_a_bad_csv_line_and_another_account_are_refused(fund: Fund, tmp_path: Path) -> None:
    path = csv_statement(tmp_path, ["2022-10-20,CRDT,50.001,KZT,R1,A", "2022-13-01,XX,5,KZT,R1,A"])
    with pytest.raises(ImportInvalid) as refused:
        statement_import(fund=fund, path=path, actor=ACTOR)
    assert refused.value.message == (
        "The statement has 3 problems; nothing imported. st.csv:2:amount: too_many_decimals "
        "st.csv:3:booked_on: bad_date st.csv:3:credit_debit: bad_direction"
    )
    other = tmp_path / "other.csv"
    other.write_text(
        CSV_HEADER + "KZ19601KZT0000000001,2022-10-20,CRDT,5,KZT,R1,A\n", encoding="utf-8"
    )
    with pytest.raises(ImportInvalid) as wrong:
        statement_import(fund=fund, path=other, actor=ACTOR)
    assert wrong.value.message == (
        f"other.csv is a statement of account KZ19601KZT0000000001, not of the fund's {ACCOUNT}."
    )
    assert Statement.objects.count() == 0


def test_a_camt053_from_a_command_line_error_names_the_code(fund: Fund, tmp_path: Path) -> None:
    path = tmp_path / "st.xml"
    path.write_bytes(b"<Document")
    with pytest.raises(CommandError) as refused:
        cli(fund, "import-statement", path)
    assert str(refused.value).startswith("import_invalid: ")
