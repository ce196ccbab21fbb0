"""Shpilkin's excess-votes estimate from the turnout distribution (reference §4)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .shares import first_prominent_mode, smooth, turnout
from .table import StationTable

CAVEAT = (
    "A model-dependent scenario, not a count of fraudulent votes: it assumes the leader's "
    "support does not depend on turnout. Honest regional heterogeneity inflates it; the "
    "result depends on the chosen peak (see sensitivity)."
)


def shpilkin(
    table: StationTable,
    *,
    ceiling: float = 0.95,
    clip_negative: bool = True,
    peak_halfwidth: int = 1,
) -> dict[str, Any]:
    """Return the excess leader votes above the honest turnout peak.

    Stations are binned by turnout G/N into 1-point bins; the peak T* is the first
    prominent mode of the registered-weighted, 3-bin-smoothed histogram below
    ``ceiling``; the honest ratio r = L/O is taken in the peak bin ± ``peak_halfwidth``;
    E = Σ_{b > T*} max(0, L(b) − r·O(b)). O are the other options' valid votes.
    """
    n = table.registered
    t = turnout(table)
    lead = table.leader.astype(np.float64)
    others = (table.valid - table.leader).astype(np.float64)
    b = np.clip(np.floor(t * 100 + 1e-9).astype(np.int64), 0, 100)
    reg_hist = np.bincount(b, weights=n.astype(np.float64), minlength=101)
    lead_hist = np.bincount(b, weights=lead, minlength=101)
    oth_hist = np.bincount(b, weights=others, minlength=101)
    smoothed = smooth(reg_hist, 3)
    peak = first_prominent_mode(smoothed, lo=1, hi=round(ceiling * 100))

    def excess(at: int) -> tuple[float, float]:
        lo, hi = max(0, at - peak_halfwidth), min(100, at + peak_halfwidth)
        o = oth_hist[lo : hi + 1].sum()
        if o <= 0:  # no other votes at the peak: the ratio is undefined
            return float("nan"), float("nan")
        ratio = float(lead_hist[lo : hi + 1].sum() / o)
        contrib = lead_hist[at + 1 :] - ratio * oth_hist[at + 1 :]
        if clip_negative:
            contrib = np.maximum(contrib, 0.0)
        return float(contrib.sum()), ratio

    e, ratio = excess(peak)
    total_lead, total_valid = float(lead.sum()), float(table.valid.sum())
    total_reg = float(n.sum())
    official_turnout = float(table.issued.sum()) / total_reg if total_reg else 0.0
    peak_turnout = (peak + 0.5) / 100
    if np.isnan(e):
        stuffing, corrected = float("nan"), None
    else:
        stuffing = min(e, max(0.0, (official_turnout - peak_turnout) * total_reg))
        corrected = (total_lead - e) / (total_valid - e) if total_valid - e > 0 else None
    return {
        "excess_votes": round(e, 1),
        "excess_share_of_leader_votes": round(e / total_lead, 6) if total_lead else None,
        "peak_turnout": round(peak_turnout, 4),
        "ratio_leader_to_others": round(ratio, 6),
        "official_leader_share_valid": round(total_lead / total_valid, 6) if total_valid else None,
        "corrected_leader_share_valid": None if corrected is None else round(corrected, 6),
        "stuffing": round(stuffing, 1),
        "switching": round(e - stuffing, 1),
        "sensitivity": [
            {"peak_turnout": round((p + 0.5) / 100, 4), "excess_votes": round(excess(p)[0], 1)}
            for p in range(max(1, peak - 2), min(100, peak + 3))
        ],
        "parameters": {
            "bin_width": 0.01,
            "smoothing_bins": 3,
            "peak": "first mode ≥ 0.5 × max below ceiling",
            "ceiling": ceiling,
            "clip_negative": clip_negative,
            "peak_halfwidth_bins": peak_halfwidth,
        },
        "caveat": CAVEAT,
    }
