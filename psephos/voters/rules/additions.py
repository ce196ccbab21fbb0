"""When a station's election-day additions are unusual enough for the TEC to look first.

Pure rule (issue 16, item 3): a station is flagged when its additions reach ``floor``
and exceed ``factor`` times the median of the stations the TEC reviews. The 2022
figures give the scale: 2,267 residence additions over 4,053 designated stations
([P] §VI), about one in two stations adding anybody at all.
"""

from __future__ import annotations

from statistics import median


def additions_unusual(totals: list[int], *, floor: int = 10, factor: int = 3) -> list[bool]:
    """Return, per station total, whether it is flagged for the TEC's review."""
    if not totals:
        return []
    typical = median(totals)
    return [t >= floor and t > factor * typical for t in totals]
