"""The import's batch checks (``rules.columns``) agree with ``rules.records`` row by row."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import numpy as np
import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from psephos.voters.rules.columns import WHITESPACE as WHITESPACE_CHARACTERS
from psephos.voters.rules.columns import batch_check, fixed_bytes, strip
from psephos.voters.rules.iin import iin_make, iin_problem
from psephos.voters.rules.records import Record, record_check


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


def agree(rows: list[list[str]]) -> int:
    """Assert ``batch_check`` and ``record_check`` agree on every row; return how many pass."""
    checked = batch_check([pa.array([row[i] for row in rows], pa.string()) for i in range(8)])
    passed = 0
    for index, row in enumerate(rows):
        record = record_check(row)
        assert bool(checked.ok[index]) == isinstance(record, Record), row
        if isinstance(record, Record):
            passed += 1
            assert bytes(checked.iin[index]).decode() == record.iin
            assert checked.birth_date[index] == np.datetime64(record.birth_date)
            assert (
                checked.surname[index].as_py(),
                checked.given_name[index].as_py(),
                checked.patronymic[index].as_py(),
                checked.sex[index].as_py(),
                checked.station[index].as_py(),
                bool(checked.incapacitated[index]),
                bool(checked.prisoner[index]),
            ) == (
                record.surname,
                record.given_name,
                record.patronymic,
                record.sex,
                record.station,
                record.incapacitated,
                record.prisoner,
            )
    return passed


def test_batch_checks_agree_with_the_rules_on_mutated_rows() -> None:
    rows = mutated_rows(6000, seed=11)
    passed = agree(rows)
    assert 1000 < passed < len(rows) - 1000  # both outcomes are exercised


WHITESPACE = st.sampled_from([" ", "\t", "\u00a0", "\u3000", "\u2028", "\x1c", "\x85", ""])


@st.composite
def rows(draw: st.DrawFn) -> list[str]:
    birth = draw(st.dates(dt.date(1800, 1, 1), dt.date(2099, 12, 31)))
    sex = draw(st.sampled_from("MF"))
    iin = iin_make(birth, sex, draw(st.integers(0, 9999))) or "000000000000"
    cells = [
        draw(st.sampled_from([iin, iin[:11], iin + "0", iin[:6] + "7" + iin[7:], "٠" * 12])),
        draw(st.sampled_from(["Ким", "", "Ә" * 100, "Ә" * 101, "a\u00a0b"])),
        draw(st.sampled_from(["Ли", "", "x"])),
        draw(st.sampled_from(["", "Ұлы", "Я" * 101])),
        draw(st.sampled_from([birth.isoformat(), "1992-02-30", "١٩٩٢-01-01", "0000-01-01"])),
        sex if draw(st.booleans()) else draw(st.sampled_from(["M", "F", "m", "MF", ""])),
        draw(st.sampled_from(["KZ-75-0001", "", "x"])),
        draw(st.sampled_from(["", "prisoner", "incapacitated;prisoner", ";", "x", "prisoner;;"])),
    ]
    return [draw(WHITESPACE) + cell + draw(WHITESPACE) for cell in cells]


@settings(max_examples=60, deadline=None)
@given(st.lists(rows(), min_size=1, max_size=40))
def test_batch_checks_agree_with_the_rules_on_any_whitespace(batch: list[list[str]]) -> None:
    agree(batch)


def test_values_not_back_to_back_are_read_where_they_are() -> None:
    # A slice of a longer array: offsets do not start at zero and lengths differ.
    column = pa.array(["x", "921029350851", "12", "900101300007"], pa.string())[1:]
    raw, fits = fixed_bytes(column, 12)
    assert fits.tolist() == [True, False, True]
    assert [bytes(r).decode() for r in raw[fits]] == ["921029350851", "900101300007"]


@settings(max_examples=300, deadline=None)
@example(["a\u3000"])  # each way a whitespace character can end or begin a value
@example(["я\u2028"])
@example(["a\x85"])
@example(["Ә\xa0"])
@example(["a\x1f"])
@example(["\u205fa"])
@example(["\xa0я"])
@example(["\ta"])
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(["a", "Ә", "я", "€", "𝔸", *WHITESPACE_CHARACTERS])),
        max_size=20,
    )
)
def test_strip_is_str_strip(values: list[str]) -> None:
    assert strip(pa.array(values, pa.string())).to_pylist() == [v.strip() for v in values]


def test_signer_keys_agree_with_the_rules_iin_by_iin(key_dir: Path) -> None:
    """Signature verification keys a file's IINs in one batch (``signer_keys``); each key is
    the one ``iin_hash`` gives a valid IIN, and None where ``iin_problem`` names a problem."""
    from psephos.voters.iin_hash import iin_hash
    from psephos.voters.selectors import signer_keys

    rng = random.Random(5)
    iins = [row[0].strip() for row in mutated_rows(3000, seed=5)]
    for i in rng.sample(range(len(iins)), 600):  # one character replaced, anywhere
        pos = rng.randrange(12)
        iins[i] = iins[i][:pos] + rng.choice("0123456789x ٣") + iins[i][pos + 1 :]
    iins += ["", "٠" * 12, " 921029350851", "9210293508510"]
    keys = signer_keys(geography_id=3, iins=iins)
    assert keys == [None if iin_problem(iin) else iin_hash(iin, 3) for iin in iins]
    assert 300 < keys.count(None) < len(keys) - 2000  # both outcomes are exercised
