"""Mobile voting: the application deadline, what an application and a trip must be, relations.

Pure Python (kazakhstan-rules.md §6.2, §7.2 R9). A voter who cannot come (health, caring
for a sick family member, a remote place) applies in writing; at least two members carry
the portable box to the voters who applied ([EL-old] Art. 41(6)); each ballot issued
outside the station is recorded against its application. The deadline is a profile
switch because its three sources disagree.

Relations, named like the count's: M1 the protocol's mobile line above the applications
(R9), M2 the protocol's mobile line against the ballots recorded as issued outside.
"""

from __future__ import annotations

import datetime as dt

from .count import Relation
from .turnout import Problem

GROUNDS = ("health", "caring", "remote")
MEMBERS_MIN = 2
TEXT_MAX = 500


def application_deadline(voting_day: dt.date, switch: str) -> dt.datetime:
    """Return the last local moment an application is accepted under the profile's switch."""
    midnight = dt.datetime.combine(voting_day, dt.time())
    if switch == "days_15":
        return midnight - dt.timedelta(days=15)
    if switch == "day_noon":
        return midnight + dt.timedelta(hours=12)
    return midnight - dt.timedelta(hours=12)  # "eve_noon": 12 hours before voting day


def application_problems(
    *, grounds: str, text: str, received_local: dt.datetime, voting_day: dt.date, switch: str
) -> list[Problem]:
    """Return why an application cannot be recorded (empty when it can).

    ``grounds_unknown``; ``text_too_long``; ``after_deadline`` (with the deadline);
    ``after_voting_day``.
    """
    out: list[Problem] = []
    if grounds not in GROUNDS:
        out.append(Problem("grounds_unknown", (("grounds", grounds), ("known", " ".join(GROUNDS)))))
    if len(text) > TEXT_MAX:
        out.append(Problem("text_too_long", (("max", TEXT_MAX),)))
    deadline = application_deadline(voting_day, switch)
    if received_local > deadline:
        out.append(
            Problem(
                "after_deadline",
                (
                    ("received", received_local.isoformat(sep=" ", timespec="minutes")),
                    ("deadline", deadline.isoformat(sep=" ", timespec="minutes")),
                ),
            )
        )
    return out


def trip_problems(
    *,
    members: tuple[str, ...],
    box_serial: str,
    mobile_boxes: tuple[str, ...] | None,
    left_local: dt.datetime,
    returned_local: dt.datetime,
    voting_day: dt.date,
) -> list[Problem]:
    """Return why a trip of the portable box cannot be recorded (empty when it can).

    ``members_too_few``; ``box_not_mobile`` (not a mobile box of the opening record, where
    there is one); ``not_voting_day``; ``returned_before_left``.
    """
    out: list[Problem] = []
    if len(members) < MEMBERS_MIN:
        out.append(Problem("members_too_few", (("members", len(members)), ("min", MEMBERS_MIN))))
    if mobile_boxes is not None and box_serial not in mobile_boxes:
        shown = " ".join(mobile_boxes) or "—"
        out.append(Problem("box_not_mobile", (("serial", box_serial), ("boxes", shown))))
    if left_local.date() != voting_day or returned_local.date() != voting_day:
        out.append(Problem("not_voting_day", (("day", voting_day.isoformat()),)))
    if returned_local < left_local:
        out.append(Problem("returned_before_left", ()))
    return out


def mobile_relations(
    *, applications: int, ballots: int, protocol_mobile: int | None
) -> list[Relation]:
    """Return the relations the protocol's mobile line breaks (none without a protocol)."""
    if protocol_mobile is None:
        return []
    out: list[Relation] = []
    if protocol_mobile > applications:
        out.append(Relation("M1", {"mobile": protocol_mobile, "applications": applications}))
    if protocol_mobile != ballots:
        out.append(Relation("M2", {"mobile": protocol_mobile, "ballots": ballots}))
    return out
