"""An audit's sample and the shape of its decision.

Pure functions; nothing here imports Django.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence


def audit_sample(numbers: Sequence[int], size: int, seed: str) -> list[int]:
    """Return ``size`` of ``numbers`` (all when fewer) drawn with ``seed``, in order.

    The same seed and records always give the same sample, so anyone holding the
    published seed can check which records were audited.
    """
    if size >= len(numbers):
        return sorted(numbers)
    return sorted(random.Random(seed).sample(list(numbers), size))


def decision_problems(
    *,
    sanction: str,
    allowed: Collection[str],
    proportionality: str,
    findings: int,
) -> list[dict[str, str]]:
    """Return what is wrong with an audit's decision (empty: it may be proposed).

    A sanction must be one the profile lists, rest on at least one finding and give
    the reason it is proportionate (ODIHR Rec P16); no sanction needs neither.
    """
    problems = []
    if sanction and sanction not in allowed:
        problems.append({"field": "sanction", "code": "not_in_profile"})
    if sanction and not proportionality.strip():
        problems.append({"field": "proportionality", "code": "required"})
    if sanction and findings == 0:
        problems.append({"field": "sanction", "code": "no_finding"})
    return problems
