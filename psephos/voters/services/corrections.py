"""Correction requests: filed at the station's PEC, decided by it within the deadline."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.elections.calendar_selectors import station_voting_hours
from psephos.ledger.services.events import event_record

from ..access import access_station_act
from ..enums import CorrectionKind, CorrectionStatus, EntrySource, RemovalReason
from ..errors import ListState, OutsideWindow, VoterNotFound
from ..models import CorrectionRequest, ListEntry, Voter
from ..rules.calendar import correction_due, display_opens, inclusion_open
from .lists import (
    CALENDAR,
    active_entry,
    entries_lock,
    refuse_if_ineligible,
    refuse_if_marked,
    station_zone,
    voter_for_update,
)

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


def correction_request_file(
    *,
    election: Election,
    station: PollingStation,
    iin: str,
    kind: CorrectionKind,
    note: str,
    user: User,
    actor: str,
) -> CorrectionRequest:
    """Record a voter's correction request at the station and set its deadline.

    ``user`` must be an operator of the station's own PEC (``access_station_act``).
    Side effects: one request, one ledger event (request id and kind only). Raise
    ``PermissionDenied``, the voter lookup errors, or ``ListState`` for an exclusion or
    amendment of a voter who is not on this station's list (a commission sees only its
    own voters' names).
    """
    access_station_act(user, station)
    now = clock.now()
    local = now.astimezone(station_zone(station))
    with transaction.atomic():
        voter = voter_for_update(election=election, iin=iin)
        current = active_entry(election=election, voter=voter)
        if kind != CorrectionKind.INCLUDE and (current is None or current.station_id != station.pk):
            # Only a voter on this list may ask this commission to remove or amend it.
            raise ListState(
                _("This voter is not on the list of station %(station)s.")
                % {"station": station.code},
                data={"station": station.code},
            )
        request = CorrectionRequest.objects.create(
            election=election,
            station=station,
            voter=voter,
            kind=kind,
            note=note[:2000],
            received_at=now,
            due_at=correction_due(local, election.date, CALENDAR).astimezone(dt.UTC),
        )
        event_record(
            actor=actor,
            role="pec",
            action="voters.correction_filed",
            object_key=f"{election.key}/{station.code}",
            payload={"request": request.pk, "kind": kind, "due_at": request.due_at.isoformat()},
        )
    return request


def _refuse_outside_inclusion_window(
    *, election: Election, station: PollingStation, now: dt.datetime
) -> None:
    """Raise ``OutsideWindow`` unless inclusions may be granted now at the station."""
    closes = station_voting_hours(election=election, station=station).closes
    local = now.astimezone(station_zone(station)).replace(tzinfo=None)
    if inclusion_open(local, election.date, CALENDAR, voting_closes=closes):
        return
    first = display_opens(election.date, CALENDAR)
    raise OutsideWindow(
        _(
            "An inclusion is granted from %(first)s, when the lists go on display, until "
            "voting closes at %(closes)s on %(day)s."
        )
        % {
            "first": first.isoformat(),
            "closes": closes.strftime("%H:%M"),
            "day": election.date.isoformat(),
        },
        data={"first": first.isoformat(), "closes": closes.strftime("%H:%M")},
    )


def correction_request_decide(
    *,
    request_id: int,
    election: Election,
    station: PollingStation,
    granted: bool,
    reasons: str,
    user: User,
    actor: str,
) -> CorrectionRequest:
    """Grant or refuse a pending request of this station, with reasons.

    ``user`` must be an operator of the station's own PEC (``access_station_act``),
    else ``PermissionDenied`` before anything is read: only the PEC of the list that
    receives the voter grants an inclusion, and only from the lists' display until
    voting closes (``OutsideWindow``). A granted ``include`` puts the voter on this
    station's list, removing any other entry; the losing station is told by an event
    addressed to its list (``voters.moved_away_by_correction``: request and receiving
    station); a granted ``exclude`` removes the voter's entry here; ``amend`` changes no
    list (the register is corrected at its source). A decision after the deadline is
    still recorded and marked late in the ledger. Raise ``VoterNotFound`` for an
    unknown request, ``ListState`` for a decided one, missing reasons, or a voter who
    may not be included.
    """
    access_station_act(user, station)
    if not reasons.strip():
        raise ListState(_("A decision needs its reasons."))
    now = clock.now()
    with transaction.atomic():
        request = (
            CorrectionRequest.objects.select_for_update()
            .select_related("election", "voter")
            .filter(pk=request_id, election=election, station=station)
            .first()
        )
        if request is None:
            raise VoterNotFound(
                _("No correction request %(id)s at this station.") % {"id": request_id}
            )
        if request.status != CorrectionStatus.PENDING:
            raise ListState(
                _("Request %(id)s is already %(status)s.")
                % {"id": request_id, "status": request.get_status_display()}
            )
        election, voter = request.election, request.voter
        if granted and request.kind != CorrectionKind.AMEND:
            Voter.objects.select_for_update().filter(pk=voter.pk).first()
            entries_lock(election=election, voter=voter)
            refuse_if_marked(election=election, voter=voter)  # a ballot received stays
            current = active_entry(election=election, voter=voter)
            if request.kind == CorrectionKind.INCLUDE:
                _refuse_outside_inclusion_window(election=election, station=station, now=now)
                refuse_if_ineligible(election=election, voter=voter)
                if current is not None and current.station_id == station.pk:
                    raise ListState(
                        _("This voter is already on the list of station %(station)s.")
                        % {"station": station.code}
                    )
                if current is not None:
                    current.removed_reason, current.removed_at = RemovalReason.CORRECTION, now
                    current.save(update_fields=["removed_reason", "removed_at"])
                    # The losing station hears of it: an event addressed to its list.
                    event_record(
                        actor=actor,
                        role="pec",
                        action="voters.moved_away_by_correction",
                        object_key=f"{election.key}/{current.station.code}",
                        payload={"request": request.pk, "to": station.code},
                    )
                ListEntry.objects.create(
                    election=election,
                    voter=voter,
                    station=station,
                    source=EntrySource.CORRECTION,
                    added_at=now,
                )
            elif current is not None and current.station_id == station.pk:
                current.removed_reason, current.removed_at = RemovalReason.CORRECTION, now
                current.save(update_fields=["removed_reason", "removed_at"])
            else:
                raise ListState(
                    _("This voter is not on the list of station %(station)s.")
                    % {"station": station.code}
                )
        request.status = CorrectionStatus.GRANTED if granted else CorrectionStatus.REFUSED
        request.decided_at, request.decided_by, request.reasons = now, actor[:150], reasons.strip()
        request.save(update_fields=["status", "decided_at", "decided_by", "reasons"])
        event_record(
            actor=actor,
            role="pec",
            action="voters.correction_decided",
            object_key=f"{election.key}/{station.code}",
            payload={
                "request": request.pk,
                "status": request.status,
                "late": now > request.due_at,
            },
        )
    return request
