"""The outcome sentence printed by ``psephos simulate``."""

from __future__ import annotations

import pytest

from psephos.elections.models import Election
from psephos.results.rules.determination import Outcome
from psephos.simulate.services.outcome import outcome_sentence


@pytest.mark.parametrize(
    ("outcome", "sentence"),
    [
        (
            Outcome(
                "adopted",
                figures={
                    "units": 17,
                    "units_in_favour": 17,
                    "units_required": 12,
                    "turnout": 0.68051,
                },
            ),
            "amendments adopted: yes in 17 of 17 units, 12 required; turnout 68.05 %",
        ),
        (
            Outcome(
                "rejected",
                figures={"units": 17, "units_in_favour": 11, "units_required": 12, "turnout": 0.6},
            ),
            "amendments rejected: yes in 11 of 17 units, 12 required; turnout 60.00 %",
        ),
        (Outcome("runoff", runoff=("a", "b")), "runoff between a and b"),
        (Outcome("undecided", reasons=("No tabulation yet.",)), "undecided: No tabulation yet."),
    ],
)
def test_outcome_sentence(outcome, sentence):
    assert outcome_sentence(Election(key="x"), outcome) == sentence


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("ru", "поправки приняты: «да» в 17 из 17 регионов, требуется 12; явка 68.05 %"),
        (
            "kk",
            "түзетулер қабылданды: «иә» 17 өңірдің 17 өңірінде, қажеті 12; "
            "сайлаушылардың қатысуы 68.05 %",
        ),
    ],
)
def test_outcome_sentence_is_translated(language, sentence):
    from django.utils import translation

    outcome = Outcome(
        "adopted",
        figures={"units": 17, "units_in_favour": 17, "units_required": 12, "turnout": 0.68051},
    )
    with translation.override(language):
        assert outcome_sentence(Election(key="x"), outcome) == sentence
