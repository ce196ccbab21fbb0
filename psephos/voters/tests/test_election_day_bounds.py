"""Election day is bounded (issue 16, items 3 and 5).

Marks only in the voting hours of voting day in the station's time zone; residence
additions only from the same district, on a document; no station learns where and
when a voter it has no business with voted; refused marks are counted and logged per
operator, and an operator past the limit is refused outright.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from psephos.voters.enums import AdditionBasis
from psephos.voters.errors import (
    AdditionOutsideTerritory,
    AlreadyMarked,
    ListState,
    MarkRefusalsLimited,
    NotOnList,
    OutsideVotingHours,
)
from psephos.voters.models import ListEntry, Mark
from psephos.voters.rules.calendar import voting_open
from psephos.voters.rules.territory import AdditionScope, Place, residence_addition_allowed

from .conftest import ELECTION_DAY_10_15_UTC, RESIDENCE_DOCUMENT, A, B, World, at, mark
from .test_lists_and_marks import snapshot

UTC = dt.UTC
OPENS, CLOSES = dt.time(7, 0), dt.time(20, 0)
DAY = dt.date(2022, 11, 20)


@pytest.mark.parametrize(
    ("local", "early", "open_"),
    [
        (dt.datetime(2022, 11, 20, 6, 59), 0, False),
        (dt.datetime(2022, 11, 20, 7, 0), 0, True),
        (dt.datetime(2022, 11, 20, 19, 59), 0, True),
        (dt.datetime(2022, 11, 20, 20, 0), 0, False),
        (dt.datetime(2022, 11, 19, 12, 0), 0, False),
        (dt.datetime(2022, 11, 19, 12, 0), 1, True),
        (dt.datetime(2022, 11, 18, 12, 0), 1, False),
        (dt.datetime(2022, 11, 21, 12, 0), 1, False),
        (dt.datetime(2026, 12, 7, 12, 0), 0, False),
    ],
)
def test_voting_open_rule(local: dt.datetime, early: int, open_: bool) -> None:
    assert voting_open(local, DAY, opens=OPENS, closes=CLOSES, early_days=early) is open_


@pytest.mark.parametrize(
    ("scope", "registered", "allowed"),
    [
        (AdditionScope.DISTRICT, Place(unit=1, region=10), True),
        (AdditionScope.DISTRICT, Place(unit=2, region=10), False),
        (AdditionScope.REGION, Place(unit=2, region=10), True),
        (AdditionScope.REGION, Place(unit=3, region=11), False),
        (AdditionScope.COUNTRY, Place(unit=3, region=11), True),
    ],
)
def test_residence_scope_rule(scope: AdditionScope, registered: Place, allowed: bool) -> None:
    here = Place(unit=1, region=10)
    assert residence_addition_allowed(scope, registered=registered, here=here) is allowed


@pytest.mark.parametrize(
    ("when", "local"),
    [
        (
            dt.datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
            "2026-12-07 14:00",
        ),  # the review's case; UTC+5 since 2024
        (dt.datetime(2022, 11, 20, 0, 59, tzinfo=UTC), "2022-11-20 06:59"),
        (dt.datetime(2022, 11, 20, 14, 0, tzinfo=UTC), "2022-11-20 20:00"),
        (dt.datetime(2022, 11, 19, 10, 0, tzinfo=UTC), "2022-11-19 16:00"),
    ],
)
def test_marks_only_in_the_voting_hours_of_voting_day(
    listed: World, monkeypatch: pytest.MonkeyPatch, when: dt.datetime, local: str
) -> None:
    at(monkeypatch, when)
    before = snapshot()
    for kwargs in ({}, {"addition": AdditionBasis.RESIDENCE}):
        with pytest.raises(OutsideVotingHours) as caught:
            mark(listed, 1 if not kwargs else 2, A, **kwargs)
        assert caught.value.message == (
            "Ballots are issued only on voting day, 2022-11-20, from 07:00 to 20:00 "
            f"(Asia/Almaty); it is now {local} there."
        )
        assert caught.value.http_status == 409
    assert snapshot() == before


def test_marks_at_the_edges_of_the_voting_hours(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, dt.datetime(2022, 11, 20, 1, 0, tzinfo=UTC))  # 07:00 in Almaty
    assert mark(listed, 1, A).station.code == "KZ-75-0001"
    at(monkeypatch, dt.datetime(2022, 11, 20, 13, 59, tzinfo=UTC))  # 19:59
    assert mark(listed, 1, B).station.code == "KZ-75-0001"


def _other_district(world: World) -> None:
    """Add district KZ-75-09 under Almaty with station KZ-75-0905 and its PEC (pec5)."""
    from psephos.accounts.models import User
    from psephos.commissions.models import Commission
    from psephos.territory.models import AdministrativeUnit, PollingStation

    region = world.stations[0].unit  # type: ignore[attr-defined]
    district = AdministrativeUnit.objects.create(
        geography=world.geography,
        code="KZ-75-09",
        level="district",
        kind="city_district",
        parent=region,
        name_en="Medeu",
        name_kk="Медеу",
        name_ru="Медеуский",
        timezone="Asia/Almaty",
    )
    station = PollingStation.objects.create(
        geography=world.geography,
        code="KZ-75-0905",
        number=905,
        kind="regular",
        unit=district,
        name="School 905",
    )
    tec = Commission.objects.get(code="KZ-75")
    commission = Commission.objects.create(
        geography=world.geography,
        code=station.code,
        level="pec",
        parent=tec,
        region=tec,
        tec=tec,
        unit=district,
        station=station,
        name="PEC 905",
    )
    world.stations.append(station)
    world.pec.append(
        User.objects.create_user("pec5", password="pw", role="pec", commission=commission)
    )


def test_residence_addition_only_from_the_same_district_on_a_document(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _other_district(listed)
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    before = snapshot()
    with pytest.raises(AdditionOutsideTerritory) as caught:
        mark(listed, 5, A, addition=AdditionBasis.RESIDENCE)
    assert caught.value.message == (
        "Station KZ-75-0905 may add on proof of residence only a voter registered in the "
        "same district; send the voter to the station of their registration."
    )
    with pytest.raises(ListState, match="Give the document the voter's residence was proved"):
        mark(listed, 2, A, addition=AdditionBasis.RESIDENCE, document="  ")
    assert snapshot() == before
    # The election's override of the profile's switch widens the scope to the region.
    listed.election.profile_overrides = {"residence_addition_scope": "region"}  # type: ignore[attr-defined]
    listed.election.save(update_fields=["profile_overrides"])  # type: ignore[attr-defined]
    m = mark(listed, 5, A, addition=AdditionBasis.RESIDENCE, document="passport N1234567")
    entry = ListEntry.objects.get(pk=m.entry_id)
    assert (entry.station.code, entry.basis, entry.document) == (
        "KZ-75-0905",
        "residence",
        "passport N1234567",
    )
    m = mark(listed, 2, B, addition=AdditionBasis.RESIDENCE)
    assert ListEntry.objects.get(pk=m.entry_id).document == RESIDENCE_DOCUMENT


def test_no_voting_status_oracle(listed: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bogus certificate serial or a plain attempt at another station reveals nothing."""
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    mark(listed, 1, A)
    before = snapshot()
    with pytest.raises(ListState) as caught:
        mark(listed, 3, A, certificate_serial="99999")
    assert caught.value.message == "Certificate 99999 was not issued to this voter."
    with pytest.raises(NotOnList) as refused:
        mark(listed, 3, A)
    assert refused.value.message == "This voter is not on the list of station KZ-75-0003."
    with pytest.raises(AlreadyMarked) as home:
        mark(listed, 1, A)
    assert home.value.data == {"station": "KZ-75-0001", "time": "16:15"}
    assert snapshot() == before
    # A voter moved off station 1's list by an addition elsewhere: station 1 may hear where.
    mark(listed, 2, B, addition=AdditionBasis.RESIDENCE)
    with pytest.raises(AlreadyMarked) as moved:
        mark(listed, 1, B)
    assert (
        moved.value.message
        == "This voter already received a ballot at station KZ-75-0002 at 16:15."
    )
    with pytest.raises(NotOnList):
        mark(listed, 3, B)


