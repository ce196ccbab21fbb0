"""Say an election's determined outcome in one sentence."""

from __future__ import annotations

from psephos.elections.models import Election, Option
from psephos.results.rules.determination import Outcome


def outcome_sentence(election: Election, outcome: Outcome) -> str:
    """Return the outcome as printed by ``psephos simulate``.

    "Tokayev elected in the first round with 81.31 % of valid votes" or
    "amendments adopted: yes in 17 of 17 units, 12 required; turnout 68.05 %".
    """
    figures = outcome.figures
    if outcome.status == "elected":
        option = Option.objects.get(contest__election=election, key=outcome.winner)
        surname = option.name_en.split()[-1]
        share = 100 * float(figures.get("leader_share", 0.0))  # type: ignore[arg-type]
        return f"{surname} elected in the first round with {share:.2f} % of valid votes"
    if outcome.status == "runoff":
        return "runoff between " + " and ".join(outcome.runoff)
    if outcome.status in ("adopted", "rejected"):
        turnout = 100 * float(figures.get("turnout", 0.0))  # type: ignore[arg-type]
        return (
            f"amendments {outcome.status}: yes in {figures.get('units_in_favour')} of "
            f"{figures.get('units')} units, {figures.get('units_required')} required; "
            f"turnout {turnout:.2f} %"
        )
    return f"undecided: {' '.join(outcome.reasons)}"
