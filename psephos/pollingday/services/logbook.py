"""Keep the PEC's log book: one entry at a time, append-only, its text's digest in the ledger."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from psephos.ledger.actors import text_digest
from psephos.ledger.services.events import event_record

from ..enums import LogKind
from ..errors import LogEntryConflict, LogEntryInvalid
from ..models import LogEntry
from ..rules.logbook import TEXT_MAX, entry_problems
from .opening import station_zone

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


def _problem_message(code: str) -> str:
    messages = {
        "text_empty": _("Write what happened."),
        "text_too_long": _("An entry holds at most %(max)s characters.") % {"max": TEXT_MAX},
        "not_voting_day": _("The time must be on voting day or the night after it."),
        "in_future": _("The time cannot be later than now."),
    }
    return messages[code]


def log_entry_add(
    *,
    election: Election,
    station: PollingStation,
    kind: LogKind,
    text: str,
    occurred_at: dt.datetime,
    now: dt.datetime,
    actor: str,
    role: str,
) -> LogEntry:
    """Add the next entry to the station's log book; return it.

    Precondition: the caller checked ``access_station_day``. ``occurred_at`` and ``now``
    are aware (a naive ``occurred_at`` is the station's local time). Writes the entry and one ``logbook.entry`` event holding the text's
    digest, never the text. Raises ``LogEntryInvalid`` listing every problem and
    ``LogEntryConflict`` when another entry took the number at the same moment.
    """
    zone = station_zone(station)
    if occurred_at.tzinfo is None:  # the station's clock
        occurred_at = occurred_at.replace(tzinfo=zone)
    problems = entry_problems(
        text=text,
        occurred_local=occurred_at.astimezone(zone).replace(tzinfo=None),
        local_now=now.astimezone(zone).replace(tzinfo=None),
        voting_day=election.date,
    )
    if problems:
        errors = [{"field": f, "code": c, "message": _problem_message(c)} for f, c in problems]
        raise LogEntryInvalid(
            _("The log book entry of station %(code)s cannot be kept: %(problems)s")
            % {
                "code": station.code,
                "problems": " ".join(f"{e['field']}: {e['message']}" for e in errors),
            },
            data={"errors": errors},
        )
    text = text.strip()
    try:
        with transaction.atomic():
            last = LogEntry.objects.filter(election=election, station=station).aggregate(
                n=Max("number")
            )["n"]
            number = (last or 0) + 1
            event = event_record(
                actor=actor,
                role=role,
                action="logbook.entry",
                object_key=f"{election.key}/{station.code}/{number}",
                payload={
                    "election": election.key,
                    "station": station.code,
                    "number": number,
                    "kind": kind.value,
                    "occurred_at": occurred_at.isoformat(),
                    "text_digest": text_digest(text),
                },
            )
            return LogEntry.objects.create(
                election=election,
                station=station,
                number=number,
                kind=kind.value,
                occurred_at=occurred_at,
                text=text,
                recorded_at=now,
                event_seq=event.seq,
            )
    except IntegrityError:
        raise LogEntryConflict(
            _(
                "Another entry was kept in the log book of station %(code)s at the same moment;"
                " write yours again."
            )
            % {"code": station.code},
            data={"station": station.code},
        ) from None
