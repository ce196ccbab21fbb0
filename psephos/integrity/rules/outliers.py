"""Stations far from their territorial commission's other stations (robust z-scores)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .shares import leader_share, turnout
from .table import FloatArray, StationTable

CAVEAT = (
    "Anomaly indicators for human review, not findings of fraud. Special and abroad "
    "stations are never flagged on turnout alone."
)


def _robust_z(values: FloatArray, groups: np.ndarray) -> tuple[FloatArray, np.ndarray]:
    names, inv = np.unique(groups.astype(str), return_inverse=True)
    order = np.argsort(inv, kind="stable")
    sizes = np.bincount(inv, minlength=names.size)
    z = np.zeros(values.size)
    start = 0
    for size in sizes.tolist():
        idx = order[start : start + size]
        start += size
        if size < 5:
            z[idx] = 0.0
            continue
        x = values[idx]
        med = np.median(x)
        mad = 1.4826 * np.median(np.abs(x - med))
        mad = max(mad, 0.01)  # one percentage point floor keeps tight groups from flagging noise
        z[idx] = (x - med) / mad
    return z, sizes[inv]


def outliers(
    table: StationTable,
    *,
    threshold: float = 4.0,
    limit: int = 200,
    denominator: str = "received",
    min_registered: int = 100,
) -> dict[str, Any]:
    """Return stations whose turnout or leader share has |robust z| ≥ ``threshold`` in their commission.

    z = (x − median) / max(1.4826·MAD, 0.01) over the commission's stations with
    N ≥ ``min_registered``; commissions with fewer than 5 such stations are skipped.
    """
    mask = table.registered >= min_registered
    t = table.subset(mask)
    zt, _ = _robust_z(turnout(t), t.commission)
    zv, _ = _robust_z(leader_share(t, denominator=denominator), t.commission)
    if t.kind is not None:
        special = np.isin(t.kind.astype(str), ["special", "abroad"])
        zt = np.where(special, 0.0, zt)
    score = np.maximum(np.abs(zt), np.abs(zv))
    flagged = np.flatnonzero(score >= threshold)
    flagged = flagged[np.argsort(-score[flagged], kind="stable")]
    tt, vv = turnout(t), leader_share(t, denominator=denominator)
    return {
        "threshold": threshold,
        "flagged_count": int(flagged.size),
        "stations": [
            {
                "station": str(t.station[i]),
                "commission": str(t.commission[i]),
                "region": str(t.region[i]),
                "turnout": round(float(tt[i]), 4),
                "leader_share": round(float(vv[i]), 4),
                "z_turnout": round(float(zt[i]), 2),
                "z_leader_share": round(float(zv[i]), 2),
            }
            for i in flagged[:limit]
        ],
        "caveat": CAVEAT,
    }
