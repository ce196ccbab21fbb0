"""Integer-percentage test (Kobak, Shpilkin & Pshenichnikov 2016), reference §2.

A station is *integer* in a percentage ``p = 100·x/n`` when ``|p − round(p)| ≤ 0.05``.
The null model resamples ``x* ~ Binomial(n, x/n)`` independently per station. The
number of integer stations under that null is a sum of independent Bernoulli
variables, so its distribution is Poisson-binomial and can be computed exactly:
each station's probability of landing on an integer percentage is a finite sum of
binomial probabilities, and the Poisson-binomial PMF is a product of
``(1 − p_i) + p_i·z`` polynomials, multiplied pairwise by FFT. ``integer_test_mc``
is the Monte-Carlo version of the same null, kept for the benchmark comparison.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import gammaln

from .table import BoolArray, FloatArray, IntArray, StationTable

# Standard deviations either side of the mean covered by the exact sum. Binomial mass
# beyond 8 sd is below 1e-14 per station for the sizes the inclusion filter admits.
WINDOW_SD = 8.0
# Polynomials up to this length are multiplied directly, longer ones by FFT.
DIRECT_MAX = 8


def is_integer_percentage(x: IntArray, n: IntArray, *, step: int = 1) -> BoolArray:
    """Return whether ``100·x/n`` lies within 0.05 of a multiple of ``step`` (exact integer arithmetic)."""
    x = np.asarray(x, dtype=np.int64)
    n = np.asarray(n, dtype=np.int64)
    safe = np.where(n > 0, n, 1)
    k = (200 * x + step * safe) // (2 * step * safe) * step  # nearest multiple of step, halves up
    return (n > 0) & (np.abs(2000 * x - 20 * k * safe) <= safe)


def integer_probability(n: IntArray, x: IntArray, *, step: int = 1) -> FloatArray:
    """Return P(100·X/n is integer) for X ~ Binomial(n, x/n), per station, exactly.

    With ``step`` > 1 the target is a multiple of ``step`` (5: 0, 5, 10, … %).

    For each integer k near the mean the admissible X form the integer interval
    ``20kn − n ≤ 2000X ≤ 20kn + n``; their binomial probabilities are summed with a
    log-factorial table, so no cdf evaluation is needed.
    """
    n = np.asarray(n, dtype=np.int64)
    x = np.asarray(x, dtype=np.int64)
    m = n.shape[0]
    out = np.zeros(m, dtype=np.float64)
    if m == 0:
        return out
    q = np.where(n > 0, x / np.where(n > 0, n, 1), 0.0)
    degenerate = (q <= 0.0) | (q >= 1.0)
    out[degenerate & (n > 0)] = 1.0  # 0 % and 100 % are integers
    idx = np.flatnonzero(~degenerate & (n > 0))
    if idx.size == 0:
        return out
    nn, qq = n[idx], q[idx]
    centre = 100.0 * qq
    spread = WINDOW_SD * 100.0 * np.sqrt(qq * (1.0 - qq) / nn)
    k_lo = np.clip(np.floor(centre - spread) - 1, 0, 100).astype(np.int64) // step * step
    k_hi = np.clip(np.ceil(centre + spread) + 1, 0, 100).astype(np.int64)
    nk = (k_hi - k_lo) // step + 1
    row = np.repeat(np.arange(idx.size), nk)
    starts = np.cumsum(nk) - nk
    k = k_lo[row] + step * (np.arange(row.size) - starts[row])
    nr = nn[row]
    lo = -((-(20 * k * nr - nr)) // 2000)  # ceil
    hi = (20 * k * nr + nr) // 2000
    lo = np.maximum(lo, 0)
    hi = np.minimum(hi, nr)
    cnt = np.maximum(hi - lo + 1, 0)
    row2 = np.repeat(row, cnt)
    starts2 = np.cumsum(cnt) - cnt
    xs = np.repeat(lo - starts2, cnt) + np.arange(row2.size)
    logfact = gammaln(np.arange(int(nn.max()) + 2, dtype=np.float64) + 1.0)
    # log pmf = [log n! + n·log(1−q)] − log x! − log (n−x)! + x·[log q − log(1−q)],
    # with the bracketed terms computed once per station.
    log1q = np.log1p(-qq)
    base = logfact[nn] + nn * log1q
    slope = np.log(qq) - log1q
    logpmf = base[row2] - logfact[xs] - logfact[nn[row2] - xs] + xs * slope[row2]
    out[idx] = np.bincount(row2, weights=np.exp(logpmf), minlength=idx.size)
    return np.minimum(out, 1.0)


def poisson_binomial_pmf(p: FloatArray) -> FloatArray:
    """Return the PMF of a sum of independent Bernoulli(p_i), of length len(p)+1.

    The generating polynomials are multiplied pairwise, level by level, with batched
    real FFTs: O(n log² n) work and exact up to floating-point rounding (values
    below ~1e-15 of the peak are rounding noise and are clipped at zero).
    """
    p = np.asarray(p, dtype=np.float64)
    if p.size == 0:
        return np.ones(1)
    size = 1 << int(np.ceil(np.log2(max(p.size, 1))))
    padded = np.zeros(size)
    padded[: p.size] = p
    polys = np.stack([1.0 - padded, padded], axis=1)  # (rows, length)
    while polys.shape[0] > 1:
        length = polys.shape[1]
        out_len = 2 * length - 1
        left, right = polys[0::2], polys[1::2]
        if length <= DIRECT_MAX:
            # short polynomials: direct convolution beats many tiny FFTs
            prod = np.zeros((left.shape[0], out_len))
            for j in range(length):
                prod[:, j : j + length] += left[:, j : j + 1] * right
            polys = prod
            continue
        nfft = 1 << int(np.ceil(np.log2(out_len)))
        spec = np.fft.rfft(left, n=nfft, axis=1) * np.fft.rfft(right, n=nfft, axis=1)
        polys = np.fft.irfft(spec, n=nfft, axis=1)[:, :out_len]
    pmf = np.clip(polys[0][: p.size + 1], 0.0, None)
    return np.asarray(pmf / pmf.sum())


@dataclass(frozen=True)
class NullSummary:
    """A count's observed value against its null distribution."""

    observed: int
    expected: float
    sd: float
    p_value: float
    threshold_999: int

    def as_dict(self) -> dict[str, Any]:
        excess = self.observed - self.expected
        return {
            "observed": self.observed,
            "expected": round(self.expected, 4),
            "excess": round(excess, 4),
            "sd": round(self.sd, 4),
            "z": round(excess / self.sd, 4) if self.sd > 0 else None,
            "p_value": self.p_value,
            "threshold_999": self.threshold_999,
            "significant": self.observed > self.threshold_999,
        }


