"""A polling station's voting hours: its own, else the election's, else the rule profile's.

Hours belong to the election (``polls_open``/``polls_close`` in ``election.toml``; the
profile's ``voting_opens``/``voting_closes`` when the election gives none). A station
may have its own opening or closing time (a station abroad or on a ship, a hospital's
special station: ``opens``/``closes`` in ``stations.csv``); each overrides the
election's one. Times are of day, in the station's own time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class VotingHours:
    opens: dt.time
    closes: dt.time
    own: bool  # the station has its own opening or closing time

    def label(self) -> str:
        """Return the hours as ``HH:MM–HH:MM``."""
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"


def voting_hours(
    *,
    default: tuple[dt.time, dt.time],
    election: tuple[dt.time | None, dt.time | None],
    station: tuple[dt.time | None, dt.time | None] = (None, None),
) -> VotingHours:
    """Return the hours in force at a station (each time: the station's, election's, default)."""
    opens = station[0] or election[0] or default[0]
    closes = station[1] or election[1] or default[1]
    return VotingHours(opens, closes, own=station != (None, None))
