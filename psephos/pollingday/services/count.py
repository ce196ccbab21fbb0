"""Record the guided count step by step, in the order the law gives (kazakhstan-rules.md §6.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.elections.selectors import election_options
from psephos.ledger.services.events import event_record
from psephos.voters.selectors import station_marks_until

from ..enums import CountStep
from ..errors import CountPilesInvalid, CountStepOutOfOrder
from ..models import CountRecord
from ..rules.count import INVALID, step_next

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


def count_step_record(
    *,
    election: Election,
    station: PollingStation,
    step: CountStep,
    figure: int | None,
    piles: Mapping[str, int] | None,
    at: dt.datetime,
    actor: str,
    role: str,
    observers_present: int | None = None,
) -> CountRecord:
    """Record one step of the station's count with its figure, at ``at``.

    ``observers_present``: the observers present at the step (recorded when given).

    Precondition: the caller checked ``access_station_day``. The step must be the first
    one not yet done (``CountStepOutOfOrder`` names it otherwise; a step done twice is
    refused the same way). ``ballots_issued`` without a figure takes the marks where
    the station keeps its list in psephos. ``piles_counted`` takes ``piles``: ballots
    per option and ``invalid``; its figure is their sum (``CountPilesInvalid`` when an
    option is missing or unknown). Writes one record and one ``count.step`` event.
    """
    with transaction.atomic():
        done = list(
            CountRecord.objects.select_for_update()
            .filter(election=election, station=station)
            .values_list("step", flat=True)
        )
        expected = step_next(done)
        if expected != step.value:
            data = {"station": station.code, "step": step.value, "expected": expected}
            if expected is None:
                raise CountStepOutOfOrder(
                    _("The count of station %(code)s is complete.") % {"code": station.code},
                    data=data,
                )
            raise CountStepOutOfOrder(
                _("“%(step)s” cannot be recorded yet: “%(first)s” comes first.")
                % {"step": step.label, "first": CountStep(expected).label},
                data=data,
            )
        counted: dict[str, int] = {}
        if step == CountStep.PILES_COUNTED:
            counted = dict(piles or {})
            keys = [o.key for o in election_options(election=election)] + [INVALID]
            if sorted(counted) != sorted(keys) or any(v < 0 for v in counted.values()):
                raise CountPilesInvalid(
                    _("Give a pile for each of %(keys)s, each zero or more.")
                    % {"keys": ", ".join(keys)},
                    data={"expected": keys, "given": sorted(counted)},
                )
            figure = sum(counted.values())
        elif figure is None and step == CountStep.BALLOTS_ISSUED:
            on_list, marked = station_marks_until(election=election, station=station, until=at)
            figure = marked if on_list else None
        if figure is None or figure < 0:
            raise CountPilesInvalid(
                _("Give the figure of “%(step)s” (zero or more).") % {"step": step.label},
                data={"step": step.value},
            )
        try:
            record = CountRecord.objects.create(
                election=election,
                station=station,
                step=step,
                figure=figure,
                piles=counted,
                at=at,
                observers_present=observers_present,
            )
        except IntegrityError:  # a concurrent request recorded the step first
            raise CountStepOutOfOrder(
                _("“%(step)s” is already recorded.") % {"step": step.label},
                data={"station": station.code, "step": step.value},
            ) from None
        event = event_record(
            actor=actor,
            role=role,
            action="count.step",
            object_key=f"{election.key}/{station.code}",
            payload={
                "election": election.key,
                "station": station.code,
                "step": step.value,
                "figure": figure,
                "piles": counted,
                "at": at.isoformat(),
                "observers_present": observers_present,
            },
        )
        record.event_seq = event.seq
        record.save(update_fields=["event_seq"])
    return record
