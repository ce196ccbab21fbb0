"""Resampled kernel density (RKD) spikes test after Rozenas (2017), reference §6.

Simplifications, recorded in the output: the support distribution is a mixture of
1–3 beta distributions fitted by EM (method-of-moments M-step, components chosen by
BIC) to the leader shares, and each resample keeps the observed denominator (the
turnout step of the reference is not resampled). The kernel bandwidth (1e-4) is
ten times narrower than the 0.001 grid, so the density at a grid point equals the
share of stations whose share rounds to it; the method bins instead of smoothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from .table import FloatArray, IntArray

CAVEAT = (
    "Estimated share of stations whose leader share sits on a 0.001-wide point more often "
    "than any resample of a smooth beta-binomial mixture allows. Small denominators make "
    "simple fractions common; the resampling keeps every station's denominator to account for that."
)
GRID = 1000


def _beta_mom(mean: float, var: float) -> tuple[float, float]:
    var = min(max(var, 1e-6), mean * (1 - mean) * 0.999)
    common = mean * (1 - mean) / var - 1
    return max(mean * common, 1e-3), max((1 - mean) * common, 1e-3)


def fit_beta_mixture(
    y: FloatArray, *, components: int, seed: int = 0, iterations: int = 60
) -> dict[str, Any]:
    """Fit a ``components``-component beta mixture by EM; return weights, a, b, loglik."""
    yc = np.clip(y, 1e-4, 1 - 1e-4)
    qs = np.quantile(yc, (np.arange(components) + 0.5) / components)
    # exponents are floored at -700: subnormal floats would slow every later operation ~100x
    resp = np.exp(np.maximum(-((yc[:, None] - qs[None, :]) ** 2) / 0.002, -700.0))
    resp /= resp.sum(axis=1, keepdims=True)
    a = np.ones(components)
    b = np.ones(components)
    w = np.full(components, 1 / components)
    ll = -np.inf
    for _ in range(iterations):
        nk = resp.sum(axis=0) + 1e-12
        w = nk / nk.sum()
        for k in range(components):
            # elementwise sums, not BLAS dot: BLAS threads spin badly on a busy machine
            r = np.ascontiguousarray(resp[:, k])
            mean = float((r * yc).sum() / nk[k])
            var = float((r * (yc - mean) ** 2).sum() / nk[k])
            a[k], b[k] = _beta_mom(mean, var)
        logp = stats.beta.logpdf(yc[:, None], a[None, :], b[None, :]) + np.log(w)[None, :]
        top = logp.max(axis=1, keepdims=True)
        norm = top[:, 0] + np.log(np.exp(logp - top).sum(axis=1))
        resp = np.exp(np.maximum(logp - norm[:, None], -700.0))
        new_ll = float(norm.sum())
        if abs(new_ll - ll) < 1e-6 * abs(new_ll):
            ll = new_ll
            break
        ll = new_ll
    return {"weights": w, "a": a.copy(), "b": b.copy(), "loglik": ll, "resp": resp}


def spikes(
    votes: IntArray,
    denominators: IntArray,
    *,
    resamples: int = 200,
    seed: int = 0,
    max_components: int = 3,
    fit_units: int = 20000,
) -> dict[str, Any]:
    """Return the RKD estimate of the share of stations with excessively coarse shares.

    ``fraud_share = Σ_bins max(0, w_obs − mean(w_res)) · 1[max(w_res) < w_obs]`` with
    ``w`` the share of stations per 0.001 bin of y = votes / denominator.
    """
    v = np.asarray(votes, dtype=np.int64)
    d = np.asarray(denominators, dtype=np.int64)
    keep = d > 0
    v, d = v[keep], d[keep]
    n = v.size
    if n < 50:
        return {
            "fraud_share": None,
            "stations": int(n),
            "caveat": CAVEAT,
            "note": "fewer than 50 stations",
        }
    y = v / d
    rng = np.random.default_rng(seed)
    best: dict[str, Any] | None = None
    best_bic = np.inf
    # The mixture is fitted on a seeded subsample (at most ``fit_units``); the
    # posterior component weights are then computed for every station.
    fit_y = y if n <= fit_units else y[rng.choice(n, size=fit_units, replace=False)]
    for k in range(1, max_components + 1):
        fit = fit_beta_mixture(fit_y, components=k, seed=seed)
        bic = -2 * fit["loglik"] + (3 * k - 1) * np.log(fit_y.size)
        if bic < best_bic:
            best, best_bic = fit, bic
    assert best is not None
    yc = np.clip(y, 1e-4, 1 - 1e-4)
    logp = (
        stats.beta.logpdf(yc[:, None], best["a"][None, :], best["b"][None, :])
        + np.log(best["weights"])[None, :]
    )
    logp -= logp.max(axis=1, keepdims=True)
    resp = np.exp(np.maximum(logp, -700.0))
    resp /= resp.sum(axis=1, keepdims=True)
    cum = np.cumsum(resp, axis=1)
    obs = np.bincount(np.rint(y * GRID).astype(np.int64), minlength=GRID + 1) / n
    total = np.zeros(GRID + 1)
    peak = np.zeros(GRID + 1)
    single = best["a"].size == 1
    for _ in range(resamples):
        if single:
            comp = np.zeros(n, dtype=np.int64)
        else:
            comp = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), best["a"].size - 1)
        p = rng.beta(v + best["a"][comp], d - v + best["b"][comp])
        ystar = rng.binomial(d, p) / d
        w = np.bincount(np.rint(ystar * GRID).astype(np.int64), minlength=GRID + 1) / n
        total += w
        np.maximum(peak, w, out=peak)
    mean = total / resamples
    flagged = peak < obs
    excess = np.maximum(0.0, obs - mean) * flagged
    top = np.argsort(excess)[::-1][:10]
    return {
        "fraud_share": round(float(excess.sum()), 6),
        "stations": int(n),
        "resamples": resamples,
        "components": int(best["a"].size),
        "flagged_points": [
            {"share": round(i / GRID, 3), "excess": round(float(excess[i]), 6)}
            for i in top
            if excess[i] > 0
        ],
        "parameters": {
            "grid": 0.001,
            "seed": seed,
            "mixture": "beta, 1-3 components by BIC",
            "mixture_fit_units": fit_units,
            "turnout_resampled": False,
        },
        "caveat": CAVEAT,
    }
