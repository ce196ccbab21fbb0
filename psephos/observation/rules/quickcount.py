"""The quick-count estimator: a stratified combined ratio estimator with its margin of error.

For strata h with N_h stations in the frame and n_h reporting sampled stations
(weight w_h = N_h / n_h), numerator a_hi and denominator m_hi at station i:

    p̂ = Σ_h w_h Σ_i a_hi / Σ_h w_h Σ_i m_hi
    d_hi = a_hi − p̂ m_hi,  s²_h = Σ_i (d_hi − d̄_h)² / (n_h − 1)
    Var(p̂) ≈ (1 / M̂²) Σ_h N_h² (1 − n_h/N_h) s²_h / n_h,  M̂ = Σ_h w_h Σ_i m_hi

(``observation-methodology.md`` §5.3). Non-response is handled by using the
reporting n_h in the weights. A stratum with one reporting station contributes
no variance and is listed in ``thin_strata`` so the margin is read with care.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z = {95: 1.959963984540054, 99: 2.5758293035489004}


@dataclass(frozen=True)
class Unit:
    stratum: str
    a: float
    m: float


@dataclass(frozen=True)
class Estimate:
    value: float
    moe95: float
    moe99: float
    n: int
    thin_strata: tuple[str, ...]
    missing_strata: tuple[str, ...]

    def consistent(self, official: float, *, level: int = 99) -> bool:
        """Return whether an official figure lies within the margin of error."""
        moe = self.moe99 if level == 99 else self.moe95
        return abs(official - self.value) <= moe + 1e-12


def ratio_estimate(units: Sequence[Unit], frame_sizes: dict[str, int]) -> Estimate:
    """Return the combined ratio estimate of Σa/Σm with 95% and 99% margins."""
    by: dict[str, list[Unit]] = {}
    for u in units:
        if u.stratum not in frame_sizes:
            raise ValueError(f"stratum “{u.stratum}” is not in the frame")
        by.setdefault(u.stratum, []).append(u)
    if not by:
        raise ValueError("no sampled station has reported")
    num = den = 0.0
    for h, us in by.items():
        w = frame_sizes[h] / len(us)
        num += w * sum(u.a for u in us)
        den += w * sum(u.m for u in us)
    if den <= 0:
        raise ValueError("the denominator is zero in every reporting station")
    p = num / den
    var_sum = 0.0
    thin = []
    for h, us in sorted(by.items()):
        nh, big_n = len(us), frame_sizes[h]
        if nh < 2:
            thin.append(h)
            continue
        d = [u.a - p * u.m for u in us]
        mean = sum(d) / nh
        s2 = sum((x - mean) ** 2 for x in d) / (nh - 1)
        var_sum += big_n * big_n * (1 - nh / big_n) * s2 / nh
    var = var_sum / (den * den)
    se = math.sqrt(max(var, 0.0))
    missing = tuple(sorted(set(frame_sizes) - set(by)))
    return Estimate(
        value=p,
        moe95=Z[95] * se,
        moe99=Z[99] * se,
        n=len(units),
        thin_strata=tuple(thin),
        missing_strata=missing,
    )
