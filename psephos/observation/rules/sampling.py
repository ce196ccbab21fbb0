"""A reproducible stratified random sample of polling stations for a quick count.

Strata are region × urban/rural (``observation-methodology.md`` §5.4). Allocation
is proportional to the number of stations in each stratum, with at least
``min_per_stratum`` so that every stratum has a variance. The draw is seeded: the
same frame, size and seed always give the same sample, so the seed can be
published after election day and anyone can redraw it. Reserve stations are drawn
in the same pass, after the sample, in each stratum.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FrameStation:
    key: str
    stratum: str


@dataclass(frozen=True)
class Drawn:
    key: str
    stratum: str
    order: int
    reserve: bool


def stratum_of(region: str, urban: bool) -> str:
    """Return the stratum label for a station."""
    return f"{region}/{'urban' if urban else 'rural'}"


def allocate(sizes: dict[str, int], n: int, *, min_per_stratum: int = 2) -> dict[str, int]:
    """Return the number of stations to draw per stratum (largest remainder, floor of min)."""
    total = sum(sizes.values())
    if n <= 0 or total == 0:
        raise ValueError("the sample size and the frame must be positive")
    if n > total:
        raise ValueError(f"a sample of {n} is larger than the frame of {total} stations")
    quotas = {h: n * size / total for h, size in sizes.items()}
    alloc = {h: min(sizes[h], max(min_per_stratum, int(q))) for h, q in quotas.items()}
    # Hand out what is left by largest remainder, in a fixed order.
    order = sorted(sizes, key=lambda h: (-(quotas[h] - int(quotas[h])), h))
    i = 0
    while sum(alloc.values()) < n and i < 10 * len(order) + n:
        h = order[i % len(order)]
        if alloc[h] < sizes[h]:
            alloc[h] += 1
        i += 1
    return alloc


def _rng(seed: int, stratum: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{stratum}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def sample_draw(
    frame: Sequence[FrameStation],
    n: int,
    *,
    seed: int,
    reserves_per_stratum: int = 1,
    min_per_stratum: int = 2,
) -> list[Drawn]:
    """Return the drawn stations (sample first, then reserves), reproducible from the seed."""
    by_stratum: dict[str, list[str]] = {}
    for st in frame:
        by_stratum.setdefault(st.stratum, []).append(st.key)
    sizes = {h: len(keys) for h, keys in by_stratum.items()}
    alloc = allocate(sizes, n, min_per_stratum=min_per_stratum)
    out: list[Drawn] = []
    for h in sorted(by_stratum):
        keys = sorted(by_stratum[h])
        take = min(len(keys), alloc[h] + reserves_per_stratum)
        picked = _rng(seed, h).sample(keys, take)
        for i, key in enumerate(picked):
            out.append(Drawn(key=key, stratum=h, order=i + 1, reserve=i >= alloc[h]))
    return out
