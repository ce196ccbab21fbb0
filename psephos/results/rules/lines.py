"""The lines of a precinct results protocol, as plain data.

The numbering is semantic (kazakhstan-rules.md §7.1: the official 2022 line list
was not obtained). Every line is a non-negative integer count.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Self

# Field names in protocol order; the results app's models, exports and API use the same names.
LINE_NAMES: tuple[str, ...] = (
    "voters_on_list",
    "ballots_received",
    "ballots_issued",
    "ballots_issued_mobile",
    "voted_with_certificate",
    "ballots_cancelled",
    "ballots_found",
    "ballots_invalid",
    "ballots_valid",
    "ballots_both_marked",
)


@dataclass(frozen=True, slots=True)
class ProtocolLines:
    """One protocol's lines and its votes per option key."""

    voters_on_list: int = 0
    ballots_received: int = 0
    ballots_issued: int = 0  # voters who received ballots = signatures in the list
    ballots_issued_mobile: int = 0  # of which outside the station (portable box)
    voted_with_certificate: int = 0  # of which with an absentee voting certificate
    ballots_cancelled: int = 0  # unused ballots, counted and cancelled
    ballots_found: int = 0  # ballots in all boxes, stationary and portable
    ballots_invalid: int = 0
    ballots_valid: int = 0
    ballots_both_marked: int = 0  # referendum: valid but counted for neither option
    votes: dict[str, int] = field(default_factory=dict)

    def line(self, name: str) -> int:
        """Return one line by name."""
        value: int = getattr(self, name)
        return value

    def as_dict(self) -> dict[str, int]:
        """Return the lines (without votes) as a mapping in protocol order."""
        return {name: getattr(self, name) for name in LINE_NAMES}

    @classmethod
    def zero(cls, option_keys: list[str]) -> Self:
        """Return an all-zero protocol for these options."""
        return cls(votes=dict.fromkeys(option_keys, 0))

    def __add__(self, other: ProtocolLines) -> ProtocolLines:
        votes = dict(self.votes)
        for key, value in other.votes.items():
            votes[key] = votes.get(key, 0) + value
        sums = {name: getattr(self, name) + getattr(other, name) for name in LINE_NAMES}
        return ProtocolLines(**sums, votes=votes)


assert tuple(f.name for f in fields(ProtocolLines) if f.name != "votes") == LINE_NAMES
