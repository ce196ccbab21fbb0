"""The disclosure publishes what a statement has reconciled, masking small private donors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from psephos.finance.disclosure import fund_disclosure
from psephos.finance.models import Fund
from psephos.finance.services.statements import statement_import

from .conftest import ACTOR
from .test_receipts import row
from .test_statements import csv_statement, records

D = Decimal


def test_the_disclosure_changes_when_a_statement_is_reconciled(fund: Fund, tmp_path: Path) -> None:
    records(fund)  # R1 5,000 and R2 7,000 from one citizen; P1 and P2 1,500 for print
    assert fund_disclosure(fund=fund).received == D("0.00")
    path = csv_statement(
        tmp_path,
        [
            "2022-10-20,CRDT,5000.00,KZT,R1,A Person",
            "2022-10-20,CRDT,7000.00,KZT,R2,A Person",
            "2022-10-21,DBIT,1500.00,KZT,P1,Print house",
        ],
    )
    statement_import(fund=fund, path=path, actor=ACTOR)
    disclosure = fund_disclosure(fund=fund)
    assert disclosure.received == D("12000.00")
    assert disclosure.spent == D("1500.00")
    assert disclosure.by_source["citizen"] == D("12000.00")
    assert disclosure.by_purpose == {"print": D("1500.00")}
    assert disclosure.donors == 1
    # Itemised from 10 MCI (30,630); a citizen named from 100 MCI (306,300): none here.
    assert disclosure.itemised == []


def test_a_large_private_donor_is_named_and_a_smaller_one_masked(
    fund: Fund, tmp_path: Path
) -> None:
    from psephos.finance.services.receipts import receipt_record

    receipt_record(
        fund=fund, row=row(amount="306300", reference="B1"), in_account=False, actor=ACTOR
    )
    receipt_record(
        fund=fund, row=row(amount="30630", reference="B2"), in_account=False, actor=ACTOR
    )
    path = csv_statement(
        tmp_path,
        ["2022-10-20,CRDT,306300.00,KZT,B1,A", "2022-10-20,CRDT,30630.00,KZT,B2,A"],
    )
    statement_import(fund=fund, path=path, actor=ACTOR)
    assert [(i.amount, i.donor) for i in fund_disclosure(fund=fund).itemised] == [
        (D("306300.00"), "Aibek Test"),
        (D("30630.00"), "—"),
    ]


def test_the_disclosure_reads_a_fixed_number_of_queries(
    fund: Fund, tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    records(fund)
    path = csv_statement(
        tmp_path,
        ["2022-10-20,CRDT,5000.00,KZT,R1,A", "2022-10-20,CRDT,7000.00,KZT,R2,A"],
    )
    statement_import(fund=fund, path=path, actor=ACTOR)
    with django_assert_max_num_queries(10):
        disclosure = fund_disclosure(fund=fund)
    assert disclosure.received == D("12000.00")
