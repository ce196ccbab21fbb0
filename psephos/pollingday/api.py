"""Election-day API under /api/v1/elections/{key}/…: the opening record and turnout.

Reading is public; recording needs the station's PEC (a session with CSRF, or a token).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Router, Status

from psephos.accounts.authentication import STAFF_AUTH
from psephos.core import clock
from psephos.core.schemas import ERROR_RESPONSES
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_user
from psephos.voters.selectors import election_station_get

from .access import access_logbook_read, access_station_day
from .rules.opening import BoxEntry, MemberEntry, OpeningEntry
from .rules.turnout import percent
from .schemas import (
    BoxOut,
    CountOut,
    CountStepIn,
    CurveOut,
    GroupOut,
    LateOut,
    LogEntryIn,
    LogEntryOut,
    MemberOut,
    MobileApplicationIn,
    MobileApplicationOut,
    MobileBallotIn,
    MobileOut,
    MobileTripIn,
    OpeningIn,
    OpeningOut,
    PointOut,
    ProtocolQrIn,
    ProtocolQrOut,
    TurnoutIn,
    TurnoutOut,
    TurnoutReportOut,
)
from .selectors import OpeningView, opening_get
from .selectors_count import CountView, count_get
from .selectors_logbook import LogEntryView, log_entry_view, logbook_get, logbook_public
from .selectors_mobile import mobile_get
from .selectors_turnout import (
    Curve,
    Point,
    turnout_by_group_cached,
    turnout_for_election_cached,
    turnout_station_points,
)
from .services.count import count_step_record
from .services.logbook import log_entry_add
from .services.mobile import mobile_application_add, mobile_ballot_issue, mobile_trip_record
from .services.opening import OpeningInput, opening_entry_local, opening_record, station_zone
from .services.protocol_qr import protocol_qr_enter
from .services.turnout import turnout_report

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation

router = Router(tags=["pollingday"])

ERRORS = ERROR_RESPONSES


def _station_day(
    request: HttpRequest, *, key: str, code: str
) -> tuple[Election, PollingStation, User]:
    """Return the election, its station and the user recording it, who must be its PEC."""
    election, station = election_station_get(key=key, code=code)
    user: User = request.user  # type: ignore[assignment]
    access_station_day(user, station)
    return election, station, user


def opening_out(view: OpeningView) -> OpeningOut:
    return OpeningOut(
        station=view.station,
        recorded=view.recorded,
        opened_at=view.opened_at,
        ballots_received=view.ballots_received,
        ballots_announced=view.ballots_announced,
        members=[MemberOut(role=m.role, issues_ballots=m.issues_ballots) for m in view.members],
        observers_present=view.observers_present,
        proxies_present=view.proxies_present,
        media_present=view.media_present,
        boxes=[BoxOut(kind=b.kind, serial=b.serial, seals=list(b.seals)) for b in view.boxes],
        late=view.late,
        gaps=list(view.gaps),
        event_seq=view.event_seq,
    )


@router.get("/elections/{key}/stations/{code}/opening", response={200: OpeningOut, **ERRORS})
def opening_read(request: HttpRequest, key: str, code: str) -> OpeningOut:
    """The station's opening record, and whether it was late or incomplete."""
    election, station = election_station_get(key=key, code=code)
    return opening_out(opening_get(election=election, station=station))


@router.post(
    "/elections/{key}/stations/{code}/opening",
    response={201: OpeningOut, **ERRORS},
    auth=STAFF_AUTH,
)
def opening_create(
    request: HttpRequest, key: str, code: str, payload: OpeningIn
) -> Status[OpeningOut]:
    """Record the station's opening (its PEC)."""
    election, station, user = _station_day(request, key=key, code=code)
    entry = OpeningEntry(
        opened_local=opening_entry_local(payload.opened_at, station),
        ballots_received=payload.ballots_received,
        ballots_announced=payload.ballots_announced,
        members=tuple(MemberEntry(m.role.value, m.issues_ballots) for m in payload.members),
        boxes=tuple(BoxEntry(b.kind.value, b.serial, tuple(b.seals)) for b in payload.boxes),
    )
    opening_record(
        election=election,
        station=station,
        data=OpeningInput(
            opened_at=payload.opened_at,
            observers_present=payload.observers_present,
            proxies_present=payload.proxies_present,
            media_present=payload.media_present,
            entry=entry,
        ),
        actor=actor_user(user),
        role=user.role,
    )
    return Status(201, opening_out(opening_get(election=election, station=station)))


def _points_out(points: list[Point]) -> list[PointOut]:
    return [
        PointOut(
            slot=p.slot.strftime("%H:%M"),
            voted=p.voted,
            registered=p.registered,
            percent=p.percent,
            stations=p.stations,
        )
        for p in points
    ]


