"""Assemble every method into one report mapping (the report.json schema, docs/integrity.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .digits import benford_2bl, last_digit, last_digit_by_group
from .integer import integer_test
from .klimek import cumulative_curve, fingerprint, klimek_fit
from .observers import observer_effect
from .outliers import outliers
from .shares import histogram, leader_share, share_denominator, turnout
from .shpilkin import shpilkin
from .spikes import spikes
from .table import StationTable

SCHEMA = "psephos.integrity.report/1"
STEPS = 9
DISCLAIMER = (
    "Statistical anomaly indicators: they say whether the figures are unusual, not "
    "whether or where fraud happened. Nothing here is proof of fraud."
)


@dataclass(frozen=True)
class ReportConfig:
    """Every tunable of a report; recorded in the report as ``parameters``."""

    seed: int = 2022
    denominator: str = "received"
    min_registered: int = 100
    last_digit_min_count: int = 50
    spikes_resamples: int = 200
    klimek_max_units: int = 20000
    klimek_bootstrap: int = 5
    shpilkin_ceiling: float = 0.95
    outlier_threshold: float = 4.0
    exclude_kinds: tuple[str, ...] = ("special", "abroad")


def _round(x: float) -> float:
    return round(float(x), 6)


def build_report(
    table: StationTable,
    *,
    config: ReportConfig | None = None,
    dropped: list[dict[str, Any]] | None = None,
    source: dict[str, Any] | None = None,
    advance: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Return the full report for a station table; call ``advance(1)`` after each of ``STEPS`` steps."""
    cfg = config or ReportConfig()
    step = advance or (lambda _n: None)
    dropped = dropped or []
    usable = (table.registered > 0) & (table.received > 0)
    # Special and abroad stations legitimately show extreme turnout and homogeneous
    # votes (reference §1.2): they are excluded from the distributional tests.
    excluded = np.zeros(len(table), dtype=bool)
    if table.kind is not None and cfg.exclude_kinds:
        excluded = np.isin(table.kind.astype(str), list(cfg.exclude_kinds)) & usable
    t = table.subset(usable & ~excluded)
    reg, iss = float(t.registered.sum()), float(t.issued.sum())
    den = float(share_denominator(t, denominator=cfg.denominator).sum())
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "disclaimer": DISCLAIMER,
        "source": source or {},
        "parameters": asdict(cfg)
        | {
            "turnout": "ballots_issued / registered",
            "leader_share": f"leader / {cfg.denominator}",
        },
        "leader": t.leader_name,
        "options": list(t.option_names),
        "stations_total": len(table) + len(dropped),
        "stations_used": len(t),
        "stations_dropped": len(dropped) + int((~usable).sum()),
        "stations_excluded_by_kind": {
            kind: int((excluded & (table.kind == kind)).sum()) for kind in cfg.exclude_kinds
        }
        if table.kind is not None
        else {},
        "dropped": dropped
        + [
            {
                "line": None if table.source_line is None else int(table.source_line[i]),
                "station": str(table.station[i]),
                "reason": "no registered voters or no ballots received",
            }
            for i in np.flatnonzero(~usable)
        ],
        "totals": {
            "registered": int(reg),
            "ballots_issued": int(iss),
            "received": int(t.received.sum()),
            "valid": int(t.valid.sum()),
            "invalid": int(t.invalid.sum()),
            "votes": {name: int(t.options[:, i].sum()) for i, name in enumerate(t.option_names)},
        },
        "turnout": _round(iss / reg) if reg else None,
        "leader_share": _round(t.leader.sum() / den) if den else None,
    }
    step(1)
    it = integer_test(t, min_registered=cfg.min_registered)
    report["integer_test"] = {
        key: it["either"][key] for key in ("observed", "expected", "excess", "p_value")
    } | {
        "definition": "stations integer in turnout or in leader share (|p − round(p)| ≤ 0.05), AOAS inclusion",
        "null": "exact Poisson-binomial of per-station binomial resampling",
        "detail": it,
        "caveat": "An excess of integer percentages shows figures written to a target somewhere; it does not say where.",
    }
    step(1)
    report["fingerprint"] = fingerprint(t, denominator=cfg.denominator)
    report["cumulative"] = cumulative_curve(t)
    step(1)
    report["klimek"] = klimek_fit(
        t,
        seed=cfg.seed,
        denominator=cfg.denominator,
        min_registered=cfg.min_registered,
        max_units=cfg.klimek_max_units,
        bootstrap=cfg.klimek_bootstrap,
    )
    step(1)
    report["shpilkin"] = shpilkin(t, ceiling=cfg.shpilkin_ceiling)
    step(1)
    counts = t.options.reshape(-1)
    report["benford_2bl"] = benford_2bl(counts, seed=cfg.seed)
    report["last_digit"] = last_digit(counts, min_count=cfg.last_digit_min_count)
    groups = last_digit_by_group(t.options, t.commission, min_count=cfg.last_digit_min_count)
    report["last_digit"]["by_commission"] = sorted(groups, key=lambda g: g["p_value"])[:50]
    report["last_digit"]["commissions_tested"] = len(groups)
    report["last_digit"]["commissions_q_below_0_05"] = sum(g["q_value"] < 0.05 for g in groups)
    step(1)
    sub = t.subset(t.registered >= cfg.min_registered)
    report["spikes"] = spikes(
        sub.leader,
        share_denominator(sub, denominator=cfg.denominator),
        resamples=cfg.spikes_resamples,
        seed=cfg.seed,
    )
    step(1)
    report["outliers"] = outliers(
        t,
        threshold=cfg.outlier_threshold,
        denominator=cfg.denominator,
        min_registered=cfg.min_registered,
    )
    step(1)
    tt, vv = turnout(t), leader_share(t, denominator=cfg.denominator)
    report["histograms"] = {
        "bin_width": 0.001,
        "turnout": histogram(tt, bins=1000).astype(int).tolist(),
        "leader_share": histogram(vv, bins=1000).astype(int).tolist(),
    }
    report["by_region"] = _by_region(t, cfg)
    if t.observed is not None:
        report["observers"] = observer_effect(tt, vv, t.observed, t.commission)
    step(1)
    return finite(report)


