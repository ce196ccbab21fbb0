"""Composition rules without a database."""

from __future__ import annotations

import pytest

from psephos.commissions.rules.composition import (
    CompositionFinding,
    CompositionProblem,
    CompositionRules,
    composition_findings,
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