def _curve_out(curve: Curve) -> CurveOut:
    return CurveOut(code=curve.code, name=curve.name, points=_points_out(curve.points))


@router.get("/elections/{key}/turnout", response={200: TurnoutOut, **ERRORS})
def turnout_read(request: HttpRequest, key: str) -> TurnoutOut:
    """Turnout at each reporting time: the nation, each region and district; late stations."""
    election = election_get(key=key)
    view = turnout_for_election_cached(election=election, now=clock.now())
    return TurnoutOut(
        times=[t.strftime("%H:%M") for t in view.times],
        stations=view.stations,
        national=_curve_out(view.national),
        regions=[_curve_out(c) for c in view.regions],
        districts=[_curve_out(c) for c in view.districts],
        late=[LateOut(station=code, slot=slot.strftime("%H:%M")) for code, slot in view.late],
    )


@router.get("/elections/{key}/turnout/groups", response={200: list[GroupOut], **ERRORS})
def turnout_groups(request: HttpRequest, key: str) -> list[GroupOut]:
    """Turnout by sex and age band from the lists and the marks kept in psephos."""
    election = election_get(key=key)
    return [
        GroupOut(sex=g.sex, band=g.band, registered=g.registered, voted=g.voted, percent=g.percent)
        for g in turnout_by_group_cached(election=election, now=clock.now())
    ]


@router.get("/elections/{key}/stations/{code}/turnout", response={200: list[PointOut], **ERRORS})
def turnout_station_read(request: HttpRequest, key: str, code: str) -> list[PointOut]:
    """The station's turnout at each reporting time it reported."""
    election, station = election_station_get(key=key, code=code)
    return _points_out(turnout_station_points(election=election, station=station))


@router.post(
    "/elections/{key}/stations/{code}/turnout",
    response={201: TurnoutReportOut, **ERRORS},
    auth=STAFF_AUTH,
)
def turnout_create(
    request: HttpRequest, key: str, code: str, payload: TurnoutIn
) -> Status[TurnoutReportOut]:
    """Report the station's turnout at a reporting time (its PEC), now."""
    election, station, user = _station_day(request, key=key, code=code)
    report = turnout_report(
        election=election,
        station=station,
        slot=payload.slot.replace(second=0, microsecond=0, tzinfo=None),
        voted=payload.voted,
        registered=payload.registered,
        at=clock.now(),
        actor=actor_user(user),
        role=user.role,
    )
    return Status(
        201,
        TurnoutReportOut(
            station=station.code,
            slot=report.slot.strftime("%H:%M"),
            voted=report.voted,
            registered=report.registered,
            percent=percent(report.voted, report.registered),
            source=report.source,
            event_seq=report.event_seq,
        ),
    )


def _count_out(view: CountView) -> CountOut:
    """The count as the API gives it: the view's fields, read by name (steps and relations too)."""
    return CountOut.model_validate(view)


@router.get("/elections/{key}/stations/{code}/count", response={200: CountOut, **ERRORS})
def count_read(request: HttpRequest, key: str, code: str) -> CountOut:
    """The station's count: steps done, the next step, its protocol lines, broken relations."""
    election, station = election_station_get(key=key, code=code)
    return _count_out(count_get(election=election, station=station))


@router.post(
    "/elections/{key}/stations/{code}/count",
    response={201: CountOut, **ERRORS},
    auth=STAFF_AUTH,
)
def count_step(request: HttpRequest, key: str, code: str, payload: CountStepIn) -> Status[CountOut]:
    """Record the next step of the station's count (its PEC), now."""
    election, station, user = _station_day(request, key=key, code=code)
    count_step_record(
        election=election,
        station=station,
        step=payload.step,
        figure=payload.figure,
        piles=payload.piles,
        observers_present=payload.observers_present,
        at=clock.now(),
        actor=actor_user(user),
        role=user.role,
    )
    return Status(201, _count_out(count_get(election=election, station=station)))


def _log_out(e: LogEntryView) -> LogEntryOut:
    return LogEntryOut(
        number=e.number,
        kind=e.kind,
        occurred_at=e.occurred_at.astimezone(dt.UTC),
        text=e.text,
        recorded_at=e.recorded_at.astimezone(dt.UTC),
        event_seq=e.event_seq,
    )


@router.get("/elections/{key}/stations/{code}/logbook", response={200: list[LogEntryOut], **ERRORS})
def logbook_read(request: HttpRequest, key: str, code: str) -> list[LogEntryOut]:
    """The station's log book: public where the profile publishes it, else its PEC only."""
    election, station = election_station_get(key=key, code=code)
    user: User = request.user  # type: ignore[assignment]
    access_logbook_read(user, station, public=logbook_public(election=election))
    return [_log_out(e) for e in logbook_get(election=election, station=station)]


