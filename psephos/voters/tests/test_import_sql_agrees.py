"""The PostgreSQL import's SQL row checks agree with ``rules.records`` row by row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
from django.db import connection

from psephos.voters.iin_hash import iin_hash
from psephos.voters.rules.iin import iin_make
from psephos.voters.rules.records import Record, record_check
from psephos.voters.services import register_pg

from .conftest import World


def mutated_rows(n: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        birth = dt.date(1900, 1, 1) + dt.timedelta(days=rng.randrange(45_000))
        sex = rng.choice("MF")
        iin = iin_make(birth, sex, rng.randrange(10_000)) or "000000000000"
        row = [iin, "Сурнаме", "Гивен", "", birth.isoformat(), sex, "KZ-75-0001", ""]
        for _m in range(rng.choice([0, 0, 1, 1, 2])):
            col = rng.randrange(8)
            value = row[col]
            choice = rng.randrange(8)
            if col == 0:
                pos = rng.randrange(12)
                value = [
                    value[:pos] + str(rng.randrange(10)) + value[pos + 1 :],
                    value[:11],
                    value + "1",
                    value[:pos] + "x" + value[pos + 1 :],
                    value[:6] + rng.choice("0789") + value[7:],
                    value[:2] + "13" + value[4:],
                    value[:4] + "31" + value[6:],
                    f" {value} ",
                ][choice]
            elif col in (1, 2, 3):
                value = ["", "  ", "Я" * 101, "Я" * 100, " Ким ", "A", "", "Ли"][choice]
            elif col == 4:
                value = [
                    "1992-02-30",
                    "29.10.1992",
                    "1992-1-01",
                    "2000-02-29",
                    "1900-02-29",
                    "",
                    "0000-01-01",
                    f" {value}",
                ][choice]
            elif col == 5:
                value = ["M", "F", "X", "", "m", " F", "MF", "M"][choice]
            elif col == 6:
                value = [
                    "",
                    " ",
                    "KZ-75-0001",
                    "KZ-75-0002",
                    " KZ-75-0003 ",
                    "x",
                    "",
                    "KZ-75-0004",
                ][choice]
            else:
                value = [
                    "prisoner",
                    "incapacitated",
                    "prisoner;incapacitated",
                    " prisoner ; ",
                    "jailed",
                    ";",
                    "prisoner;x",
                    "",
                ][choice]
            row[col] = value
        rows.append(row)
    return rows


@pytest.fixture
def postgres_only(world: World) -> World:
    assert connection.vendor == "postgresql", "the SQL row checks run on PostgreSQL only"
    return world


@pytest.mark.postgres
def test_sql_row_checks_agree_with_the_rules(postgres_only: World) -> None:
    rows = mutated_rows(4000, seed=11)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["iin", "surname", "given_name", "patronymic", "birth_date", "sex", "station", "status"]
    )
    writer.writerows(rows)
    register_pg.stage_copy(io.BytesIO(buffer.getvalue().encode()), lambda n: None)
    sql = {}
    for line, column, code in register_pg.row_problems(postgres_only.geography.pk):
        if code != "unknown_station":
            sql.setdefault(line, set()).add((column, code))
    expected = {}
    for index, row in enumerate(rows):
        checked = record_check(row)
        if not isinstance(checked, Record):
            expected[index + 2] = {(p.column, p.code) for p in checked}
    assert len(expected) > 1000  # the mutations do produce problems
    assert sql == expected


@pytest.mark.postgres
def test_sql_keyed_hash_equals_python(postgres_only: World) -> None:
    from psephos.voters.iin_hash import _key

    with connection.cursor() as cur:
        cur.execute(
            "SELECT hmac(convert_to(%s, 'UTF8'), %s::bytea, 'sha256')", ["921029350851", _key()]
        )
        (digest,) = cur.fetchone()
    assert bytes(digest) == iin_hash("921029350851")
