"""The guided count as the PEC and the public see it: steps, lines, broken relations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.results.selectors.protocols import protocol_get
from psephos.voters.selectors import station_marks_until

from .enums import CountStep
from .models import CountRecord
from .rules.count import Relation, count_lines, count_relations, step_next

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


@dataclass(frozen=True, slots=True)
class StepDone:
    step: str
    label: str
    figure: int
    piles: dict[str, int]
    at: dt.datetime
    event_seq: int | None
    observers_present: int | None  # at this step, where the PEC gave it


@dataclass(frozen=True, slots=True)
class CountView:
    station: str
    steps: list[StepDone]
    next_step: str | None
    next_label: str
    lines: dict[str, int]
    marks: int | None  # signatures (marks) on the list, where the station keeps it here
    relations: list[dict[str, Any]]  # relation, message, numbers, line


def relation_message(r: Relation) -> str:
    """Return the translated sentence of one broken relation of the count, with its numbers."""
    messages = {
        "C1": _(
            "Ballots found in the boxes (%(ballots_found)d) exceed the ballots issued by the "
            "signatures (%(ballots_issued)d)."
        ),
        "C2": _("The count has taken %(minutes)d minutes, more than the legal 12 hours."),
        "C3": _("The protocol's %(line)s (%(protocol)d) differs from its count step (%(step)d)."),
        "C4": _(
            "Ballots issued (%(ballots_issued)d) differ from the marks on the list (%(marks)d)."
        ),
        "C5": _(
            "Mobile (%(mobile)d) and stationary (%(stationary)d) boxes differ from the ballots "
            "counted before sorting (%(ballots_found)d)."
        ),
        "C6": _("The piles (%(piles)d) differ from the ballots found (%(ballots_found)d)."),
    }
    return messages[r.relation] % {**r.numbers, "line": r.subject}


def count_get(*, election: Election, station: PollingStation) -> CountView:
    """Return the station's count: the steps done, the next one, its lines and relations."""
    records = list(
        CountRecord.objects.filter(election=election, station=station).order_by("at", "pk")
    )
    figures = {r.step: r.figure for r in records}
    piles = next((dict(r.piles) for r in records if r.step == CountStep.PILES_COUNTED), {})
    on_list, marked = station_marks_until(election=election, station=station, until=clock.now())
    protocol = protocol_get(election=election, station_code=station.code)
    relations = count_relations(
        figures=figures,
        piles=piles,
        started=records[0].at if records else None,
        last=records[-1].at if records else None,
        marks=marked if on_list else None,
        protocol=protocol.lines if protocol.version is not None else None,
    )
    nxt = step_next(list(figures))
    return CountView(
        station=station.code,
        steps=[
            StepDone(
                r.step,
                str(CountStep(r.step).label),
                r.figure,
                dict(r.piles),
                r.at,
                r.event_seq,
                r.observers_present,
            )
            for r in records
        ],
        next_step=nxt,
        next_label=str(CountStep(nxt).label) if nxt else "",
        lines=count_lines(figures, piles),
        marks=marked if on_list else None,
        relations=[
            {
                "relation": r.relation,
                "message": relation_message(r),
                "numbers": r.numbers,
                "line": r.subject,
            }
            for r in relations
        ],
    )