@router.post(
    "/elections/{key}/stations/{code}/logbook",
    response={201: LogEntryOut, **ERRORS},
    auth=STAFF_AUTH,
)
def logbook_add(
    request: HttpRequest, key: str, code: str, payload: LogEntryIn
) -> Status[LogEntryOut]:
    """Add an entry to the station's log book (its PEC); entries are never changed."""
    election, station, user = _station_day(request, key=key, code=code)
    now = clock.now()
    entry = log_entry_add(
        election=election,
        station=station,
        kind=payload.kind,
        text=payload.text,
        occurred_at=payload.occurred_at or now,
        now=now,
        actor=actor_user(user),
        role=user.role,
    )
    return Status(201, _log_out(log_entry_view(entry, station_zone(station))))


@router.post(
    "/elections/{key}/stations/{code}/protocol/qr",
    response={201: ProtocolQrOut, **ERRORS},
    auth=STAFF_AUTH,
)
def protocol_qr(
    request: HttpRequest, key: str, code: str, payload: ProtocolQrIn
) -> Status[ProtocolQrOut]:
    """Enter the station's paper protocol from its QR code (the TEC above it): one keying entry.

    422 ``protocol_qr_refused`` names the reason (``not_protocol``, ``malformed``,
    ``lines``, ``digest``, ``election``, ``station``); 422 ``protocol_qr_pending`` names
    the lines the code holds as null and ``pending`` does not give; nothing is written then.
    """
    election, station = election_station_get(key=key, code=code)
    user: User = request.user  # type: ignore[assignment]
    outcome = protocol_qr_enter(
        user=user, election=election, station=station, text=payload.text, pending=payload.pending
    )
    return Status(201, ProtocolQrOut(**outcome.as_dict()))


def _mobile_out(election: Election, station: PollingStation) -> MobileOut:
    """Mobile voting as the API gives it: the view's fields, read by name (trips too)."""
    return MobileOut.model_validate(mobile_get(election=election, station=station))


@router.get("/elections/{key}/stations/{code}/mobile", response={200: MobileOut, **ERRORS})
def mobile_read(request: HttpRequest, key: str, code: str) -> MobileOut:
    """The station's mobile voting: applications by grounds, trips, ballots, relations M1, M2."""
    election, station = election_station_get(key=key, code=code)
    return _mobile_out(election, station)


@router.post(
    "/elections/{key}/stations/{code}/mobile/applications",
    response={201: MobileApplicationOut, **ERRORS},
    auth=STAFF_AUTH,
)
def mobile_application_create(
    request: HttpRequest, key: str, code: str, payload: MobileApplicationIn
) -> Status[MobileApplicationOut]:
    """Record a voter's application to vote outside the station (its PEC)."""
    election, station, user = _station_day(request, key=key, code=code)
    now = clock.now()
    found = mobile_application_add(
        election=election,
        station=station,
        grounds=payload.grounds,
        text=payload.text,
        received_at=payload.received_at or now,
        now=now,
        actor=actor_user(user),
        role=user.role,
    )
    return Status(
        201,
        MobileApplicationOut(
            station=station.code,
            number=found.number,
            grounds=found.grounds,
            received_at=found.received_at,
            event_seq=found.event_seq,
        ),
    )


@router.post(
    "/elections/{key}/stations/{code}/mobile/trips",
    response={201: MobileOut, **ERRORS},
    auth=STAFF_AUTH,
)
def mobile_trip_create(
    request: HttpRequest, key: str, code: str, payload: MobileTripIn
) -> Status[MobileOut]:
    """Record a trip of the portable box with the members who carried it (its PEC)."""
    election, station, user = _station_day(request, key=key, code=code)
    mobile_trip_record(
        election=election,
        station=station,
        box_serial=payload.box_serial,
        members=tuple(m.value for m in payload.members),
        left_at=payload.left_at,
        returned_at=payload.returned_at,
        actor=actor_user(user),
        role=user.role,
    )
    return Status(201, _mobile_out(election, station))


@router.post(
    "/elections/{key}/stations/{code}/mobile/ballots",
    response={201: MobileOut, **ERRORS},
    auth=STAFF_AUTH,
)
def mobile_ballot_create(
    request: HttpRequest, key: str, code: str, payload: MobileBallotIn
) -> Status[MobileOut]:
    """Mark a ballot as issued outside the station on a trip, for an application (its PEC)."""
    election, station, user = _station_day(request, key=key, code=code)
    mobile_ballot_issue(
        election=election,
        station=station,
        application=payload.application,
        trip=payload.trip,
        issued_at=payload.issued_at or clock.now(),
        actor=actor_user(user),
        role=user.role,
        user=user,
        iin=payload.iin,
    )
    return Status(201, _mobile_out(election, station))
