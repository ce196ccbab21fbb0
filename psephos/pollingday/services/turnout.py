"""Record a station's turnout at a reporting time, from its marks or as its PEC enters it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from psephos.core import db
from psephos.ledger.services.events import event_record, events_record_many
from psephos.voters.selectors import station_counts_for_election, station_marks_until

from ..enums import TurnoutSource
from ..errors import TurnoutRefused, TurnoutReported
from ..models import TurnoutReport
from ..rules.turnout import Problem, day_profile_for, report_problems
from ..selectors_turnout import election_day_profile
from .opening import station_zone

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


def turnout_problem_message(problem: Problem) -> str:
    """Return the translated sentence for one problem of a turnout report, with its numbers."""
    messages = {
        "slot_unknown": _("%(slot)s is not a reporting time; the times are %(times)s."),
        "outside_window": _(
            "The report for this time is accepted from %(opens)s to %(closes)s; "
            "it is %(now)s at the station."
        ),
        "above_registered": _(
            "%(voted)d voters is more than the %(registered)d voters on the list."
        ),
        "below_previous": _(
            "%(voted)d voters is fewer than the %(previous)d of the previous report."
        ),
        "figures_missing": _(
            "This station keeps no list in psephos: enter the voters who received a ballot "
            "and the voters on the list."
        ),
        "figures_from_marks": _(
            "This station marks its voters in psephos: its figures come from the marks, "
            "%(voted)d of %(registered)d."
        ),
    }
    return messages[problem.code] % dict(problem.facts)


def _refuse(problems: list[Problem], station: PollingStation, slot: dt.time) -> TurnoutRefused:
    errors = [{"code": p.code, "message": turnout_problem_message(p)} for p in problems]
    return TurnoutRefused(
        _("The turnout report of station %(code)s at %(slot)s is refused: %(problems)s")
        % {
            "code": station.code,
            "slot": slot.strftime("%H:%M"),
            "problems": " ".join(e["message"] for e in errors),
        },
        data={"station": station.code, "slot": slot.strftime("%H:%M"), "errors": errors},
    )


# The station's report before this time: every report asks it (one prepared statement).
_PREVIOUS_SQL = (
    f"SELECT voted FROM {TurnoutReport._meta.db_table}"  # noqa: S608
    " WHERE election_id = %s AND station_id = %s AND slot < %s ORDER BY slot DESC LIMIT 1"
)


def turnout_report(
    *,
    election: Election,
    station: PollingStation,
    slot: dt.time,
    voted: int | None,
    registered: int | None,
    at: dt.datetime,
    actor: str,
    role: str,
    report_times: tuple[dt.time, ...] | None = None,
) -> TurnoutReport:
    """Record the station's turnout at reporting time ``slot``, as of the instant ``at``.

    Precondition: the caller checked ``access_station_day`` (or is the simulation).
    A station that keeps its list in psephos reports its marks made by ``at`` (no figures
    may be given); another gives ``voted`` and ``registered``. Writes one report and one
    ``turnout.report`` event. Raises ``TurnoutRefused`` with every problem and its
    numbers (outside the slot's window, above the list, below the previous report) and
    ``TurnoutReported`` when the slot is already reported.
    """
    on_list, marked = station_marks_until(election=election, station=station, until=at)
    if on_list:
        if voted is not None or registered is not None:
            facts = (("voted", marked), ("registered", on_list))
            raise _refuse([Problem("figures_from_marks", facts)], station, slot)
        voted, registered, source = marked, on_list, TurnoutSource.MARKS
    elif voted is None or registered is None:
        raise _refuse([Problem("figures_missing")], station, slot)
    else:
        source = TurnoutSource.ENTERED
    row = db.fetchone(
        _PREVIOUS_SQL,
        [election.pk, station.pk, connection.ops.adapt_timefield_value(slot)],
    )
    previous = int(row[0]) if row else 0
    problems = report_problems(
        profile=(
            day_profile_for(election.profile_key, report_times=report_times)
            if report_times
            else election_day_profile(election=election)
        ),
        slot=slot,
        local_now=at.astimezone(station_zone(station)).replace(tzinfo=None),
        voting_day=election.date,
        voted=voted,
        registered=registered,
        previous_voted=previous,
    )
    if problems:
        raise _refuse(problems, station, slot)
    try:
        with transaction.atomic():
            # The event first, so the report is written once with its sequence number (a
            # second report for the slot fails on insert and rolls the event back).
            event = event_record(
                actor=actor,
                role=role,
                action="turnout.report",
                object_key=f"{election.key}/{station.code}",
                payload={
                    "election": election.key,
                    "station": station.code,
                    "slot": slot.strftime("%H:%M"),
                    "voted": voted,
                    "registered": registered,
                    "source": source.value,
                },
            )
            report = TurnoutReport.objects.create(
                election=election,
                station=station,
                slot=slot,
                voted=voted,
                registered=registered,
                source=source,
                at=at,
                event_seq=event.seq,
            )
    except IntegrityError:
        raise TurnoutReported(
            _("Station %(code)s already reported its turnout at %(slot)s.")
            % {"code": station.code, "slot": slot.strftime("%H:%M")},
            data={"station": station.code, "slot": slot.strftime("%H:%M")},
        ) from None
    return report


@dataclass(frozen=True, slots=True)
class TurnoutEntered:
    """One station's entered turnout at one reporting time, as of the instant ``at``."""

    station: PollingStation
    slot: dt.time
    voted: int
    registered: int
    at: dt.datetime


def turnout_report_many(
    *,
    election: Election,
    entries: Sequence[TurnoutEntered],
    actor: str,
    role: str,
    report_times: tuple[dt.time, ...] | None = None,
) -> int:
    """Record many stations' entered turnout at once, each checked as ``turnout_report`` checks it.

    For stations that keep no list in psephos (a station that marks its voters is
    refused, ``figures_from_marks``). A station's entries come in the order of its
    times; each is checked against its previous report, stored or earlier in
    ``entries``, by the same rule (``report_problems``). All or nothing, in one
    transaction: the reports and one ``turnout.report`` event each (with the payload
    ``turnout_report`` writes; ``events_record_many``). Raises ``TurnoutRefused`` for the
    first refused entry and ``TurnoutReported`` when a time is already reported. Returns
    the reports written. Three queries and two bulk inserts whatever the number.
    """
    if not entries:
        return 0
    profile = (
        day_profile_for(election.profile_key, report_times=report_times)
        if report_times
        else election_day_profile(election=election)
    )
    with_list = station_counts_for_election(election=election)
    stored: dict[int, dict[dt.time, int]] = {}
    for station_id, slot, voted in TurnoutReport.objects.filter(
        election=election, station_id__in={e.station.pk for e in entries}
    ).values_list("station_id", "slot", "voted"):
        stored.setdefault(station_id, {})[slot] = voted
    for entry in entries:
        station, slot = entry.station, entry.slot
        if station.pk in with_list:
            on_list, marked = station_marks_until(
                election=election, station=station, until=entry.at
            )
            facts = (("voted", marked), ("registered", on_list))
            raise _refuse([Problem("figures_from_marks", facts)], station, slot)
        reported = stored.setdefault(station.pk, {})
        if slot in reported:
            raise TurnoutReported(
                _("Station %(code)s already reported its turnout at %(slot)s.")
                % {"code": station.code, "slot": slot.strftime("%H:%M")},
                data={"station": station.code, "slot": slot.strftime("%H:%M")},
            )
        earlier = [voted for at, voted in reported.items() if at < slot]
        problems = report_problems(
            profile=profile,
            slot=slot,
            local_now=entry.at.astimezone(station_zone(station)).replace(tzinfo=None),
            voting_day=election.date,
            voted=entry.voted,
            registered=entry.registered,
            previous_voted=max(earlier, default=0),
        )
        if problems:
            raise _refuse(problems, station, slot)
        reported[slot] = entry.voted
    with transaction.atomic():
        seqs = events_record_many(
            actor=actor,
            role=role,
            events=[
                (
                    "turnout.report",
                    f"{election.key}/{e.station.code}",
                    {
                        "election": election.key,
                        "station": e.station.code,
                        "slot": e.slot.strftime("%H:%M"),
                        "voted": e.voted,
                        "registered": e.registered,
                        "source": TurnoutSource.ENTERED.value,
                    },
                )
                for e in entries
            ],
        )
        TurnoutReport.objects.bulk_create(
            [
                TurnoutReport(
                    election=election,
                    station=e.station,
                    slot=e.slot,
                    voted=e.voted,
                    registered=e.registered,
                    source=TurnoutSource.ENTERED,
                    at=e.at,
                    event_seq=seq,
                )
                for seq, e in zip(seqs, entries, strict=True)
            ],
            batch_size=2000,
        )
    return len(seqs)
