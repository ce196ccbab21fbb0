"""A receipts file: all or nothing, every problem as file:line:column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError

from psephos.finance.keys import donor_key
from psephos.finance.models import Fund, Receipt
from psephos.ledger.models import Event

from .conftest import cli
from .test_receipts import IIN

HEADER = "received_on,amount,currency,source,donor_id,donor_name,in_kind,reference\n"


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "receipts.csv"
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_a_good_file_is_imported_with_one_event(fund: Fund, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            f"2022-10-13,1000000,KZT,citizen,{IIN},A Person,,R1",
            "2022-10-14,700000000.00,KZT,own,,,no,R2",
            "2022-10-15,2500.50,KZT,nominating_body,,Amanat,,R3",
        ],
    )
    out = cli(fund, "import-receipts", path)
    assert out.startswith("3 receipts imported, KZT 701002500.50; file SHA-256 ")
    assert list(Receipt.objects.order_by("number").values_list("number", "source")) == [
        (1, "citizen"),
        (2, "own"),
        (3, "nominating_body"),
    ]
    assert Event.objects.filter(action="receipts.import").count() == 1


def test_a_bad_file_names_each_problem_and_writes_nothing(fund: Fund, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            f"2022-10-13,1000000,KZT,citizen,{IIN},A Person,,R1",
            "2022-10-14,700000000.001,KZT,own,,,,R2",
            "2022-10-15,720000000,KZT,own,,,,R3",
            "2022-10-16,5,KZT,foreign,,,,R4",
            "2022-10-16,5,EUR,citizen,,,,R5",
        ],
    )
    before = Event.objects.count()
    with pytest.raises(CommandError) as refused:
        cli(fund, "import-receipts", path)
    message = str(refused.value)
    assert message.startswith("import_invalid: 4 problems; nothing imported. ")
    assert "receipts.csv:3:2: amount: more than two decimals (700000000.001)" in message
    assert "receipts.csv:6:3: currency: unknown currency (KZT only) (EUR)" in message
    assert "receipts.csv:5:4: prohibited source: foreign source" in message
    assert "receipts.csv:5:4: anonymous donation" in message
    assert IIN not in message
    assert Receipt.objects.count() == 0 and Event.objects.count() == before


def test_a_name_or_reference_too_long_for_the_record_is_named(fund: Fund, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            f"2022-10-13,10,KZT,citizen,{IIN},{'Ә' * 301},,R1",
            "2022-10-14,10,KZT,own,,,," + "R" * 65,
        ],
    )
    with pytest.raises(CommandError) as refused:
        cli(fund, "import-receipts", path)
    message = str(refused.value)
    assert message.startswith("import_invalid: 2 problems; nothing imported. ")
    assert "receipts.csv:2:6: donor_name: too long (characters) (> 300)" in message
    assert "receipts.csv:3:8: reference: too long (characters) (> 64)" in message
    assert not Receipt.objects.exists()


def test_the_running_total_of_a_file_breaks_the_cap(fund: Fund, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ["2022-10-14,700000000,KZT,own,,,,R2", "2022-10-15,20000000.01,KZT,nominating_body,,,,R3"],
    )
    with pytest.raises(CommandError) as refused:
        cli(fund, "import-receipts", path)
    assert str(refused.value).splitlines()[0] == (
        "import_invalid: 1 problems; nothing imported. receipts.csv:3:2: cap on own money and "
        "the nominating body: limit 720000000.00, before 700000000.00, this 20000000.01, "
        "over by 0.01"
    )
    assert Receipt.objects.count() == 0


def test_a_plain_file_is_read_whole_and_never_line_by_line(
    fund: Fund, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psephos.finance.services import receipts

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("read line by line")

    monkeypatch.setattr(receipts, "_rows_import", refuse)
    path = write(
        tmp_path,
        [
            f"2022-10-13,300.5,KZT,citizen,{IIN},A \\ Person\tB,,R1",
            f"2022-10-14,200,,citizen,{IIN},A Person,false,R2",
            "2022-10-15,2500.50,KZT,nominating_body,,Amanat,,R3",
        ],
    )
    out = cli(fund, "import-receipts", path)
    assert out.startswith("3 receipts imported, KZT 3001.00; file SHA-256 ")
    rows = Receipt.objects.order_by("number")
    assert [(r.number, r.amount, r.currency, r.donor_name) for r in rows] == [
        (1, Decimal("300.50"), "KZT", "A \\ Person\tB"),
        (2, Decimal("200.00"), "KZT", "A Person"),
        (3, Decimal("2500.50"), "KZT", "Amanat"),
    ]
    assert rows[0].donor_key == rows[1].donor_key == donor_key(IIN)
    assert rows[2].donor_key is None


@pytest.mark.postgres
def test_a_file_larger_than_the_table_is_written_with_its_keys_detached(
    fund: Fund, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys, indexes, foreign keys and column defaults are back as they were after the load."""
    from django.db import connection

    from psephos.finance.services import receipts_columns

    def schema() -> list[tuple[str, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 'c', conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = 'finance_receipt'::regclass UNION ALL"
                " SELECT 'i', indexname, indexdef FROM pg_indexes"
                " WHERE tablename = 'finance_receipt' UNION ALL"
                " SELECT 'd', attname, pg_get_expr(adbin, adrelid) FROM pg_attrdef"
                " JOIN pg_attribute ON attrelid = adrelid AND attnum = adnum"
                " WHERE adrelid = 'finance_receipt'::regclass ORDER BY 1, 2"
            )
            return cursor.fetchall()

    before = schema()
    monkeypatch.setattr(receipts_columns, "DETACH_ROWS", 2)
    path = write(
        tmp_path,
        [
            f"2022-10-13,300.5,KZT,citizen,{IIN},A Person,,R1",
            "2022-10-15,2500.50,,own,,,,R\\3",
        ],
    )
    cli(fund, "import-receipts", path)
    assert schema() == before
    assert [
        (r.number, r.amount, r.currency, r.status, r.violations, r.in_kind, r.reference)
        for r in Receipt.objects.order_by("number")
    ] == [
        (1, Decimal("300.50"), "KZT", "accepted", [], False, "R1"),
        (2, Decimal("2500.50"), "KZT", "accepted", [], False, "R\\3"),
    ]
    # a second file is smaller than the table now: written into it as it is
    cli(fund, "import-receipts", write(tmp_path, ["2022-10-16,5,KZT,own,,,,R4"]))
    assert Receipt.objects.filter(number=3, fund=fund).exists()
