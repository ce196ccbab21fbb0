"""Turnout and leader share per station, and the histogram helpers the methods share."""

from __future__ import annotations

import numpy as np

from .table import FloatArray, IntArray, StationTable

DENOMINATORS = ("received", "valid")


def turnout(table: StationTable) -> FloatArray:
    """Return G / N per station (0 where N = 0)."""
    n = table.registered
    return np.where(n > 0, table.issued / np.where(n > 0, n, 1), 0.0)


def leader_share(table: StationTable, *, denominator: str = "received") -> FloatArray:
    """Return L / R (Kobak convention) or L / V per station (0 where the denominator is 0)."""
    d = share_denominator(table, denominator=denominator)
    return np.where(d > 0, table.leader / np.where(d > 0, d, 1), 0.0)


def share_denominator(table: StationTable, *, denominator: str = "received") -> IntArray:
    """Return the leader-share denominator named by ``denominator``."""
    if denominator == "received":
        return table.received
    if denominator == "valid":
        return table.valid
    raise ValueError(f"unknown denominator {denominator!r}; use one of {DENOMINATORS}")


def histogram(values: FloatArray, *, bins: int, weights: FloatArray | None = None) -> FloatArray:
    """Return counts of values in [0, 1] over ``bins`` equal bins (1.0 goes in the last bin)."""
    idx = np.clip((np.asarray(values) * bins).astype(np.int64), 0, bins - 1)
    return np.bincount(idx, weights=weights, minlength=bins).astype(np.float64)


def smooth(values: FloatArray, width: int = 3) -> FloatArray:
    """Return a centred moving average (edges averaged over the available bins)."""
    kernel = np.ones(width)
    num = np.convolve(values, kernel, mode="same")
    den = np.convolve(np.ones_like(values), kernel, mode="same")
    return np.asarray(num / den)


def first_prominent_mode(
    hist: FloatArray, *, lo: int = 0, hi: int | None = None, prominence: float = 0.5
) -> int:
    """Return the first local maximum in [lo, hi) whose height is ≥ ``prominence`` × the range's max.

    Taking the first prominent mode rather than the global maximum keeps an
    extreme-fraud cluster near 100 % from being mistaken for the honest peak.
    """
    hi = hist.size if hi is None else hi
    seg = hist[lo:hi]
    if seg.size == 0 or seg.max() <= 0:
        return lo
    floor = prominence * seg.max()
    for i in range(seg.size):
        left = seg[i - 1] if i > 0 else -np.inf
        right = seg[i + 1] if i + 1 < seg.size else -np.inf
        if seg[i] >= floor and seg[i] >= left and seg[i] >= right:
            return lo + i
    return lo + int(np.argmax(seg))
