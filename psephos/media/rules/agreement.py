"""Coder agreement: which items are coded again blind, and Krippendorff's alpha.

Pure Python and NumPy. The draw of items for a second coding is a deterministic
function of the published seed and the item keys (SHA-256 ranks), so anyone can check
that the items were not picked by hand. Alpha (ADR 0009): volume at the ratio level (seconds or characters, a subject one
coder did not code counts as 0), tone at the ordinal level on −1, 0, 1 (only the
subjects both coders coded).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np

TONES = (-1, 0, 1)


def _rank(seed: str, text: str) -> str:
    return hashlib.sha256(f"{seed}\n{text}".encode()).hexdigest()


def checks_draw(
    *,
    items: Mapping[str, str],
    share: int,
    seed: str,
    coders: Sequence[str],
) -> dict[str, str]:
    """Return item → second coder for ``share`` basis points of ``items`` (rounded up).

    ``items`` maps each item to its first coder. The items are ranked by
    SHA-256(seed, item) and the first ones taken; each goes to the coder (other than its
    first) that ranks first by SHA-256(seed, item, coder). An item whose first coder is
    the only coder is not drawn.
    """
    eligible = [i for i, first in items.items() if any(c != first for c in coders)]
    count = min(len(eligible), math.ceil(len(items) * share / 10000))
    chosen = sorted(eligible, key=lambda i: _rank(seed, i))[:count]
    return {
        item: min(
            (c for c in coders if c != items[item]), key=lambda c: _rank(seed, f"{item}\n{c}")
        )
        for item in sorted(chosen)
    }


@dataclass(frozen=True, slots=True)
class Coding:
    """One subject of one item as one coder coded it (volume in seconds, cm² or characters)."""

    item: str
    subject: str
    volume: int
    tone: int


@dataclass(frozen=True, slots=True)
class Agreement:
    items: int  # items coded twice
    volume_units: int  # (item, subject) pairs compared for volume
    volume_alpha: float | None  # None when undefined (no pair, or a single value)
    tone_units: int
    tone_alpha: float | None


def agreement(first: Sequence[Coding], second: Sequence[Coding]) -> Agreement:
    """Return Krippendorff's alpha for volume and tone between two codings of the same items.

    Only items present in ``second`` are compared.
    """
    checked = {c.item for c in second}
    a = {(c.item, c.subject): c for c in first if c.item in checked}
    b = {(c.item, c.subject): c for c in second}
    volume_units = sorted(set(a) | set(b))
    volume = np.array(
        [
            [a[u].volume if u in a else 0 for u in volume_units],
            [b[u].volume if u in b else 0 for u in volume_units],
        ],
        dtype=float,
    ).reshape(2, len(volume_units))
    tone_units = sorted(set(a) & set(b))
    tone = np.array(
        [[a[u].tone for u in tone_units], [b[u].tone for u in tone_units]], dtype=float
    ).reshape(2, len(tone_units))
    return Agreement(
        items=len(checked),
        volume_units=len(volume_units),
        volume_alpha=alpha(volume, level="ratio"),
        tone_units=len(tone_units),
        tone_alpha=alpha(tone, level="ordinal", domain=TONES),
    )


def alpha(data: np.ndarray, *, level: str, domain: Sequence[int] | None = None) -> float | None:
    """Return Krippendorff's alpha of coders × units ``data`` (NaN = not coded), or None.

    None when alpha is undefined: no pairable unit, or every value the same. Nominal
    and ordinal go to the ``krippendorff`` package (their domains are small); interval
    and ratio are computed here (``_alpha_metric``), because the package builds a
    units × values × values array, which for 10,000 items with thousands of distinct
    seconds needs tens of gigabytes.
    """
    values = data[~np.isnan(data)]
    pairable = int(np.sum(np.sum(~np.isnan(data), axis=0) >= 2))
    if pairable == 0 or np.unique(values).size < 2:
        return None
    if level in ("interval", "ratio"):
        return _alpha_metric(data, ratio=level == "ratio")
    return float(
        krippendorff.alpha(
            reliability_data=data,
            level_of_measurement=level,  # type: ignore[arg-type]
            value_domain=domain,
        )
    )


def _delta(a: np.ndarray, b: np.ndarray, *, ratio: bool) -> np.ndarray:
    """Return the squared interval or ratio distance of two arrays of values."""
    if not ratio:
        return np.asarray((a - b) ** 2)
    total = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(total == 0, 0.0, ((a - b) / total) ** 2)
    return np.asarray(out)


def _alpha_metric(data: np.ndarray, *, ratio: bool) -> float:
    """Return alpha for the interval or ratio metric (Krippendorff 2011, §C and §E).

    Observed disagreement: each ordered pair of values of a unit with m values counts
    1/(m − 1); D_o = Σ δ / n over those pairs, n the number of pairable values.
    Expected: D_e = Σ_c Σ_k n_c n_k δ(c, k) / (n (n − 1)) over the distinct values c, k
    with their counts, summed in blocks so that memory stays small.
    """
    present = ~np.isnan(data)
    m = present.sum(axis=0)
    keep = m >= 2
    data, present, m = data[:, keep], present[:, keep], m[keep]
    n = float(m.sum())
    observed = 0.0
    coders = data.shape[0]
    for i in range(coders):
        for j in range(coders):
            if i == j:
                continue
            both = present[i] & present[j]
            d = _delta(data[i, both], data[j, both], ratio=ratio)
            observed += float(np.sum(d / (m[both] - 1)))
    distinct, counts = np.unique(data[present], return_counts=True)
    counts_f = counts.astype(float)
    expected = 0.0
    for start in range(0, distinct.size, 512):
        block = distinct[start : start + 512, np.newaxis]
        d = _delta(block, distinct[np.newaxis, :], ratio=ratio)
        expected += float(counts_f[start : start + 512] @ d @ counts_f)
    d_o = observed / n
    d_e = expected / (n * (n - 1))
    return 1.0 - d_o / d_e