def exact_null(observed: int, probabilities: FloatArray) -> NullSummary:
    """Return the exact Poisson-binomial null summary for an observed count."""
    pmf = poisson_binomial_pmf(probabilities)
    cdf = np.cumsum(pmf)
    tail = float(min(1.0, max(0.0, pmf[observed:].sum()))) if observed < pmf.size else 0.0
    threshold = int(np.searchsorted(cdf, 0.999 - 1e-12))
    return NullSummary(
        observed=int(observed),
        expected=float(probabilities.sum()),
        sd=float(np.sqrt((probabilities * (1.0 - probabilities)).sum())),
        p_value=tail,
        threshold_999=threshold,
    )


def inclusion_mask(table: StationTable, *, min_registered: int = 100) -> BoolArray:
    """Return the AOAS inclusion criteria: R > 0, N ≥ 100, G/N ≤ 0.99, L/R ≤ 0.99."""
    r = table.received
    n = table.registered
    return (
        (r > 0)
        & (n >= min_registered)
        & (100 * table.issued <= 99 * n)
        & (100 * table.leader <= 99 * r)
    )


STATISTICS = ("leader_share", "turnout", "either", "either_multiple_of_5")


def integer_test(
    table: StationTable,
    *,
    min_registered: int = 100,
    statistics: tuple[str, ...] = STATISTICS,
    threads: int = 2,
) -> dict[str, Any]:
    """Return the exact integer-percentage test for the leader share, turnout and either.

    Leader percentage ``p1 = 100·L/R``, turnout percentage ``p2 = 100·G/N``. Besides
    station counts, the excess of registered voters and leader votes at integer
    stations (observed minus expected) is reported. ``statistics`` selects which
    of the three nulls to compute (each is one exact Poisson-binomial PMF).
    """
    mask = inclusion_mask(table, min_registered=min_registered)
    t = table.subset(mask)
    r, n, g, lead = t.received, t.registered, t.issued, t.leader
    int1 = is_integer_percentage(lead, r)
    int2 = is_integer_percentage(g, n)
    either = int1 | int2
    # NumPy releases the GIL in its kernels, so two threads use both cores.
    with ThreadPoolExecutor(max_workers=threads) as pool:
        fa = pool.submit(integer_probability, r, lead)
        fb = pool.submit(integer_probability, n, g)
        five = "either_multiple_of_5" in statistics
        if five:
            fa5 = pool.submit(integer_probability, r, lead, step=5)
            fb5 = pool.submit(integer_probability, n, g, step=5)
        a, b = fa.result(), fb.result()
        c = 1.0 - (1.0 - a) * (1.0 - b)
        candidates: list[tuple[str, BoolArray, FloatArray]] = [
            ("leader_share", int1, a),
            ("turnout", int2, b),
            ("either", either, c),
        ]
        if five:
            obs5 = is_integer_percentage(lead, r, step=5) | is_integer_percentage(g, n, step=5)
            c5 = 1.0 - (1.0 - fa5.result()) * (1.0 - fb5.result())
            candidates.append(("either_multiple_of_5", obs5, c5))
        chosen = [item for item in candidates if item[0] in statistics]
        nulls = list(pool.map(lambda item: exact_null(int(item[1].sum()), item[2]), chosen))
    result: dict[str, Any] = {"stations_eligible": len(t)}
    for (name, obs, prob), null in zip(chosen, nulls, strict=True):
        summary = null.as_dict()
        summary["excess_registered"] = round(float((n * (obs - prob)).sum()), 2)
        summary["excess_leader_votes"] = round(float((lead * (obs - prob)).sum()), 2)
        result[name] = summary
    return result


