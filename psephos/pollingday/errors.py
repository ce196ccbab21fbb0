"""Errors of election day at the polling station, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import Conflict, ValidationFailed


class OpeningInvalid(ValidationFailed):
    """The opening record as entered is incomplete or wrong; ``data['errors']`` lists why."""

    code = "opening_invalid"


class OpeningRecorded(Conflict):
    code = "opening_recorded"


class TurnoutRefused(ValidationFailed):
    """A turnout report outside its window, above the list or below the previous one."""

    code = "turnout_refused"


class TurnoutReported(Conflict):
    code = "turnout_reported"


class CountStepOutOfOrder(Conflict):
    """A count step before the step that the law puts first."""

    code = "count_step_out_of_order"


class CountPilesInvalid(ValidationFailed):
    code = "count_piles_invalid"
