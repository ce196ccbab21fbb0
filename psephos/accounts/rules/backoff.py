"""How long a login key waits after repeated failures (no Django).

The first ``free`` failures cost nothing; each failure after them doubles the wait,
from ``base`` seconds up to ``cap``: 5 free, then 1 s, 2 s, 4 s … 15 minutes. A
guesser gets a few dozen passwords an hour per account, a user who mistypes a few
times waits at most seconds.
"""

from __future__ import annotations

import math


def backoff_seconds(failures: int, *, free: int, base: float, cap: float) -> float:
    """Return the seconds to wait after ``failures`` consecutive failures (0 when free)."""
    if failures <= free:
        return 0.0
    return float(min(cap, base * 2 ** min(failures - free - 1, 62)))


def wait_minutes(seconds: float) -> int:
    """Return the whole minutes (at least one) to tell a user to wait."""
    return max(1, math.ceil(seconds / 60))