def finite(value: Any) -> Any:
    """Return ``value`` with NumPy scalars made plain and non-finite floats replaced by None.

    JSON has no NaN or infinity; a statistic that cannot be computed is null.
    """
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _by_region(t: StationTable, cfg: ReportConfig) -> list[dict[str, Any]]:
    """Return turnout, leader share and the exact integer-test excess per region, with BH q-values."""
    from .digits import benjamini_hochberg

    rows: list[dict[str, Any]] = []
    names = sorted({str(r) for r in t.region})
    for name in names:
        sub = t.subset(t.region.astype(str) == name)
        reg = float(sub.registered.sum())
        den = float(share_denominator(sub, denominator=cfg.denominator).sum())
        it = integer_test(sub, min_registered=cfg.min_registered)["either"]
        rows.append(
            {
                "region": name,
                "stations": len(sub),
                "turnout": _round(sub.issued.sum() / reg) if reg else None,
                "leader_share": _round(sub.leader.sum() / den) if den else None,
                "integer_observed": it["observed"],
                "integer_expected": it["expected"],
                "integer_excess": it["excess"],
                "integer_p_value": it["p_value"],
                "shpilkin_excess_votes": shpilkin(sub, ceiling=cfg.shpilkin_ceiling)[
                    "excess_votes"
                ],
            }
        )
    q = benjamini_hochberg(np.array([r["integer_p_value"] for r in rows]))
    for row, qv in zip(rows, q, strict=True):
        row["integer_q_value"] = float(qv)
    return rows
