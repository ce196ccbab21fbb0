"""The import's name-and-birth-date fingerprints: equal rows get equal prints, whatever their neighbours."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.voters.rules.columns import CheckedBatch
from psephos.voters.services.register_pg import _fingerprints, _repeated

# A few letters, one to three bytes each in UTF-8, so that rows repeat and values
# straddle the 8-byte words the fingerprint reads.
NAMES = st.text(alphabet="abАБӘ€ ", max_size=20)
ROW = st.tuples(NAMES, NAMES, NAMES, st.integers(0, 3))


def batch(rows: list[tuple[str, str, str, int]], skip: int = 0) -> CheckedBatch:
    """The rows as checked columns; ``skip`` leading filler rows are sliced off (an offset)."""
    rows = [("filler", "filler", "filler", 0)] * skip + rows
    n = len(rows)

    def column(i: int) -> pa.Array:
        return pa.array([row[i] for row in rows], type=pa.string()).slice(skip)

    zeros = np.zeros(n - skip, dtype=bool)
    return CheckedBatch(
        ok=~zeros,
        iin=np.zeros((n - skip, 12), dtype=np.uint8),
        surname=column(0),
        given_name=column(1),
        patronymic=column(2),
        birth_date=np.array(
            [np.datetime64(dt.date(1990, 1, 1) + dt.timedelta(days=row[3])) for row in rows[skip:]],
            dtype="datetime64[D]",
        ),
        sex=column(0),
        station=column(0),
        incapacitated=zeros,
        prisoner=zeros,
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=40), st.integers(0, 3))
def test_a_print_depends_only_on_its_own_row(
    rows: list[tuple[str, str, str, int]], skip: int
) -> None:
    prints = _fingerprints(batch(rows, skip))
    alone = [_fingerprints(batch([row]))[0] for row in rows]
    assert prints.tolist() == [int(p) for p in alone]
    for i, row in enumerate(rows):
        for j in range(i):
            if rows[j] == row:
                assert prints[i] == prints[j]


@settings(max_examples=200, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=40))
def test_every_repeated_row_is_a_candidate(rows: list[tuple[str, str, str, int]]) -> None:
    half = len(rows) // 2
    prints = [_fingerprints(batch(rows[:half])), _fingerprints(batch(rows[half:]))]
    candidates = set(_repeated(prints).tolist())
    repeated = {i for i, row in enumerate(rows) if rows.count(row) > 1}
    assert repeated <= candidates


def test_names_that_differ_in_their_first_or_last_bytes_get_different_prints() -> None:
    rows = [
        ("Ахметов", "Бауыржан", "Серикович", 0),
        ("Ахметова", "Бауыржан", "Серикович", 0),
        ("Ахметов", "Бауыржан", "Серикулы", 0),
        ("Ахметов", "Бауыржан", "Серикович", 1),
        ("Әхметов", "Бауыржан", "Серикович", 0),
        ("Ахметов", "Бауыржан", "", 0),
    ]
    assert len(set(_fingerprints(batch(rows)).tolist())) == len(rows)
