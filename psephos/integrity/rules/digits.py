"""Digit tests: second-digit Benford (Mebane) and last-digit tests (Beber & Scacco), reference §5."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from .table import FloatArray, IntArray

BENFORD_2BL: FloatArray = np.array(
    [sum(np.log10(1 + 1 / (10 * k + d)) for k in range(1, 10)) for d in range(10)]
)
CAVEAT_2BL = (
    "Weak evidence: conformity or deviation from second-digit Benford follows no reliable "
    "pattern under fraud (Deckert, Myagkov & Ordeshook 2011). Never use it alone."
)
CAVEAT_LAST = (
    "Last digits of counts ≥ the minimum are uniform without manipulation; rejection means "
    "the counts look invented or rounded somewhere. Most human manipulations pass undetected."
)


def second_digits(counts: IntArray) -> IntArray:
    """Return the second significant digit of each count (counts must be ≥ 10)."""
    c = np.asarray(counts, dtype=np.int64)
    ndig = np.floor(np.log10(c)).astype(np.int64) + 1
    # guard float log10 at exact powers of ten
    ndig = np.where(10 ** (ndig - 1) > c, ndig - 1, ndig)
    ndig = np.where(10**ndig <= c, ndig + 1, ndig)
    return (c // 10 ** (ndig - 2)) % 10


def _chi2(freq: IntArray, expected: FloatArray) -> tuple[float, float]:
    n = freq.sum()
    exp = n * expected
    x2 = float(np.sum((freq - exp) ** 2 / exp))
    return x2, float(stats.chi2.sf(x2, df=freq.size - 1))


def benford_2bl(counts: IntArray, *, seed: int = 0, bootstrap: int = 1000) -> dict[str, Any]:
    """Return Pearson X² (9 df) of second digits of counts ≥ 10 against Benford's law.

    The mean second digit gets a 95 % bootstrap interval; resampling the digits is
    drawn as a multinomial over the observed digit frequencies (same distribution).
    """
    c = np.asarray(counts, dtype=np.int64)
    c = c[c >= 10]
    if c.size == 0:
        return {"statistic": None, "p_value": None, "n": 0, "caveat": CAVEAT_2BL}
    freq = np.bincount(second_digits(c), minlength=10)
    x2, p = _chi2(freq, BENFORD_2BL)
    rng = np.random.default_rng(seed)
    boot = rng.multinomial(c.size, freq / c.size, size=bootstrap) @ np.arange(10) / c.size
    return {
        "statistic": round(x2, 4),
        "p_value": p,
        "df": 9,
        "n": int(c.size),
        "frequencies": freq.tolist(),
        "expected": [round(float(q), 5) for q in BENFORD_2BL],
        "mean_digit": round(float(freq @ np.arange(10) / c.size), 4),
        "mean_digit_expected": 4.187,
        "mean_digit_ci95": [round(float(x), 4) for x in np.quantile(boot, [0.025, 0.975])],
        "caveat": CAVEAT_2BL,
    }


def last_digit(counts: IntArray, *, min_count: int = 50) -> dict[str, Any]:
    """Return last-digit uniformity (X², 9 df) plus the pair tests on the last two digits.

    Non-adjacent pairs: last two digits (a, b) with a ≠ b and |a − b| ∉ {1, 9};
    expected share 0.70. Repeats: a = b, expected 0.10. Share of last digits 0 or 5:
    expected 0.20. Each against its binomial null (two-sided).
    """
    c = np.asarray(counts, dtype=np.int64)
    c = c[c >= max(min_count, 10)]
    if c.size == 0:
        return {
            "statistic": None,
            "p_value": None,
            "n": 0,
            "min_count": min_count,
            "caveat": CAVEAT_LAST,
        }
    last = c % 10
    tens = (c // 10) % 10
    freq = np.bincount(last, minlength=10)
    x2, p = _chi2(freq, np.full(10, 0.1))
    diff = np.abs(last - tens)
    adjacent = (diff == 0) | (diff == 1) | (diff == 9)
    n = int(c.size)

    def binom(k: int, prob: float) -> dict[str, Any]:
        return {
            "observed_share": round(k / n, 6),
            "expected_share": prob,
            "p_value": float(stats.binomtest(k, n, prob).pvalue),
        }

    return {
        "statistic": round(x2, 4),
        "p_value": p,
        "df": 9,
        "n": n,
        "min_count": min_count,
        "frequencies": freq.tolist(),
        "mean_digit": round(float(last.mean()), 4),
        "mean_digit_expected": 4.5,
        "zero_five": binom(int(((last == 0) | (last == 5)).sum()), 0.2),
        "non_adjacent_pairs": binom(int((~adjacent).sum()), 0.7),
        "repeated_pairs": binom(int((diff == 0).sum()), 0.1),
        "caveat": CAVEAT_LAST,
    }


def benjamini_hochberg(p: FloatArray) -> FloatArray:
    """Return Benjamini–Hochberg adjusted q-values in the input order."""
    p = np.asarray(p, dtype=np.float64)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out


def last_digit_by_group(
    counts: IntArray, groups: np.ndarray, *, min_count: int = 50, min_digits: int = 50
) -> list[dict[str, Any]]:
    """Return the last-digit X² per group (e.g. territorial commission) with BH q-values.

    ``counts`` is (stations × options); a group is tested when it has at least
    ``min_digits`` counts ≥ ``min_count``.
    """
    c = np.asarray(counts, dtype=np.int64)
    g = (
        np.repeat(np.asarray(groups, dtype=object), c.shape[1])
        if c.ndim == 2
        else np.asarray(groups, dtype=object)
    )
    flat = c.reshape(-1)
    keep = flat >= min_count
    flat, g = flat[keep], g[keep]
    if flat.size == 0:
        return []
    names, inv = np.unique(g.astype(str), return_inverse=True)
    table = np.zeros((names.size, 10), dtype=np.int64)
    np.add.at(table, (inv, flat % 10), 1)
    n = table.sum(axis=1)
    ok = n >= min_digits
    exp = n[:, None] * 0.1
    x2 = np.sum((table - exp) ** 2 / np.where(exp > 0, exp, 1), axis=1)
    p = stats.chi2.sf(x2, df=9)
    q = np.ones_like(p)
    q[ok] = benjamini_hochberg(p[ok])
    return [
        {
            "group": str(names[i]),
            "n": int(n[i]),
            "statistic": round(float(x2[i]), 4),
            "p_value": float(p[i]),
            "q_value": float(q[i]),
        }
        for i in np.flatnonzero(ok)
    ]
