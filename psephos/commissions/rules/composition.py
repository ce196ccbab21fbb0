"""Whether a commission's composition follows the rule profile (issue 17, published composition).

Pure rule, no Django. The profile sets the number of members a commission of each level
has (a range for a PEC, whose size follows its voters) and how many members one
nominating body (a party) may have on one commission: one in Kazakhstan 2022
(kazakhstan-rules.md; [R] fn28 notes the nominating bodies were not published).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class CompositionProblem(StrEnum):
    TOO_FEW = "too_few"
    TOO_MANY = "too_many"
    BODY_OVER_LIMIT = "body_over_limit"  # one nominating body above its share


@dataclass(frozen=True, slots=True)
class CompositionRules:
    size_min: int
    size_max: int
    per_body_max: int = 1  # 0 turns the limit off


@dataclass(frozen=True, slots=True)
class CompositionFinding:
    problem: CompositionProblem
    count: int
    limit: int
    body: str = ""


def composition_findings(
    bodies: Iterable[str], rules: CompositionRules
) -> list[CompositionFinding]:
    """Return how the members (their nominating bodies, one per member) break ``rules``."""
    per_body = Counter(b.strip() for b in bodies)
    size = sum(per_body.values())
    findings = []
    if size < rules.size_min:
        findings.append(CompositionFinding(CompositionProblem.TOO_FEW, size, rules.size_min))
    if size > rules.size_max:
        findings.append(CompositionFinding(CompositionProblem.TOO_MANY, size, rules.size_max))
    if rules.per_body_max:
        findings.extend(
            CompositionFinding(CompositionProblem.BODY_OVER_LIMIT, n, rules.per_body_max, body)
            for body, n in sorted(per_body.items())
            if n > rules.per_body_max
        )
    return findings


#: Roles a commission has at most one of at a time (a chair, a deputy, a secretary).
SINGLE_ROLES = frozenset({"chair", "deputy", "secretary"})


def role_taken(roles: Iterable[str], role: str) -> bool:
    """Return whether ``role`` is a single role already held by one of ``roles``."""
    return role in SINGLE_ROLES and role in set(roles)
