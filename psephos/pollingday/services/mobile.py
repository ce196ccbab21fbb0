"""Mobile voting: the PEC records applications, trips of the portable box, ballots issued.

Each write runs in one transaction with one ledger event (``mobile.application``,
``mobile.trip``, ``mobile.ballot``); an application's text stays in pollingday's table
and the event holds its digest. The caller checked ``access_station_day``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from psephos.elections.selectors import election_profile
from psephos.ledger.actors import text_digest
from psephos.ledger.services.events import event_record
from psephos.voters.selectors import station_keeps_list
from psephos.voters.services.marks import mark_mobile

from ..enums import BoxKind
from ..errors import MobileConflict, MobileInvalid
from ..models import BallotBox, MobileApplication, MobileBallot, MobileTrip
from ..rules.mobile import TEXT_MAX, application_problems, trip_problems
from ..rules.turnout import Problem
from .opening import station_zone

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


def _message(p: Problem) -> str:
    facts = dict(p.facts)
    messages = {
        "grounds_unknown": _("The grounds “%(grounds)s” are not one of: %(known)s."),
        "text_too_long": _("The application's text holds at most %(max)s characters."),
        "after_deadline": _(
            "The application was received at %(received)s, after the deadline %(deadline)s."
        ),
        "members_too_few": _(
            "%(members)s member(s) carried the box; at least %(min)s must carry it."
        ),
        "box_not_mobile": _(
            "Box %(serial)s is not a mobile box of the opening record (mobile boxes: %(boxes)s)."
        ),
        "not_voting_day": _("The trip must leave and return on voting day, %(day)s."),
        "returned_before_left": _("The box cannot return before it left."),
        "application_unknown": _("Station %(station)s has no application No. %(number)s."),
        "trip_unknown": _("Station %(station)s has no trip No. %(number)s."),
        "outside_trip": _("The ballot's time %(at)s is not within trip No. %(number)s."),
        "iin_missing": _(
            "Station %(station)s keeps its list in psephos: give the voter's IIN, so that "
            "the list shows the voter voted by the mobile box."
        ),
        "iin_without_list": _(
            "Station %(station)s keeps no list in psephos: the voter's IIN is not recorded."
        ),
    }
    return messages[p.code] % facts


def _refuse(station: PollingStation, problems: list[Problem]) -> MobileInvalid:
    messages = [_message(p) for p in problems]
    errors = [
        {"code": p.code, "message": m, **dict(p.facts)}
        for p, m in zip(problems, messages, strict=True)
    ]
    return MobileInvalid(
        _("Station %(code)s: %(problems)s")
        % {"code": station.code, "problems": " ".join(messages)},
        data={"station": station.code, "errors": errors},
    )


def _local(at: dt.datetime, station: PollingStation) -> dt.datetime:
    zone = station_zone(station)
    aware = at if at.tzinfo is not None else at.replace(tzinfo=zone)
    return aware.astimezone(zone).replace(tzinfo=None)


def _next_number(model: Any, election: Election, station: PollingStation) -> int:
    last = model.objects.filter(election=election, station=station).aggregate(n=Max("number"))
    return int(last["n"] or 0) + 1


def _numbered_create(
    model: Any,
    *,
    election: Election,
    station: PollingStation,
    action: str,
    payload: dict[str, Any],
    actor: str,
    role: str,
    **fields: Any,
) -> Any:
    """Create the station's next numbered ``model`` row with its ledger event ``action``.

    One transaction; a number taken at the same moment by another writer is a
    ``MobileConflict`` (the unique constraint decides, nothing is half-written).
    """
    try:
        with transaction.atomic():
            number = _next_number(model, election, station)
            event = event_record(
                actor=actor,
                role=role,
                action=action,
                object_key=f"{election.key}/{station.code}/{number}",
                payload={"election": election.key, "station": station.code, "number": number}
                | payload,
            )
            return model.objects.create(
                election=election, station=station, number=number, event_seq=event.seq, **fields
            )
    except IntegrityError:
        raise _conflict(station) from None


def _conflict(station: PollingStation) -> MobileConflict:
    return MobileConflict(
        _(
            "Another mobile voting record of station %(code)s was kept at the same moment; try again."
        )
        % {"code": station.code},
        data={"station": station.code},
    )


def mobile_application_add(
    *,
    election: Election,
    station: PollingStation,
    grounds: str,
    text: str,
    received_at: dt.datetime,
    now: dt.datetime,
    actor: str,
    role: str,
) -> MobileApplication:
    """Record a voter's application to vote outside the station; return it, numbered.

    Refused (``MobileInvalid``) for grounds not in the law, a text above 500 characters,
    or a receipt after the profile's deadline (``mobile_deadline``). Event
    ``mobile.application`` with the grounds and the text's digest.
    """
    switch = str(election_profile(election=election).mobile_deadline)
    problems = application_problems(
        grounds=grounds,
        text=text,
        received_local=_local(received_at, station),
        voting_day=election.date,
        switch=switch,
    )
    if problems:
        raise _refuse(station, problems)
    text = text.strip()[:TEXT_MAX]
    found: MobileApplication = _numbered_create(
        MobileApplication,
        election=election,
        station=station,
        action="mobile.application",
        payload={
            "grounds": grounds,
            "received_at": received_at.isoformat(),
            "text_digest": text_digest(text),
        },
        actor=actor,
        role=role,
        grounds=grounds,
        text=text,
        received_at=received_at,
        recorded_at=now,
    )
    return found


def mobile_trip_record(
    *,
    election: Election,
    station: PollingStation,
    box_serial: str,
    members: tuple[str, ...],
    left_at: dt.datetime,
    returned_at: dt.datetime,
    actor: str,
    role: str,
) -> MobileTrip:
    """Record a trip of the portable box with the members (by role) who carried it.

    Refused (``MobileInvalid``) for fewer than two members, a box that is not a mobile
    box of the opening record (where one is recorded), times off voting day or a return
    before leaving. Event ``mobile.trip``.
    """
    boxes = list(
        BallotBox.objects.filter(
            opening__election=election, opening__station=station, kind=BoxKind.MOBILE
        ).values_list("serial", flat=True)
    )
    opened = BallotBox.objects.filter(opening__election=election, opening__station=station)
    problems = trip_problems(
        members=members,
        box_serial=box_serial,
        mobile_boxes=tuple(boxes) if opened.exists() else None,
        left_local=_local(left_at, station),
        returned_local=_local(returned_at, station),
        voting_day=election.date,
    )
    if problems:
        raise _refuse(station, problems)
    trip: MobileTrip = _numbered_create(
        MobileTrip,
        election=election,
        station=station,
        action="mobile.trip",
        payload={
            "box": box_serial,
            "members": list(members),
            "left_at": left_at.isoformat(),
            "returned_at": returned_at.isoformat(),
        },
        actor=actor,
        role=role,
        box_serial=box_serial,
        members=list(members),
        left_at=left_at,
        returned_at=returned_at,
    )
    return trip


def mobile_ballot_issue(
    *,
    election: Election,
    station: PollingStation,
    application: int,
    trip: int,
    issued_at: dt.datetime,
    actor: str,
    role: str,
    user: User | None = None,
    iin: str | None = None,
) -> MobileBallot:
    """Mark a ballot as issued outside the station, on ``trip``, to ``application``'s voter.

    Where the station keeps its list in psephos the voter's ``iin`` is required and
    the voter's list entry is marked as voted by the mobile box at ``issued_at``
    (``voters.services.marks.mark_mobile``, by ``user``, the station's PEC operator), in
    the same transaction: a voter who already received a ballot, at the station or from
    the box, is refused (``AlreadyMarked``) and nothing is written; nor can the voter be
    marked at the station afterwards. The IIN goes neither into the event nor into
    pollingday's tables. Refused (``MobileInvalid``) for an unknown application or trip,
    a time outside the trip, an IIN missing where the list is kept here or given where
    it is not; ``MobileConflict`` when the application already has its ballot. Event
    ``mobile.ballot`` (with ``list_marked``).
    """
    found = MobileApplication.objects.filter(
        election=election, station=station, number=application
    ).first()
    journey = MobileTrip.objects.filter(election=election, station=station, number=trip).first()
    keeps_list = station_keeps_list(election=election, station=station)
    iin = (iin or "").strip() or None
    problems: list[Problem] = []
    if found is None:
        problems.append(
            Problem("application_unknown", (("station", station.code), ("number", application)))
        )
    if journey is None:
        problems.append(Problem("trip_unknown", (("station", station.code), ("number", trip))))
    elif not journey.left_at <= issued_at <= journey.returned_at:
        shown = _local(issued_at, station).isoformat(sep=" ", timespec="minutes")
        problems.append(Problem("outside_trip", (("at", shown), ("number", trip))))
    if keeps_list and (iin is None or user is None):
        problems.append(Problem("iin_missing", (("station", station.code),)))
    if not keeps_list and iin is not None:
        problems.append(Problem("iin_without_list", (("station", station.code),)))
    if problems:
        raise _refuse(station, problems)
    assert found is not None and journey is not None
    if MobileBallot.objects.filter(application=found).exists():
        raise _ballot_conflict(station, application)
    try:
        with transaction.atomic():
            if keeps_list:
                assert iin is not None and user is not None
                mark_mobile(election=election, station=station, iin=iin, user=user, at=issued_at)
            event = event_record(
                actor=actor,
                role=role,
                action="mobile.ballot",
                object_key=f"{election.key}/{station.code}/{application}",
                payload={
                    "election": election.key,
                    "station": station.code,
                    "application": application,
                    "trip": trip,
                    "issued_at": issued_at.isoformat(),
                    "list_marked": keeps_list,
                },
            )
            return MobileBallot.objects.create(
                application=found, trip=journey, issued_at=issued_at, event_seq=event.seq
            )
    except IntegrityError:
        raise _ballot_conflict(station, application) from None


def _ballot_conflict(station: PollingStation, application: int) -> MobileConflict:
    return MobileConflict(
        _("Application No. %(number)s of station %(code)s already has its ballot.")
        % {"number": application, "code": station.code},
        data={"station": station.code, "application": application},
    )
