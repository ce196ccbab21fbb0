"""Election fingerprint and the Klimek et al. (PNAS 2012) fraud model fit (reference §3)."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from .shares import first_prominent_mode, histogram, leader_share, turnout
from .table import FloatArray, StationTable

CAVEAT = (
    "Fitted values are implementation-dependent: use them for direction (f > 0, ordering "
    "across elections), never as absolute thresholds. The fair part assumes one "
    "Gaussian cluster; genuinely distinct regions also raise f_i."
)
EXTREME_SD = 0.075


def fingerprint(
    table: StationTable, *, bins: int = 100, denominator: str = "received"
) -> dict[str, Any]:
    """Return the 2-D (turnout, leader share) histogram and the vote-rate kurtosis."""
    t, v = turnout(table), leader_share(table, denominator=denominator)
    ti = np.clip((t * bins).astype(np.int64), 0, bins - 1)
    vi = np.clip((v * bins).astype(np.int64), 0, bins - 1)
    counts = np.bincount(ti * bins + vi, minlength=bins * bins).reshape(bins, bins)
    inside = (v > 0) & (v < 1)
    lam = np.log((1 - v[inside]) / v[inside])
    kurt = float(stats.kurtosis(lam, fisher=False)) if lam.size > 3 and np.ptp(lam) > 1e-9 else None
    return {
        "bins": bins,
        "axes": ["turnout", "leader_share"],
        "counts": counts.tolist(),
        "vote_rate_kurtosis": None if kurt is None else round(kurt, 4),
        "turnout_share_correlation": (
            round(float(np.corrcoef(t, v)[0, 1]), 6)
            if t.size > 2 and t.std() > 0 and v.std() > 0
            else None
        ),
    }


def _peak_and_width(x: FloatArray) -> tuple[float, float]:
    """Return the first prominent mode above 0.3 and the left-side RMS deviation from it.

    The mode is read from a 0.005-bin histogram smoothed by a Gaussian kernel of
    sd 0.02 (a noise bump on a thin left tail must not count as the peak).
    """
    hist = histogram(x, bins=200)
    kernel = np.exp(-0.5 * (np.arange(-12, 13) / 4.0) ** 2)
    smoothed = np.convolve(hist, kernel / kernel.sum(), mode="same")
    mode_bin = first_prominent_mode(smoothed, lo=60, hi=200, prominence=0.6)
    mode = (mode_bin + 0.5) / 200
    left = x[x < mode]
    width = float(np.sqrt(np.mean((left - mode) ** 2))) if left.size else 0.05
    return mode, max(width, 1e-3)


def _truncnorm(rng: np.random.Generator, mean: float, sd: float, size: int) -> FloatArray:
    a, b = (0.0 - mean) / sd, (1.0 - mean) / sd
    return np.asarray(stats.truncnorm.ppf(rng.random(size), a, b, loc=mean, scale=sd))


class _Simulator:
    """Draw the model's random parts once (common random numbers) and evaluate grid points."""

    def __init__(
        self,
        *,
        tau: float,
        sig_t: float,
        nu: float,
        sig_v: float,
        theta: float,
        size: int,
        seed: int,
        replicates: int,
    ) -> None:
        rng = np.random.default_rng(seed)
        total = size * replicates
        self.a = _truncnorm(rng, tau, sig_t, total)
        self.v = _truncnorm(rng, nu, sig_v, total)
        self.u = rng.random(total)
        # incremental x = |N(0, θ)| truncated to (0, 1)
        self.x_inc = np.asarray(
            stats.truncnorm.ppf(rng.random(total), 0.0, 1.0 / theta, loc=0.0, scale=theta)
        )
        self.x_ext = np.clip(1.0 - np.abs(rng.normal(0.0, EXTREME_SD, total)), 0.0, 1.0)
        self.replicates = replicates

    def simulate(self, f_i: float, f_e: float, alpha: float) -> tuple[FloatArray, FloatArray]:
        inc = self.u < f_i
        ext = (~inc) & (self.u < f_i + f_e)
        x = np.where(inc, self.x_inc, np.where(ext, self.x_ext, 0.0))
        a, v = self.a, self.v
        t = a + x * (1 - a)
        w = a * v + x * (1 - a)
        # the switching term x^α·(1 − v)·a is zero where x = 0: compute it on fraud units only
        hit = np.flatnonzero(inc | ext)
        w[hit] += np.power(x[hit], alpha) * (1 - v[hit]) * a[hit]
        share = np.where(t > 0, w / np.where(t > 0, t, 1), 0.0)
        return t, np.clip(share, 0.0, 1.0)


def _hist2(t: FloatArray, v: FloatArray, bins: int) -> FloatArray:
    ti = np.clip((t * bins).astype(np.int64), 0, bins - 1)
    vi = np.clip((v * bins).astype(np.int64), 0, bins - 1)
    return np.bincount(ti * bins + vi, minlength=bins * bins).astype(np.float64)


