"""Correction requests: deadline, decisions with reasons, list effects, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from psephos.core import clock
from psephos.ledger.models import Event
from psephos.voters.enums import CorrectionKind
from psephos.voters.errors import ListState, NotEligible, OutsideWindow, VoterNotFound
from psephos.voters.models import CorrectionRequest, ListEntry
from psephos.voters.rules.calendar import ListCalendar, correction_due
from psephos.voters.services.corrections import correction_request_decide, correction_request_file

from .conftest import World
from .test_api_and_pages import listed, logged_in, post  # noqa: F401 (fixture)
from .test_lists_and_marks import A, B, C

UTC = dt.UTC
ALMATY = dt.timezone(dt.timedelta(hours=6))
E_DAY = dt.date(2022, 11, 20)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (
            dt.datetime(2022, 11, 10, 9, 0, tzinfo=ALMATY),
            dt.datetime(2022, 11, 11, 9, 0, tzinfo=ALMATY),
        ),
        (
            dt.datetime(2022, 11, 19, 20, 0, tzinfo=ALMATY),
            dt.datetime(2022, 11, 20, 0, 0, tzinfo=ALMATY),
        ),
        (
            dt.datetime(2022, 11, 20, 10, 0, tzinfo=ALMATY),
            dt.datetime(2022, 11, 20, 10, 0, tzinfo=ALMATY),
        ),
    ],
)
def test_correction_due(received: dt.datetime, due: dt.datetime) -> None:
    assert correction_due(received, E_DAY, ListCalendar()) == due


def decide(world: World, request_id: int, station: object, **decision: object):  # type: ignore[no-untyped-def]
    """Decide a correction request of the world's election (granted, reasons, actor).

    The deciding user is the operator of the PEC the actor names (``system:pec2``:
    station 2's).
    """
    number = int(str(decision["actor"]).removeprefix("system:pec"))
    return correction_request_decide(
        election=world.election,
        request_id=request_id,
        station=station,  # type: ignore[arg-type]
        user=world.pec[number - 1],  # type: ignore[attr-defined]
        **decision,  # type: ignore[arg-type]
    )


def request_file(  # type: ignore[no-untyped-def]
    world: World, pec: int, station: object, iin: str, kind: CorrectionKind, note: str = ""
):
    """File a correction request as the world's PEC number ``pec`` (from 0) at ``station``."""
    return correction_request_file(
        election=world.election,
        station=station,
        iin=iin,
        kind=kind,
        note=note,
        user=world.pec[pec],
        actor=f"system:pec{pec + 1}",
    )


@pytest.fixture
def before(listed: World, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: F811
    monkeypatch.setattr(
        clock, "now", lambda: dt.datetime(2022, 11, 10, 3, 0, tzinfo=UTC)
    )  # 09:00 local
    return listed


def test_include_granted_moves_the_voter(before: World) -> None:
    home, here = before.stations[0], before.stations[2]
    request = request_file(before, 2, here, B, CorrectionKind.INCLUDE, note="moved in May")
    assert (request.status, request.due_at) == (
        "pending",
        dt.datetime(2022, 11, 11, 3, 0, tzinfo=UTC),
    )
    decided = decide(
        before,
        request.pk,
        here,
        granted=True,
        reasons="Registered address is in this precinct.",
        actor="system:pec3",
    )
    assert (decided.status, decided.reasons) == (
        "granted",
        "Registered address is in this precinct.",
    )
    entries = ListEntry.objects.filter(voter=request.voter).order_by("pk")
    assert [(e.station_id, e.source, e.removed_reason) for e in entries] == [
        (home.pk, "register", "correction"),
        (here.pk, "correction", ""),
    ]
    assert Event.objects.get(action="voters.correction_decided").payload == {
        "request": request.pk,
        "status": "granted",
        "late": False,
    }


def test_exclude_and_refusal_and_late(before: World, monkeypatch: pytest.MonkeyPatch) -> None:
    home = before.stations[0]
    request = request_file(before, 0, home, A, CorrectionKind.EXCLUDE)
    with pytest.raises(ListState, match="needs its reasons"):
        decide(before, request.pk, home, granted=True, reasons=" ", actor="system:pec1")
    with pytest.raises(VoterNotFound, match="No correction request"):
        decide(
            before, request.pk, before.stations[1], granted=True, reasons="x", actor="system:pec2"
        )
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 12, 3, 0, tzinfo=UTC))
    decide(
        before,
        request.pk,
        home,
        granted=True,
        reasons="Deceased per registry.",
        actor="system:pec1",
    )
    assert ListEntry.objects.get(voter=request.voter).removed_reason == "correction"
    assert Event.objects.get(action="voters.correction_decided").payload["late"] is True
    before_count = Event.objects.count()
    with pytest.raises(ListState, match="already granted"):
        decide(before, request.pk, home, granted=False, reasons="x", actor="system:pec1")
    assert Event.objects.count() == before_count