def integer_test_mc(
    table: StationTable,
    *,
    replicates: int = 1000,
    seed: int = 0,
    min_registered: int = 100,
    chunk: int = 20,
) -> dict[str, Any]:
    """Return the Monte-Carlo version of the "either" integer test (binomial resampling)."""
    mask = inclusion_mask(table, min_registered=min_registered)
    t = table.subset(mask)
    r, n, g, lead = t.received, t.registered, t.issued, t.leader
    observed = int((is_integer_percentage(lead, r) | is_integer_percentage(g, n)).sum())
    rng = np.random.default_rng(seed)
    q1, q2 = lead / r, g / n
    counts = np.empty(replicates, dtype=np.int64)
    done = 0
    while done < replicates:
        c = min(chunk, replicates - done)
        lead_star = rng.binomial(r, q1, size=(c, r.size))
        g_star = rng.binomial(n, q2, size=(c, n.size))
        hits = is_integer_percentage(lead_star, r) | is_integer_percentage(g_star, n)
        counts[done : done + c] = hits.sum(axis=1)
        done += c
    mean = float(counts.mean())
    sd = float(counts.std(ddof=1)) if replicates > 1 else 0.0
    return {
        "observed": observed,
        "expected": mean,
        "excess": observed - mean,
        "sd": sd,
        "p_value": float((counts >= observed).mean()),
        "threshold_999": int(np.quantile(counts, 0.999)),
        "replicates": replicates,
        "seed": seed,
    }
