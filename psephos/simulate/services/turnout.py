"""The simulated election's turnout through the day: the CEC's 2022 releases replayed.

Each regular station reports at the five published times through pollingday's
``turnout_report`` (``turnout_simulate``): its voters on the list from the plan (as its
protocol has them), its voters so far such that each region is within 0.05 points of the
published rate (kazakhstan-rules.md §13.2) and the nation's equal to the published
figure to its two decimals. That is possible because the simulated register's regions
hold the DERIVED shares under which the published regional and national lines agree
(``scenarios.regular_voter_shares``; docs/pollingday.md): each region's 0.05 points of
slack absorb the rounding of the stations' lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from psephos.ledger.actors import actor_system
from psephos.pollingday.rules.intraday_2022 import NATIONAL, REGION_RATES, SLOTS
from psephos.pollingday.selectors_turnout import turnout_for_election
from psephos.pollingday.services.turnout_simulation import turnout_simulate

from ..rules.country import KIND_REGULAR, CountryPlan

if TYPE_CHECKING:
    from psephos.elections.models import Election

TOLERANCE = Decimal("0.05")


@dataclass(frozen=True, slots=True)
class TurnoutReplay:
    """What the replay wrote and met: reports, and per time the national figure and regions."""

    reports: int
    national: list[tuple[str, Decimal, Decimal]]  # time, simulated, published
    regions_met: int  # region-times within 0.05 points of the published rate
    regions_total: int


def turnout_replay(*, election: Election, plan: CountryPlan) -> TurnoutReplay:
    """Replay the 2022 intraday table through the turnout reports; return what it met.

    Every regular station of ``plan`` reports, its list from the plan: a station whose
    protocol is left open for the night (``--leave-open``) still reported during the day.
    Raises ``ValueError`` when a region's lists cannot meet its published rates, or the
    regions' lists the published national line.
    """
    on_list = plan.lines["voters_on_list"]
    registered = {
        plan.station_code(int(i)): int(on_list[i])
        for i in np.flatnonzero(plan.station_kind == KIND_REGULAR)
        if on_list[i]
    }
    written = turnout_simulate(
        election=election,
        registered=registered,
        slots=SLOTS,
        region_rates=REGION_RATES,
        national=NATIONAL,
        actor=actor_system("simulate"),
    )
    end = dt.datetime.combine(election.date + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    view = turnout_for_election(election=election, now=end)
    met = total = 0
    for curve in view.regions:
        for point in curve.points:
            published = REGION_RATES[curve.code][SLOTS.index(point.slot)]
            total += 1
            met += abs(point.percent - published) <= TOLERANCE
    return TurnoutReplay(
        reports=written,
        national=[
            (p.slot.strftime("%H:%M"), p.percent, NATIONAL[SLOTS.index(p.slot)])
            for p in view.national.points
        ],
        regions_met=met,
        regions_total=total,
    )
