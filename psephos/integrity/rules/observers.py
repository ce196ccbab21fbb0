"""Observed vs unobserved stations (Enikolopov et al. 2013 design), reference §7.1.

Estimates, with territorial-commission fixed effects and commission-clustered
standard errors:

* difference in means: ``y_i = β·Obs_i + γ_TEC + ε_i`` for turnout and leader share;
* slope test: ``v_i = b·t_i + c·Obs_i + d·Obs_i·t_i + γ_TEC + ε_i`` (d < 0: observation
  weakens the turnout–share link).

Outside a randomised deployment these are conditional differences, not causal effects.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from .table import BoolArray, FloatArray

CAVEAT = (
    "Conditional differences, not causal fraud estimates: ordinary deployments are not "
    "random (observers go to accessible, urban or problem stations), fraud may move to "
    "unobserved neighbours, and observers can change honest behaviour too."
)


def _demean(x: FloatArray, inv: np.ndarray, groups: int) -> FloatArray:
    sums = np.bincount(inv, weights=x, minlength=groups)
    counts = np.bincount(inv, minlength=groups)
    return np.asarray(x - (sums / np.maximum(counts, 1))[inv])


def fe_ols(y: FloatArray, regressors: list[FloatArray], groups: np.ndarray) -> dict[str, Any]:
    """Return fixed-effects OLS coefficients with cluster-robust (CR1) standard errors."""
    names, inv = np.unique(np.asarray(groups).astype(str), return_inverse=True)
    g = names.size
    yd = _demean(y, inv, g)
    x = np.column_stack([_demean(r, inv, g) for r in regressors])
    xtx = x.T @ x
    if np.linalg.matrix_rank(xtx) < x.shape[1]:
        return {"coef": [None] * x.shape[1], "se": [None] * x.shape[1], "clusters": int(g)}
    xtx_inv = np.linalg.inv(xtx)
    beta = xtx_inv @ x.T @ yd
    resid = yd - x @ beta
    scores = np.zeros((g, x.shape[1]))
    np.add.at(scores, inv, x * resid[:, None])
    meat = scores.T @ scores
    n, k = x.shape
    correction = (g / max(g - 1, 1)) * ((n - 1) / max(n - k - g, 1))
    cov = correction * xtx_inv @ meat @ xtx_inv
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    return {"coef": beta.tolist(), "se": se.tolist(), "clusters": int(g)}


def observer_effect(
    turnout: FloatArray, share: FloatArray, observed: BoolArray, groups: np.ndarray
) -> dict[str, Any]:
    """Return observed-minus-unobserved differences in turnout and leader share, and the slope test.

    Only commissions with both observed and unobserved stations identify the
    within-commission contrast; the others are dropped from the estimates.
    """
    obs = np.asarray(observed, dtype=bool)
    grp = np.asarray(groups).astype(str)
    names, inv = np.unique(grp, return_inverse=True)
    n_obs = np.bincount(inv, weights=obs.astype(float), minlength=names.size)
    n_all = np.bincount(inv, minlength=names.size)
    mixed = ((n_obs > 0) & (n_obs < n_all))[inv]
    result: dict[str, Any] = {
        "stations_observed": int(obs.sum()),
        "stations_unobserved": int((~obs).sum()),
        "raw_difference": {
            "turnout": float(turnout[obs].mean() - turnout[~obs].mean())
            if obs.any() and (~obs).any()
            else None,
            "leader_share": float(share[obs].mean() - share[~obs].mean())
            if obs.any() and (~obs).any()
            else None,
        },
        "caveat": CAVEAT,
    }
    if mixed.sum() < 10 or not obs[mixed].any():
        result["note"] = (
            "fewer than 10 stations in commissions with both observed and unobserved stations"
        )
        return result
    t, v, o, g = turnout[mixed], share[mixed], obs[mixed].astype(float), grp[mixed]
    out: dict[str, Any] = {}
    for name, y in (("turnout", t), ("leader_share", v)):
        fit = fe_ols(y, [o], g)
        beta, se = fit["coef"][0], fit["se"][0]
        df = max(fit["clusters"] - 1, 1)
        if beta is None or not se:
            out[name] = {"difference": beta, "se": se, "clusters": fit["clusters"]}
            continue
        crit = float(stats.t.ppf(0.975, df))
        out[name] = {
            "difference": beta,
            "se": se,
            "ci95": [beta - crit * se, beta + crit * se],
            "p_value": float(2 * stats.t.sf(abs(beta / se), df)),
            "clusters": fit["clusters"],
        }
    slope = fe_ols(v, [t, o, o * t], g)
    d, d_se = slope["coef"][2], slope["se"][2]
    out["slope_test"] = {
        "turnout_slope": slope["coef"][0],
        "interaction": d,
        "interaction_se": d_se,
        "p_value": (
            float(2 * stats.t.sf(abs(d / d_se), max(slope["clusters"] - 1, 1)))
            if d is not None and d_se
            else None
        ),
    }
    result["fixed_effects"] = out
    result["stations_in_estimate"] = int(mixed.sum())
    return result
