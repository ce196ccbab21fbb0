"""Election-day API under /api/v1/elections/{key}/…: the opening record.

Reading is public; recording needs the station's PEC (a session with CSRF, or a token).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Router, Status

from psephos.accounts.authentication import STAFF_AUTH
from psephos.core.schemas import ERROR_RESPONSES
from psephos.ledger.actors import actor_user
from psephos.voters.selectors import election_station_get

from .access import access_station_day
from .rules.opening import BoxEntry, MemberEntry, OpeningEntry
from .schemas import BoxOut, MemberOut, OpeningIn, OpeningOut
from .selectors import OpeningView, opening_get
from .services.opening import OpeningInput, opening_entry_local, opening_record

if TYPE_CHECKING:
    from psephos.accounts.models import User

router = Router(tags=["pollingday"])

ERRORS = ERROR_RESPONSES


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
    election, station = election_station_get(key=key, code=code)
    user: User = request.user  # type: ignore[assignment]
    access_station_day(user, station)
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
