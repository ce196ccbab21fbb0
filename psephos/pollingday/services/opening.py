"""Record a station's opening: members, observers present, ballot boxes and their seals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.elections.calendar_selectors import station_voting_hours
from psephos.ledger.services.events import event_record
from psephos.territory.selectors import station_timezone

from ..errors import OpeningInvalid, OpeningRecorded
from ..models import BallotBox, Opening, OpeningMember
from ..rules.opening import OpeningEntry, Problem, opening_assess, opening_problems

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


def station_zone(station: PollingStation) -> ZoneInfo:
    """Return the station's time zone: its own, else its unit's (kazakhstan-rules.md §1.4)."""
    return ZoneInfo(station_timezone(station))


def problem_message(problem: Problem) -> str:
    """Return the translated sentence for one problem of an opening entry."""
    facts = dict(problem.facts)
    messages = {
        "not_voting_day": _("The opening must be on voting day, %(day)s."),
        "negative": _("The number of ballots received cannot be negative."),
        "none_present": _("Record at least one commission member present."),
        "may_not_issue": _("The chair and the secretary do not issue ballots."),
        "serial_invalid": _("Give the box's serial number (at most 32 characters)."),
        "serial_repeated": _("The serial number %(serial)s is given twice."),
        "seals_invalid": _("Seal numbers are separated by spaces (at most 200 characters)."),
    }
    return messages[problem.code] % facts if facts else messages[problem.code]


@dataclass(frozen=True, slots=True)
class OpeningInput:
    opened_at: dt.datetime  # aware; ``entry.opened_local`` is the same instant at the station
    observers_present: int
    proxies_present: int
    media_present: int
    entry: OpeningEntry


def opening_entry_local(opened_at: dt.datetime, station: PollingStation) -> dt.datetime:
    """Return ``opened_at`` as the station's naive local time."""
    return opened_at.astimezone(station_zone(station)).replace(tzinfo=None)


def opening_record(
    *, election: Election, station: PollingStation, data: OpeningInput, actor: str, role: str
) -> Opening:
    """Record the station's opening with its members and boxes; return it.

    Precondition: the caller checked ``access_station_day``. Writes the opening, its
    members and boxes and one ``opening.record`` event (figures and serials, no names).
    Raises ``OpeningInvalid`` listing every problem and ``OpeningRecorded`` when the
    station's opening is already recorded.
    """
    problems = opening_problems(data.entry, voting_day=election.date)
    if problems:
        errors = [
            {"field": p.field, "code": p.code, "message": problem_message(p)} for p in problems
        ]
        raise OpeningInvalid(
            _("The opening record cannot be saved: %(problems)s")
            % {"problems": " ".join(f"{e['field']}: {e['message']}" for e in errors)},
            data={"errors": errors},
        )
    assessment = opening_assess(
        data.entry, voting_opens=station_voting_hours(election=election, station=station).opens
    )
    try:
        with transaction.atomic():
            opening = Opening.objects.create(
                election=election,
                station=station,
                opened_at=data.opened_at,
                ballots_received=data.entry.ballots_received,
                ballots_announced=data.entry.ballots_announced,
                observers_present=data.observers_present,
                proxies_present=data.proxies_present,
                media_present=data.media_present,
                recorded_at=clock.now(),
            )
            OpeningMember.objects.bulk_create(
                OpeningMember(
                    opening=opening, position=i, role=m.role, issues_ballots=m.issues_ballots
                )
                for i, m in enumerate(data.entry.members)
            )
            BallotBox.objects.bulk_create(
                BallotBox(
                    opening=opening,
                    position=i,
                    kind=b.kind,
                    serial=b.serial.strip(),
                    seals=" ".join(s.strip() for s in b.seals),
                )
                for i, b in enumerate(data.entry.boxes)
            )
            event = event_record(
                actor=actor,
                role=role,
                action="opening.record",
                object_key=f"{election.key}/{station.code}",
                payload={
                    "election": election.key,
                    "station": station.code,
                    "opened_at": data.opened_at.isoformat(),
                    "ballots_received": data.entry.ballots_received,
                    "ballots_announced": data.entry.ballots_announced,
                    "members": [[m.role, m.issues_ballots] for m in data.entry.members],
                    "observers": data.observers_present,
                    "proxies": data.proxies_present,
                    "media": data.media_present,
                    "boxes": [[b.kind, b.serial.strip(), list(b.seals)] for b in data.entry.boxes],
                    "late": assessment.late,
                    "gaps": list(assessment.gaps),
                },
            )
            opening.event_seq = event.seq
            opening.save(update_fields=["event_seq"])
    except IntegrityError:
        raise OpeningRecorded(
            _("The opening of station %(code)s is already recorded.") % {"code": station.code},
            data={"station": station.code},
        ) from None
    return opening