def test_include_of_an_ineligible_voter_is_refused(before: World) -> None:
    here = before.stations[1]
    request = request_file(before, 1, here, C, CorrectionKind.INCLUDE)
    with pytest.raises(NotEligible):
        decide(before, request.pk, here, granted=True, reasons="ok", actor="system:pec2")
    request.refresh_from_db()
    assert (
        request.status == "pending" and not ListEntry.objects.filter(voter=request.voter).exists()
    )
    refused = decide(
        before, request.pk, here, granted=False, reasons="Serving a sentence.", actor="system:pec2"
    )
    assert refused.status == "refused"


def test_corrections_api(before: World) -> None:
    pec3 = logged_in(before.pec[2])
    body = {
        "election": "kz-2022-presidential",
        "station": "KZ-75-0003",
        "iin": B,
        "kind": "include",
    }
    assert post(Client(), "/api/v1/voters/corrections", body).status_code == 401
    assert post(logged_in(before.pec[0]), "/api/v1/voters/corrections", body).status_code == 403
    r = post(pec3, "/api/v1/voters/corrections", body)
    assert (r.status_code, r.json()["status"], r.json()["due_at"]) == (
        201,
        "pending",
        "2022-11-11T03:00:00Z",
    )
    rid = r.json()["request"]
    decision = {
        "election": "kz-2022-presidential",
        "station": "KZ-75-0003",
        "granted": True,
        "reasons": "Lives here.",
    }
    r = post(pec3, f"/api/v1/voters/corrections/{rid}/decision", decision)
    assert (r.status_code, r.json()["status"]) == (200, "granted")
    r = post(pec3, f"/api/v1/voters/corrections/{rid}/decision", decision)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "list_state")
    assert CorrectionRequest.objects.count() == 1


def test_a_voter_who_received_a_ballot_is_not_moved_or_removed(
    before: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psephos.voters.errors import AlreadyMarked
    from psephos.voters.models import Mark

    from .conftest import ELECTION_DAY_10_15_UTC, at, mark

    home = before.stations[0]
    exclude = request_file(before, 0, home, A, CorrectionKind.EXCLUDE)
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    first = mark(before, 1, A)
    with pytest.raises(AlreadyMarked, match="already received a ballot at station KZ-75-0001"):
        decide(before, exclude.pk, home, granted=True, reasons="x", actor="system:pec1")
    assert ListEntry.objects.get(pk=first.entry_id).removed_reason == ""
    assert CorrectionRequest.objects.get(pk=exclude.pk).status == "pending"
    assert Mark.objects.count() == 1


def test_inclusion_only_in_the_window_and_the_losing_station_is_told(
    listed: World,  # noqa: F811 (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 16, item 3: an inclusion granted outside the legal window is refused."""
    here = listed.stations[2]
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 3, 3, 0, tzinfo=UTC))
    request = request_file(listed, 2, here, B, CorrectionKind.INCLUDE)
    before = (ListEntry.objects.filter(removed_reason="").count(), Event.objects.count())
    for when in (
        dt.datetime(2022, 11, 4, 17, 59, tzinfo=UTC),  # 23:59 on 4 Nov: before the display
        dt.datetime(2022, 11, 20, 14, 0, tzinfo=UTC),  # 20:00 on voting day: voting closed
    ):
        monkeypatch.setattr(clock, "now", lambda when=when: when)
        with pytest.raises(OutsideWindow) as caught:
            decide(listed, request.pk, here, granted=True, reasons="r", actor="system:pec3")
        assert caught.value.message == (
            "An inclusion is granted from 2022-11-05, when the lists go on display, until "
            "voting closes at 20:00 on 2022-11-20."
        )
    assert (ListEntry.objects.filter(removed_reason="").count(), Event.objects.count()) == before
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 20, 13, 59, tzinfo=UTC))
    decide(listed, request.pk, here, granted=True, reasons="r", actor="system:pec3")
    told = Event.objects.get(action="voters.moved_away_by_correction")
    assert (told.object_key, told.payload) == (
        "kz-2022-presidential/KZ-75-0001",
        {"request": request.pk, "to": "KZ-75-0003"},
    )
