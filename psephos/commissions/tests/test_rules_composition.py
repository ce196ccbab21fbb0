"""Composition rules without a database."""

from __future__ import annotations

import pytest

from psephos.commissions.rules.composition import (
    CompositionFinding,
    CompositionProblem,
    CompositionRules,
    composition_findings,
    role_taken,
)

SEVEN = CompositionRules(size_min=7, size_max=7, per_body_max=1)
PARTIES = ["Amanat", "Ak Zhol", "Auyl", "QHP", "NSDP", "Respublica", "Baytaq"]


@pytest.mark.parametrize(
    ("bodies", "rules", "findings"),
    [
        (PARTIES, SEVEN, []),
        (PARTIES[:5], SEVEN, [CompositionFinding(CompositionProblem.TOO_FEW, 5, 7)]),
        (
            [*PARTIES, "Amanat"],
            SEVEN,
            [
                CompositionFinding(CompositionProblem.TOO_MANY, 8, 7),
                CompositionFinding(CompositionProblem.BODY_OVER_LIMIT, 2, 1, "Amanat"),
            ],
        ),
        (
            ["Amanat", "Amanat ", *PARTIES[1:6]],
            SEVEN,
            [CompositionFinding(CompositionProblem.BODY_OVER_LIMIT, 2, 1, "Amanat")],
        ),
        (["Amanat"] * 5, CompositionRules(3, 19, per_body_max=0), []),
    ],
)
def test_composition(bodies, rules, findings):
    assert composition_findings(bodies, rules) == findings


# Cases that kill the mutants a Cosmic Ray run left alive (scripts/mutation.sh commissions,
# docs/security.md).
def test_one_member_per_body_is_the_default_limit() -> None:
    """``per_body_max`` left out is 1 (0 would turn the limit off, 2 would let a pair in)."""
    rules = CompositionRules(size_min=3, size_max=3)
    assert composition_findings(["Amanat", "Amanat", "Auyl"], rules) == [
        CompositionFinding(CompositionProblem.BODY_OVER_LIMIT, 2, 1, "Amanat")
    ]


def test_a_body_up_to_its_limit_is_within_it() -> None:
    """With a limit of 2 a body with one member is fine (``>`` as ``!=`` would flag it)."""
    rules = CompositionRules(size_min=3, size_max=3, per_body_max=2)
    assert composition_findings(["Amanat", "Auyl", "Auyl"], rules) == []


@pytest.mark.parametrize(
    ("roles", "role", "taken"),
    [
        (["chair", "member"], "chair", True),
        (["member"], "member", False),  # many members: `and` as `or` would refuse the second
        (["member"], "chair", False),
    ],
)
def test_role_taken(roles: list[str], role: str, taken: bool) -> None:
    assert role_taken(roles, role) is taken


def test_rules_and_findings_cannot_change() -> None:
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        SEVEN.size_max = 8  # type: ignore[misc]
    finding = CompositionFinding(CompositionProblem.TOO_FEW, 5, 7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.count = 7  # type: ignore[misc]
