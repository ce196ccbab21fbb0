"""Exact integer allocation: split a total over buckets by weight, within caps.

Every function here returns integers that sum exactly to the total asked for,
so national figures stay exact at every level of the tree.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.int64]


class AllocationError(ValueError):
    """The total cannot be placed within the caps."""


def water_fill(
    total: float, weights: ArrayLike, caps: ArrayLike | None = None
) -> NDArray[np.float64]:
    """Return real shares proportional to ``weights`` that sum to ``total``, none above its cap.

    Buckets whose proportional share exceeds their cap are held at the cap and the
    rest is spread over the others by weight; when no weight is left, by free room.
    """
    w = np.asarray(weights, dtype=np.float64)
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise AllocationError("weights must be finite and not negative")
    n = w.shape[0]
    cap = np.full(n, np.inf) if caps is None else np.asarray(caps, dtype=np.float64)
    if np.any(cap < 0):
        raise AllocationError("caps must not be negative")
    if total < 0:
        raise AllocationError(f"cannot allocate a negative total ({total})")
    if total > cap.sum() + 1e-6:
        raise AllocationError(f"total {total} exceeds the sum of the caps {cap.sum()}")
    x = np.zeros(n)
    fixed = np.zeros(n, dtype=bool)
    for _ in range(n + 1):
        free = ~fixed
        left = total - cap[fixed].sum()
        wf = np.where(free, w, 0.0)
        if wf.sum() <= 0:
            room = np.where(free, cap, 0.0)
            if left <= 0:
                x = np.where(fixed, cap, 0.0)
                return x
            wf = room
        x = np.where(fixed, cap, left * wf / wf.sum())
        over = free & (x > cap)
        if not over.any():
            return x
        fixed |= over
    return np.minimum(x, cap)


def allocate(total: int, weights: ArrayLike, caps: ArrayLike | None = None) -> IntArray:
    """Return integers proportional to ``weights`` summing exactly to ``total``, within ``caps``.

    Largest remainder: each bucket gets the floor of its real share, and the
    units left go to the largest fractional parts (ties to the lower index).
    """
    total = int(total)
    x = water_fill(total, weights, caps)
    n = x.shape[0]
    if n == 0:
        if total:
            raise AllocationError(f"no bucket to hold {total}")
        return np.zeros(0, dtype=np.int64)
    cap = None if caps is None else np.asarray(caps, dtype=np.int64)
    base = np.floor(x + 1e-9).astype(np.int64)
    if cap is not None:
        base = np.minimum(base, cap)
    left = total - int(base.sum())
    if left < 0:
        # Floating error pushed the floors over; take back from the smallest fractions.
        order = np.argsort(x - base, kind="stable")
        for i in order:
            if left == 0:
                break
            if base[i] > 0:
                base[i] -= 1
                left += 1
    if left > 0:
        frac = x - base
        order = np.lexsort((np.arange(n), -frac))
        if cap is not None:
            order = order[(cap - base)[order] > 0]
        if order.shape[0] < left:
            raise AllocationError(f"{left - order.shape[0]} could not be placed within the caps")
        base[order[:left]] += 1
    return base


def allocate_min(total: int, weights: ArrayLike, minimum: ArrayLike) -> IntArray:
    """Return ``allocate`` of ``total`` after giving every bucket its minimum first."""
    w = np.asarray(weights, dtype=np.float64)
    mins = np.broadcast_to(np.asarray(minimum, dtype=np.int64), w.shape).copy()
    if mins.sum() > total:
        raise AllocationError(f"minimums {int(mins.sum())} exceed the total {total}")
    return mins + allocate(total - int(mins.sum()), w)


def allocate_rates(
    total: int,
    bases: ArrayLike,
    rates: ArrayLike,
    fixed: ArrayLike,
    caps: ArrayLike | None = None,
) -> IntArray:
    """Return counts with ``base × rate`` exactly (rounded) where ``fixed`` holds, scaled elsewhere.

    The fixed buckets keep their own rate (a published figure); the others share
    what is left in proportion to ``base × rate``, so their rates move together
    by one factor and the total stays exact.
    """
    b = np.asarray(bases, dtype=np.float64)
    r = np.asarray(rates, dtype=np.float64)
    fx = np.asarray(fixed, dtype=bool)
    out = np.zeros(b.shape[0], dtype=np.int64)
    out[fx] = np.rint(b[fx] * r[fx]).astype(np.int64)
    if caps is not None:
        out[fx] = np.minimum(out[fx], np.asarray(caps, dtype=np.int64)[fx])
    rest = total - int(out[fx].sum())
    free = ~fx
    sub_caps = None if caps is None else np.asarray(caps)[free]
    out[free] = allocate(rest, (b * r)[free], sub_caps)
    return out
