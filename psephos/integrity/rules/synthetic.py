"""Synthetic elections with known injected manipulation (reference §9).

The honest part follows the fair part of the Klimek model: per-station turnout and
leader support drawn from truncated normals around regional means, then binomial
counts. Injection operators: incremental and extreme stuffing with vote switching
(the Klimek fraud model), rewriting turnout and leader share to integer percentages,
and fabricated last digits in chosen commissions. Every dataset returns its ground
truth: stations and votes affected, per operator.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

from .table import StationTable

HUMAN_LAST_DIGITS = np.array([0.17, 0.06, 0.07, 0.07, 0.07, 0.17, 0.07, 0.16, 0.08, 0.08])


@dataclass(frozen=True)
class Scenario:
    """Parameters of one synthetic election (all shares as fractions)."""

    stations: int = 5000
    regions: int = 8
    commissions_per_region: int = 6
    mean_registered: float = 1200.0
    tau: float = 0.55
    sigma_tau: float = 0.08
    nu: float = 0.5
    sigma_nu: float = 0.08
    region_sd: float = 0.0
    # honest heterogeneity: regional support rises with regional turnout by this slope
    support_turnout_slope: float = 0.0
    invalid_rate: float = 0.01
    f_i: float = 0.0
    f_e: float = 0.0
    alpha: float = 2.0
    theta: float | None = None  # None: sqrt(sigma_nu), the value klimek_fit estimates
    integer_share: float = 0.0
    digit_commission_share: float = 0.0
    seed: int = 0


def _tn(rng: np.random.Generator, mean: np.ndarray, sd: float) -> np.ndarray:
    a, b = (0.0 - mean) / sd, (1.0 - mean) / sd
    return np.asarray(stats.truncnorm.ppf(rng.random(mean.size), a, b, loc=mean, scale=sd))


def generate(s: Scenario) -> tuple[StationTable, dict[str, Any]]:
    """Return a seeded synthetic station table and its ground truth."""
    rng = np.random.default_rng(s.seed)
    n_st = s.stations
    sigma = 0.45
    registered = np.maximum(
        rng.lognormal(np.log(s.mean_registered) - sigma**2 / 2, sigma, n_st).astype(np.int64), 120
    )
    region = rng.integers(0, s.regions, n_st)
    commission = region * s.commissions_per_region + rng.integers(0, s.commissions_per_region, n_st)
    tau_r = np.clip(s.tau + rng.normal(0, s.region_sd, s.regions), 0.05, 0.95)
    nu_r = np.clip(
        s.nu + rng.normal(0, s.region_sd, s.regions) + s.support_turnout_slope * (tau_r - s.tau),
        0.05,
        0.95,
    )
    a = _tn(rng, tau_r[region], s.sigma_tau)
    v = _tn(rng, nu_r[region], s.sigma_nu)
    issued = rng.binomial(registered, a)
    invalid = rng.binomial(issued, s.invalid_rate)
    valid = issued - invalid
    leader = rng.binomial(valid, v)
    rest = valid - leader
    other_b = rng.binomial(rest, 0.6)
    other_c = rest - other_b

    # Klimek fraud: stuffing x·(N − G) for the leader, switching x^α of the others' votes.
    u = rng.random(n_st)
    inc = u < s.f_i
    ext = (~inc) & (u < s.f_i + s.f_e)
    x = np.zeros(n_st)
    theta = float(np.sqrt(s.sigma_nu)) if s.theta is None else s.theta
    x[inc] = (
        np.asarray(stats.truncnorm.ppf(rng.random(int(inc.sum())), 0, 1 / theta, scale=theta))
        if inc.any()
        else 0
    )
    x[ext] = np.clip(1 - np.abs(rng.normal(0, 0.075, int(ext.sum()))), 0, 1)
    stuffed = np.rint(x * (registered - issued)).astype(np.int64)
    frac = np.power(x, s.alpha)
    switch_b = np.rint(frac * other_b).astype(np.int64)
    switch_c = np.rint(frac * other_c).astype(np.int64)
    issued = issued + stuffed
    valid = valid + stuffed
    leader = leader + stuffed + switch_b + switch_c
    other_b -= switch_b
    other_c -= switch_c

    # Target rewriting to integer percentages of turnout and of the leader's share.
    rewritten = np.zeros(n_st, dtype=bool)
    if s.integer_share > 0:
        rewritten = rng.random(n_st) < s.integer_share
        idx = np.flatnonzero(rewritten)
        g_new = np.rint(
            registered[idx] * np.rint(100 * issued[idx] / registered[idx]) / 100
        ).astype(np.int64)
        delta = g_new - issued[idx]
        ok = (leader[idx] + delta >= 0) & (g_new <= registered[idx])
        delta = np.where(ok, delta, 0)
        issued[idx] += delta
        valid[idx] += delta
        leader[idx] += delta
        r = valid[idx] + invalid[idx]
        l_new = np.rint(r * np.rint(100 * leader[idx] / r) / 100).astype(np.int64)
        d2 = l_new - leader[idx]
        ok2 = (other_b[idx] - d2 >= 0) & (l_new <= valid[idx])
        d2 = np.where(ok2, d2, 0)
        leader[idx] += d2
        other_b[idx] -= d2

    # Fabricated last digits in whole commissions.
    fabricated = np.zeros(n_st, dtype=bool)
    n_comm = s.regions * s.commissions_per_region
    if s.digit_commission_share > 0:
        chosen = rng.random(n_comm) < s.digit_commission_share
        fabricated = chosen[commission]
        idx = np.flatnonzero(fabricated)
        for arr in (leader, other_b, other_c):
            vals = arr[idx]
            digit = rng.choice(10, size=idx.size, p=HUMAN_LAST_DIGITS)
            tens = (vals // 10) % 10
            redraw = digit == tens
            digit[redraw] = rng.choice(10, size=int(redraw.sum()), p=HUMAN_LAST_DIGITS)
            arr[idx] = np.where(vals >= 10, vals - vals % 10 + digit, vals)
        valid = leader + other_b + other_c
        issued = valid + invalid
        registered = np.maximum(registered, issued)

    table = StationTable(
        station=np.array([f"S{i + 1:06d}" for i in range(n_st)], dtype=object),
        region=np.array([f"R{r + 1:02d}" for r in region], dtype=object),
        commission=np.array([f"T{c + 1:03d}" for c in commission], dtype=object),
        registered=registered.astype(np.int64),
        issued=issued.astype(np.int64),
        valid=valid.astype(np.int64),
        invalid=invalid.astype(np.int64),
        leader=leader.astype(np.int64),
        options=np.stack([leader, other_b, other_c], axis=1).astype(np.int64),
        option_names=("Leader", "B", "C"),
        leader_name="Leader",
    )
    truth = {
        "scenario": asdict(s),
        "incremental_stations": int(inc.sum()),
        "extreme_stations": int(ext.sum()),
        "stuffed_votes": int(stuffed.sum()),
        "switched_votes": int((switch_b + switch_c).sum()),
        "rewritten_stations": int(rewritten.sum()),
        "fabricated_stations": int(fabricated.sum()),
        "labels": {
            "incremental": inc,
            "extreme": ext,
            "rewritten": rewritten,
            "fabricated": fabricated,
        },
    }
    return table, truth