def test_refused_marks_are_limited_and_logged_per_operator(
    listed: World,
    monkeypatch: pytest.MonkeyPatch,
    settings: object,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.VOTERS_MARK_REFUSALS_LIMIT = 3  # type: ignore[attr-defined]
    settings.VOTERS_MARK_REFUSALS_WINDOW = 600  # type: ignore[attr-defined]
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    caplog.set_level(logging.WARNING, logger="psephos.voters.services.marks")
    for serial in ("90001", "90002", "90003"):
        with pytest.raises(ListState):
            mark(listed, 3, A, certificate_serial=serial)
    before = snapshot()
    with pytest.raises(MarkRefusalsLimited) as caught:
        mark(listed, 3, A, certificate_serial="90004")
    assert (caught.value.http_status, caught.value.data) == (429, {"retry_after": 600})
    assert caught.value.message == (
        "Too many refused marks from this account: wait 10 minutes, or ask the chair to "
        "check the station's list."
    )
    assert snapshot() == before
    # Another operator is not affected; the limited one is again after the window.
    assert mark(listed, 1, A).station.code == "KZ-75-0001"
    at(monkeypatch, ELECTION_DAY_10_15_UTC + dt.timedelta(minutes=10))
    with pytest.raises(NotOnList):
        mark(listed, 3, B)
    operator = listed.pec[2].pk  # type: ignore[attr-defined]
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        f"mark refused: operator={operator} station=KZ-75-0003 code=list_state refusals_in_window={n}"
        for n in (1, 2, 3)
    ] + [
        f"mark refused: operator={operator} station=KZ-75-0003 code=not_on_list refusals_in_window=1"
    ]
    assert not any(A in line or B in line for line in lines)
    assert Mark.objects.count() == 1


