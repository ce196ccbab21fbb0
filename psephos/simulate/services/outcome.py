"""Say an election's determined outcome in one sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.elections.selectors import election_options
from psephos.results.rules.determination import Outcome

if TYPE_CHECKING:
    from psephos.elections.models import Election


def _percent(value: object) -> float:
    return 100 * float(value) if isinstance(value, int | float) else 0.0


def outcome_sentence(election: Election, outcome: Outcome) -> str:
    """Return the outcome as printed by ``psephos simulate``.

    "Tokayev elected in the first round with 81.31 % of valid votes" or
    "amendments adopted: yes in 17 of 17 units, 12 required; turnout 68.05 %".
    """
    figures = outcome.figures
    if outcome.status == "elected":
        option = next(o for o in election_options(election=election) if o.key == outcome.winner)
        return _("%(name)s elected in the first round with %(share).2f %% of valid votes") % {
            "name": option.name_en.split()[-1],
            "share": _percent(figures.get("leader_share")),
        }
    if outcome.status == "runoff":
        return _("runoff between %(names)s") % {"names": _(" and ").join(outcome.runoff)}
    if outcome.status in ("adopted", "rejected"):
        params = {
            "units_in_favour": figures.get("units_in_favour"),
            "units": figures.get("units"),
            "required": figures.get("units_required"),
            "turnout": _percent(figures.get("turnout")),
        }
        if outcome.status == "adopted":
            text = _(
                "amendments adopted: yes in %(units_in_favour)s of %(units)s units, "
                "%(required)s required; turnout %(turnout).2f %%"
            )
        else:
            text = _(
                "amendments rejected: yes in %(units_in_favour)s of %(units)s units, "
                "%(required)s required; turnout %(turnout).2f %%"
            )
        return text % params
    return _("undecided: %(reasons)s") % {"reasons": " ".join(outcome.reasons)}
