"""The integer-percentage window is exactly ±0.05 points, checked against exact fractions.

Values between 0.05 and 0.06 points from an integer kill the mutant that widens the
window to 0.06 in both the indicator and the exact probability (issue 16).
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np
import pytest

from psephos.integrity.rules.integer import integer_probability, is_integer_percentage

HALF_TENTH = Fraction(1, 20)  # 0.05 percentage points


def integer_by_fractions(x: int, n: int) -> bool:
    """Return whether 100·x/n is within 0.05 of an integer, in exact rational arithmetic."""
    p = Fraction(100 * x, n)
    return abs(p - round(p)) <= HALF_TENTH


@pytest.mark.parametrize(
    ("x", "n", "distance"),
    [
        (2011, 20000, "0.055"),  # 10.055 %
        (20111, 200000, "0.0555"),  # 10.0555 %
        (2012, 20000, "0.06"),  # 10.06 %
        (1988, 20000, "0.06"),  # 9.94 %
        (7989, 20000, "0.055"),  # 39.945 %
        (2201, 20000, "0.005"),  # 11.005 %: inside
        (201, 2000, "0.05"),  # 10.05 %: on the edge, inside
    ],
)
def test_window_between_five_and_six_hundredths(x: int, n: int, distance: str) -> None:
    p = Fraction(100 * x, n)
    assert abs(p - round(p)) == Fraction(distance)
    expected = Fraction(distance) <= HALF_TENTH
    assert integer_by_fractions(x, n) is expected
    assert bool(is_integer_percentage(np.array([x]), np.array([n]))[0]) is expected


@pytest.mark.parametrize(("n", "x"), [(1900, 207), (1999, 1203), (911, 455)])
def test_integer_probability_against_exact_fractions(n: int, x: int) -> None:
    # At these sizes several outcomes lie 0.05 to 0.06 points from an integer, so a
    # wider window would add their probability.
    near = [
        k
        for k in range(n + 1)
        if HALF_TENTH < abs(Fraction(100 * k, n) - round(Fraction(100 * k, n))) <= Fraction(6, 100)
    ]
    assert near
    q = Fraction(x, n)
    exact = sum(
        comb(n, k) * q**k * (1 - q) ** (n - k) for k in range(n + 1) if integer_by_fractions(k, n)
    )
    got = integer_probability(np.array([n]), np.array([x]))[0]
    assert got == pytest.approx(float(exact), abs=1e-12)