@pytest.mark.parametrize(
    ("totals", "flags"),
    [
        ([], []),
        ([0, 1, 2, 40], [False, False, False, True]),  # median 1.5: 40 > 4.5 and ≥ 10
        ([0, 0, 9, 0], [False, False, False, False]),  # below the floor
        ([10, 10, 10, 10], [False, False, False, False]),  # many, but all alike
    ],
)
def test_additions_unusual_rule(totals: list[int], flags: list[bool]) -> None:
    from psephos.voters.rules.additions import additions_unusual

    assert additions_unusual(totals, floor=10, factor=3) == flags


def test_the_tec_reviews_additions_per_station(
    listed: World, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    from django.test import Client

    from psephos.accounts.models import User
    from psephos.commissions.models import Commission
    from psephos.voters.services.marks import Person

    settings.VOTERS_ADDITIONS_FLAG_MIN = 1  # type: ignore[attr-defined]
    settings.VOTERS_ADDITIONS_FLAG_FACTOR = 1  # type: ignore[attr-defined]
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    mark(listed, 3, B, addition=AdditionBasis.RESIDENCE)
    person = Person("Нуров", "Ерлан")
    mark(listed, 4, "900101300811", addition=AdditionBasis.UNREGISTERED, person=person)
    tec = User.objects.create_user(
        "tec", password="pw", role="tec", commission=Commission.objects.get(code="KZ-75")
    )
    url = "/api/v1/voters/elections/kz-2022-presidential/tecs/KZ-75/additions"
    for who, status in ((listed.pec[0], 403), (tec, 200), (listed.cec, 200)):  # type: ignore[attr-defined]
        client = Client()
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == status
    assert response.json() == [
        {
            "station": f"KZ-75-000{i}",
            "residence": r,
            "unregistered": u,
            "total": r + u,
            "flagged": f,
        }
        for i, r, u, f in ((1, 0, 0, False), (2, 0, 0, False), (3, 1, 0, True), (4, 0, 1, True))
    ]


def test_a_stations_own_closing_time_bounds_its_marks(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A station that closes at 18:00 (issue 17): refused at 18:30, taken at 17:59."""
    from tests.support.country import station_hours_set

    listed.stations[0] = station_hours_set(listed.stations[0], closes="18:00")
    at(monkeypatch, dt.datetime(2022, 11, 20, 12, 30, tzinfo=UTC))  # 18:30 in Almaty
    before = snapshot()
    with pytest.raises(OutsideVotingHours) as caught:
        mark(listed, 1, A)
    assert caught.value.message == (
        "Ballots are issued only on voting day, 2022-11-20, from 07:00 to 18:00 "
        "(Asia/Almaty); it is now 2022-11-20 18:30 there."
    )
    assert snapshot() == before
    at(monkeypatch, dt.datetime(2022, 11, 20, 11, 59, tzinfo=UTC))  # 17:59
    assert mark(listed, 1, A).station.code == "KZ-75-0001"


def test_a_station_abroad_votes_in_its_own_time_zone(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 18:30 UTC it is 19:30 in Vienna (open) and 00:30 the next day in Almaty."""
    from tests.support.country import station_hours_set

    listed.stations[0] = station_hours_set(listed.stations[0], timezone="Europe/Vienna")
    at(monkeypatch, dt.datetime(2022, 11, 20, 18, 30, tzinfo=UTC))
    assert mark(listed, 1, A).station.code == "KZ-75-0001"
    at(monkeypatch, dt.datetime(2022, 11, 20, 19, 0, tzinfo=UTC))  # 20:00 in Vienna
    with pytest.raises(OutsideVotingHours) as caught:
        mark(listed, 1, B)
    assert "(Europe/Vienna); it is now 2022-11-20 20:00 there." in caught.value.message
