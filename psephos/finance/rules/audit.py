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


FINE = "fine"


def decision_problems(
    *,
    sanction: str,
    allowed: Collection[str],
    proportionality: str,
    findings: int,
    fine_mci: int | None = None,
    fine_mci_max: int | None = None,
) -> list[dict[str, str]]:
    """Return what is wrong with an audit's decision (empty: it may be proposed).

    A sanction must be one the profile lists, rest on at least one finding and give
    the reason it is proportionate (ODIHR Rec P16); no sanction needs neither. A fine
    names its amount in MCI (a whole number from 1, at most ``fine_mci_max`` when the
    profile knows one); no other outcome has an amount.
    """
    problems = []
    if sanction and sanction not in allowed:
        problems.append({"field": "sanction", "code": "not_in_profile"})
    if sanction and not proportionality.strip():
        problems.append({"field": "proportionality", "code": "required"})
    if sanction and findings == 0:
        problems.append({"field": "sanction", "code": "no_finding"})
    if sanction == FINE and fine_mci is None:
        problems.append({"field": "fine_mci", "code": "required"})
    elif sanction != FINE and fine_mci is not None:
        problems.append({"field": "fine_mci", "code": "only_with_fine"})
    elif fine_mci is not None and fine_mci < 1:
        problems.append({"field": "fine_mci", "code": "not_positive"})
    elif fine_mci is not None and fine_mci_max is not None and fine_mci > fine_mci_max:
        problems.append({"field": "fine_mci", "code": "over_profile_maximum"})
    return problems
