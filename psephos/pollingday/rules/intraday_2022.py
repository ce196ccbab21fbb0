"""The CEC's intraday turnout releases of 20 Nov 2022, per region (kazakhstan-rules.md §13.2).

The releases came at 10:05, 12:05, 16:00, 18:05 and 22:00; they are the figures of the
profile's reporting times 10:00, 12:00, 16:00, 18:00 and 22:00. The CEC published no
registered voters per region: ``region_shares`` derives them (DERIVED) as the smallest
relative change of the simulation's voter weights for which the five national figures
are the regional ones weighted by the shares.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np

SLOTS = (dt.time(10, 0), dt.time(12, 0), dt.time(16, 0), dt.time(18, 0), dt.time(22, 0))

_TABLE = """
KZ-10 25.64 43.67 73.57 78.88 80.18
KZ-11 21.21 40.13 71.38 75.82 78.87
KZ-15 26.66 44.48 68.81 71.23 72.81
KZ-19 20.12 25.83 55.11 70.92 72.10
KZ-23 25.03 40.42 60.87 67.88 70.87
KZ-27 20.86 27.55 54.62 64.77 68.67
KZ-31 23.27 41.29 68.74 77.27 79.57
KZ-33 25.58 42.18 68.88 77.08 81.42
KZ-35 32.27 44.99 71.89 77.80 78.39
KZ-39 26.97 42.87 71.38 77.56 79.28
KZ-43 29.41 43.46 72.88 77.20 81.07
KZ-47 25.20 41.19 59.61 64.57 66.99
KZ-55 27.90 44.23 72.73 77.12 77.58
KZ-59 27.33 43.64 72.21 77.46 79.01
KZ-61 27.03 64.21 80.09 80.25 80.37
KZ-62 27.81 52.22 72.75 74.45 75.48
KZ-63 23.17 41.86 68.42 76.81 79.49
KZ-71 13.73 19.33 44.39 48.01 48.60
KZ-75 8.42 16.89 26.19 27.93 28.72
KZ-79 30.92 34.41 56.28 59.56 59.79
"""

REGION_RATES: dict[str, tuple[Decimal, ...]] = {
    line.split()[0]: tuple(Decimal(x) for x in line.split()[1:])
    for line in _TABLE.strip().splitlines()
}
NATIONAL = (
    Decimal("23.37"),
    Decimal("38.55"),
    Decimal("62.34"),
    Decimal("67.85"),
    Decimal("69.43"),
)


def region_shares(weights: dict[str, float]) -> dict[str, float]:
    """Return each region's share of the voters, near ``weights``, that gives the national line.

    Minimises the squared relative change of the normalised weights subject to the five
    national figures and the shares summing to one (a closed-form least-norm solution).
    """
    codes = list(REGION_RATES)
    w0 = np.array([weights[c] for c in codes], dtype=np.float64)
    w0 /= w0.sum()
    rates = np.array([[float(r) for r in REGION_RATES[c]] for c in codes]).T
    constraints = np.vstack([rates, np.ones(len(codes))])
    target = np.array([*(float(n) for n in NATIONAL), 1.0])
    scaled = constraints * w0
    change = scaled.T @ np.linalg.solve(scaled @ scaled.T, target - constraints @ w0)
    shares = w0 * (1 + change)
    return {c: float(s) for c, s in zip(codes, shares, strict=True)}
