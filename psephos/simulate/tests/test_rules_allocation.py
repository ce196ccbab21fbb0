"""Exact integer allocation tables."""

from __future__ import annotations

import numpy as np
import pytest

from psephos.simulate.rules.allocation import (
    AllocationError,
    allocate,
    allocate_min,
    allocate_rates,
    water_fill,
)


@pytest.mark.parametrize(
    ("total", "weights", "caps", "expected"),
    [
        (10, [1, 1], None, [5, 5]),
        (10, [1, 1, 1], None, [4, 3, 3]),  # remainder to the lowest index on ties
        (7, [0.5, 0.25, 0.25], None, [3, 2, 2]),  # largest fractions first
        (10, [3, 1], [5, 100], [5, 5]),  # capped bucket held at its cap
        (10, [1, 0], None, [10, 0]),
        (0, [1, 2, 3], None, [0, 0, 0]),
        (6, [0, 0], [2, 4], [2, 4]),  # no weight: fill by room
        (100, [1, 2, 3, 4], None, [10, 20, 30, 40]),
        (5, [1, 1, 1], [1, 1, 3], [1, 1, 3]),
    ],
)
def test_allocate_table(total, weights, caps, expected):
    result = allocate(total, weights, caps)
    assert result.tolist() == expected
    assert int(result.sum()) == total


@pytest.mark.parametrize(
    ("total", "weights", "caps", "message"),
    [
        (11, [1, 1], [5, 5], "total 11 exceeds the sum of the caps 10.0"),
        (-1, [1], None, "cannot allocate a negative total (-1)"),
        (3, [-1, 2], None, "weights must be finite and not negative"),
        (3, [1, float("nan")], None, "weights must be finite and not negative"),
    ],
)
def test_allocate_refuses(total, weights, caps, message):
    with pytest.raises(AllocationError) as info:
        allocate(total, weights, caps)
    assert str(info.value) == message


def test_allocate_random_cases_are_exact_and_within_caps():
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 40))
        caps = rng.integers(0, 5000, n)
        total = int(rng.integers(0, caps.sum() + 1))
        weights = rng.gamma(0.5, 1.0, n)
        result = allocate(total, weights, caps)
        assert int(result.sum()) == total
        assert np.all(result >= 0)
        assert np.all(result <= caps)


def test_water_fill_redistributes_over_capped_buckets():
    assert water_fill(10, [8, 1, 1], [4, 100, 100]).tolist() == [4.0, 3.0, 3.0]


@pytest.mark.parametrize(
    ("total", "weights", "minimum", "expected"),
    [
        (10, [1, 0, 0], 1, [8, 1, 1]),
        (5, [1, 1, 1, 1, 1], 1, [1, 1, 1, 1, 1]),
        (12, [1, 1], [2, 4], [5, 7]),
    ],
)
def test_allocate_min_table(total, weights, minimum, expected):
    assert allocate_min(total, weights, minimum).tolist() == expected


def test_allocate_min_refuses_when_minimums_exceed_total():
    with pytest.raises(AllocationError) as info:
        allocate_min(2, [1, 1, 1], 1)
    assert str(info.value) == "minimums 3 exceed the total 2"


def test_allocate_rates_keeps_fixed_rates_and_scales_the_rest():
    bases = [1000, 1000, 2000]
    result = allocate_rates(1500, bases, [0.287, 0.5, 0.5], [True, False, False])
    assert result.tolist() == [287, 404, 809]
    assert int(result.sum()) == 1500