def klimek_fit(
    table: StationTable,
    *,
    seed: int = 0,
    denominator: str = "received",
    min_registered: int = 100,
    max_units: int = 20000,
    replicates: int = 2,
    bins: int = 25,
    bootstrap: int = 0,
) -> dict[str, Any]:
    """Fit (f_i, f_e, α) of the Klimek model by grid search on the 2-D (t, v) histogram.

    Units with N ≥ ``min_registered`` (a seeded subsample of at most ``max_units``).
    Distance: Σ_b (sim_b − obs_b)² / (obs_b + 1) over ``bins``×``bins`` cells, the
    simulated counts averaged over ``replicates`` draws with common random numbers.
    A coarse grid (f_i step 0.1, f_e to 0.3, α 1…4) is refined twice around its minimum.
    """
    mask = table.registered >= min_registered
    t_all, v_all = turnout(table)[mask], leader_share(table, denominator=denominator)[mask]
    if t_all.size < 50:
        return {
            "f_i": None,
            "f_e": None,
            "alpha": None,
            "units": int(t_all.size),
            "caveat": CAVEAT,
            "note": "fewer than 50 units: not fitted",
        }
    rng = np.random.default_rng(seed)
    if t_all.size > max_units:
        pick = rng.choice(t_all.size, size=max_units, replace=False)
        t_obs, v_obs = t_all[pick], v_all[pick]
    else:
        t_obs, v_obs = t_all, v_all
    result = _fit(t_obs, v_obs, seed=seed, replicates=replicates, bins=bins)
    if bootstrap > 0:
        boot = []
        for b in range(bootstrap):
            pick = rng.integers(0, t_obs.size, t_obs.size)
            fit = _fit(
                t_obs[pick], v_obs[pick], seed=seed + 100 + b, replicates=replicates, bins=bins
            )
            boot.append((fit["f_i"], fit["f_e"], fit["alpha"]))
        arr = np.asarray(boot)
        result["bootstrap"] = {
            "resamples": bootstrap,
            "interval": "2.5th and 97.5th percentiles of refits on resampled units",
            "f_i": [round(float(x), 4) for x in np.quantile(arr[:, 0], [0.025, 0.975])],
            "f_e": [round(float(x), 4) for x in np.quantile(arr[:, 1], [0.025, 0.975])],
            "alpha": [round(float(x), 4) for x in np.quantile(arr[:, 2], [0.025, 0.975])],
        }
    result["units"] = int(t_obs.size)
    result["parameters"] = {
        "bins": bins,
        "replicates": replicates,
        "seed": seed,
        "distance": "sum((sim-obs)^2/(obs+1)) on 2-D (t, v) histogram",
        "min_registered": min_registered,
        "max_units": max_units,
        "bootstrap": bootstrap,
    }
    result["caveat"] = CAVEAT
    return result


def _fit(
    t_obs: FloatArray, v_obs: FloatArray, *, seed: int, replicates: int, bins: int
) -> dict[str, Any]:
    """Fit the model to observed (t, v) arrays; return the estimates and the fair part."""
    tau, sig_t = _peak_and_width(t_obs)
    # Fraud raises turnout, so stations at or below the turnout peak are the least
    # contaminated sample of honest support: ν and σ_ν come from them.
    low = v_obs[t_obs <= tau]
    nu, sig_v = _peak_and_width(low if low.size >= 50 else v_obs)
    # θ = (mean squared deviation from ν)^(1/4), taken on the left of the peak: the
    # right side carries the fraud tail and would inflate θ (and deflate f_i).
    theta = min(max(float(np.sqrt(sig_v)), 1e-3), 1.0)
    obs = _hist2(t_obs, v_obs, bins)
    sim = _Simulator(
        tau=tau,
        sig_t=sig_t,
        nu=nu,
        sig_v=sig_v,
        theta=theta,
        size=t_obs.size,
        seed=seed + 1,
        replicates=replicates,
    )

    cache: dict[tuple[float, float, float], float] = {}

    def distance(fi: float, fe: float, al: float) -> float:
        key = (round(fi, 6), round(fe, 6), round(al, 6))
        if key not in cache:
            t, v = sim.simulate(fi, fe, al)
            h = _hist2(t, v, bins) / replicates
            cache[key] = float(np.sum((h - obs) ** 2 / (obs + 1.0)))
        return cache[key]

    def search(fis: FloatArray, fes: FloatArray, als: FloatArray) -> tuple[float, float, float]:
        best = (np.inf, 0.0, 0.0, 1.0)
        for fi in fis:
            for fe in fes:
                if fi + fe > 1.0 + 1e-9:
                    continue
                for al in als:
                    d = distance(float(fi), float(fe), float(al))
                    if d < best[0]:
                        best = (d, float(fi), float(fe), float(al))
        return best[1], best[2], best[3]

    fi, fe, al = search(
        np.linspace(0, 1, 11),
        np.array([0, 0.01, 0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.3]),
        np.array([1.0, 1.5, 2.0, 3.0, 4.0]),
    )
    for step_i, step_e, step_a in ((0.025, 0.005, 0.25), (0.01, 0.002, 0.1)):
        fi, fe, al = search(
            np.clip(fi + step_i * np.arange(-4, 5), 0, 1),
            np.clip(fe + step_e * np.arange(-4, 5), 0, 0.3),
            np.clip(al + step_a * np.arange(-2, 3), 1, 4),
        )
    return {
        "f_i": round(fi, 4),
        "f_e": round(fe, 4),
        "alpha": round(al, 4),
        "distance": round(distance(fi, fe, al), 4),
        "fair": {
            "tau": round(tau, 4),
            "sigma_tau": round(sig_t, 4),
            "nu": round(nu, 4),
            "sigma_nu": round(sig_v, 4),
            "theta": round(theta, 4),
            "theta_rule": "sqrt(left-side RMS deviation of v from nu)",
        },
    }


def cumulative_curve(table: StationTable, *, points: int = 101) -> dict[str, list[float]]:
    """Return cumulative leader votes (fraction of the leader's total) against turnout."""
    t = turnout(table)
    order = np.argsort(t, kind="stable")
    lead = table.leader[order].astype(np.float64)
    total = lead.sum()
    cum = np.cumsum(lead) / total if total > 0 else np.zeros_like(lead)
    grid = np.linspace(0, 1, points)
    idx = np.searchsorted(t[order], grid, side="right")
    values = [0.0 if i == 0 else float(cum[i - 1]) for i in idx]
    return {
        "turnout": [round(float(g), 4) for g in grid],
        "cumulative_leader_votes": [round(x, 6) for x in values],
    }
