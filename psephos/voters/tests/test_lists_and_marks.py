"""Lists, certificates, place of stay, election-day additions and marks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest.mock import ANY

import pytest

from psephos.ledger.models import Event
from psephos.voters.enums import AdditionBasis, CertificateStatus, EntrySource, RemovalReason
from psephos.voters.errors import (
    AlreadyMarked,
    IinInvalid,
    ListState,
    NotEligible,
    NotOnList,
    OutsideWindow,
    VoterNotFound,
)
from psephos.voters.models import Certificate, ListEntry, Mark, Voter
from psephos.voters.selectors import station_counts, voter_self_check
from psephos.voters.services.lists import (
    certificate_issue,
    certificate_report_lost,
    entry_place_of_stay,
    list_extract,
)
from psephos.voters.services.marks import Person
from psephos.voters.services.register import register_import

from .conftest import (
    ELECTION_DAY_10_15_UTC,
    ROWS,
    UNREGISTERED,
    A,
    B,
    C,
    D,
    World,
    at,
    mark,
    write_csv,
)

UTC = dt.UTC


def snapshot() -> tuple[int, int, int, int, int, int]:
    return (
        Voter.objects.count(),
        ListEntry.objects.count(),
        ListEntry.objects.exclude(removed_reason="").count(),
        Certificate.objects.count(),
        Mark.objects.count(),
        Event.objects.count(),
    )


def certificate_by_pec(  # type: ignore[no-untyped-def]
    world: World, pec: int, station: object, iin: str, serial: str, *, now: dt.datetime
):
    """Issue an absentee certificate as the world's PEC number ``pec`` (from 0)."""
    return certificate_issue(
        election=world.election,
        station=station,
        iin=iin,
        serial=serial,
        user=world.pec[pec],
        actor=f"system:pec{pec + 1}",
        now=now,
    )


def test_extract_follows_the_profile(listed: World) -> None:
    assert sorted(ListEntry.objects.values_list("station__code", "source", "voter__surname")) == [
        ("KZ-75-0001", "register", "Ахметов"),
        ("KZ-75-0001", "register", "Иванов"),
    ]
    assert Event.objects.filter(action="voters.lists_extracted").get().payload == {"entries": 2}


def test_extract_twice_is_refused(listed: World) -> None:
    before = snapshot()
    with pytest.raises(ListState, match="already extracted"):
        list_extract(election=listed.election, actor="system:cec")
    assert snapshot() == before


def test_extract_with_odihr_switches(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psephos.elections.rules import profiles

    monkeypatch.setitem(
        profiles.PROFILES,
        "odihr",
        profiles.PresidentialProfile(
            key="odihr", exclude_incapacitated=False, exclude_prisoners=False
        ),
    )
    world.election.profile_key = "odihr"
    register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "r.csv", ROWS),
        report_path=tmp_path / "e.csv",
        actor="system:cec",
    )
    assert (
        list_extract(election=world.election, actor="system:cec") == 4
    )  # only the 17-year-old is left out


def test_mark_at_home_then_anywhere_else_is_refused(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    first = mark(listed, 1, A)
    assert (first.station.code, first.entry.source, first.at) == (
        "KZ-75-0001",
        "register",
        ELECTION_DAY_10_15_UTC,
    )
    before = snapshot()
    at(monkeypatch, ELECTION_DAY_10_15_UTC + dt.timedelta(hours=1))
    # Only the voter's own station hears where and when (issue 16, item 5).
    with pytest.raises(AlreadyMarked) as caught:
        mark(listed, 1, A)
    assert (
        caught.value.message
        == "This voter already received a ballot at station KZ-75-0001 at 16:15."
    )
    assert caught.value.data == {"station": "KZ-75-0001", "time": "16:15"}
    # A station that may add the voter learns only that a ballot was received.
    with pytest.raises(AlreadyMarked) as caught:
        mark(listed, 2, A, addition=AdditionBasis.RESIDENCE)
    assert caught.value.message == "This voter already received a ballot in this election."
    assert caught.value.data == {}
    # Any other station's own check comes first: the voter is not on its list.
    with pytest.raises(NotOnList) as refused:
        mark(listed, 3, A)
    assert refused.value.message == "This voter is not on the list of station KZ-75-0003."
    assert snapshot() == before
    event = Event.objects.filter(action="voters.marks_sealed").get()
    assert (event.object_key, event.payload) == (
        "kz-2022-presidential",
        {"marks": [[first.pk, "KZ-75-0001", "2022-11-20T10:15:00.000000Z", "register", ANY]]},
    )
    first.refresh_from_db()
    assert first.sealed_seq == event.seq


def test_mark_refusals_change_nothing(listed: World, monkeypatch: pytest.MonkeyPatch) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    before = snapshot()
    with pytest.raises(NotOnList, match="not on the list of station KZ-75-0002"):
        mark(listed, 2, A)
    with pytest.raises(IinInvalid, match="The IIN is not valid"):
        mark(listed, 1, "921029350852")
    with pytest.raises(VoterNotFound):
        mark(listed, 1, UNREGISTERED)
    with pytest.raises(NotEligible) as caught:
        mark(listed, 2, C, addition=AdditionBasis.RESIDENCE)
    assert caught.value.data == {"reasons": ["prisoner"]}
    with pytest.raises(NotEligible) as caught:
        mark(listed, 2, D, addition=AdditionBasis.RESIDENCE)
    assert caught.value.data == {"reasons": ["under_age"]}
    with pytest.raises(ListState, match="already on the list of station KZ-75-0001"):
        mark(listed, 1, A, addition=AdditionBasis.RESIDENCE)
    assert snapshot() == before


def test_addition_on_proof_of_residence_moves_the_voter(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    m = mark(listed, 3, B, addition=AdditionBasis.RESIDENCE)
    assert (m.entry.source, m.entry.basis, m.station.code) == (
        "election_day",
        "residence",
        "KZ-75-0003",
    )
    home = ListEntry.objects.get(voter__surname="Иванов", station__code="KZ-75-0001")
    assert (home.removed_reason, home.removed_at) == (
        RemovalReason.ADDED_ELSEWHERE,
        ELECTION_DAY_10_15_UTC,
    )
    assert station_counts(election=listed.election, station=listed.stations[0]).voters_on_list == 1
    c3 = station_counts(election=listed.election, station=listed.stations[2])
    assert (c3.voters_on_list, c3.additions, c3.ballots_issued) == (1, 1, 1)


def test_unregistered_citizen_only_at_a_designated_station(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    before = snapshot()
    person = Person("Нуров", "Ерлан")
    with pytest.raises(ListState, match="KZ-75-0003 is not designated"):
        mark(listed, 3, UNREGISTERED, addition=AdditionBasis.UNREGISTERED, person=person)
    with pytest.raises(ListState, match="Surname and given name are required"):
        mark(
            listed, 4, UNREGISTERED, addition=AdditionBasis.UNREGISTERED, person=Person("", "Ерлан")
        )
    with pytest.raises(ListState, match="is in the register"):
        mark(listed, 4, B, addition=AdditionBasis.UNREGISTERED, person=person)
    assert snapshot() == before
    m = mark(listed, 4, UNREGISTERED, addition=AdditionBasis.UNREGISTERED, person=person)
    voter = m.voter
    assert (voter.origin, voter.station.code, str(voter.birth_date), voter.sex) == (
        "election_day",
        "KZ-75-0004",
        "1990-01-01",
        "M",
    )
    assert (m.entry.source, m.entry.basis) == ("election_day", "unregistered")
    with pytest.raises(AlreadyMarked):
        mark(listed, 4, UNREGISTERED, addition=AdditionBasis.RESIDENCE)


def test_certificate_lifecycle(listed: World, monkeypatch: pytest.MonkeyPatch) -> None:
    home, away = listed.stations[0], listed.stations[2]
    # 15 days before, 00:00 local is the first moment; 18:00 local the day before the last.
    for outside in (
        dt.datetime(2022, 11, 4, 17, 59, tzinfo=UTC),  # 23:59 on 4 Nov local
        dt.datetime(2022, 11, 19, 12, 1, tzinfo=UTC),  # 18:01 on 19 Nov local
    ):
        with pytest.raises(OutsideWindow):
            certificate_by_pec(listed, 0, home, A, "00001", now=outside)
    with pytest.raises(ListState, match="only by the station whose list"):
        certificate_by_pec(
            listed, 2, away, A, "00001", now=dt.datetime(2022, 11, 19, 12, 0, tzinfo=UTC)
        )
    assert snapshot()[3] == 0
    cert = certificate_by_pec(
        listed, 0, home, A, "00001", now=dt.datetime(2022, 11, 19, 12, 0, tzinfo=UTC)
    )
    assert (cert.status, cert.issued_by.code) == (CertificateStatus.ISSUED, "KZ-75-0001")
    assert ListEntry.objects.get(voter=cert.voter).removed_reason == RemovalReason.AVC_ISSUED
    with pytest.raises(ListState, match="already holds a certificate"):
        certificate_by_pec(
            listed, 0, home, A, "00002", now=dt.datetime(2022, 11, 19, 12, 0, tzinfo=UTC)
        )
    with pytest.raises(ListState, match="serial 00001 is already used"):
        certificate_by_pec(
            listed, 0, home, B, "00001", now=dt.datetime(2022, 11, 19, 12, 0, tzinfo=UTC)
        )
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    with pytest.raises(NotOnList):
        mark(listed, 1, A)  # removed at home
    with pytest.raises(ListState, match="holds an absentee voting certificate"):
        mark(listed, 2, A, addition=AdditionBasis.RESIDENCE)
    with pytest.raises(ListState, match="00009 was not issued to this voter"):
        mark(listed, 3, A, certificate_serial="00009")
    m = mark(listed, 3, A, certificate_serial="00001")
    cert.refresh_from_db()
    assert (cert.status, cert.used_station.code, cert.used_at) == (
        "used",
        "KZ-75-0003",
        ELECTION_DAY_10_15_UTC,
    )
    assert m.entry.source == EntrySource.AVC_ARRIVAL
    counts = station_counts(election=listed.election, station=away)
    assert (
        counts.voters_on_list,
        counts.certificate_arrivals,
        counts.ballots_issued,
        counts.voted_with_certificate,
    ) == (1, 1, 1, 1)
    with pytest.raises(AlreadyMarked, match="at station KZ-75-0003 at 16:15"):
        mark(listed, 2, A, certificate_serial="00001")


def issue_12345(listed: World) -> None:
    """Station 1's PEC issues certificate 12345 to voter B ten days before."""
    certificate_issue(
        election=listed.election,
        station=listed.stations[0],
        iin=B,
        serial="12345",
        user=listed.pec[0],
        actor="system:pec1",
        now=dt.datetime(2022, 11, 10, 6, 0, tzinfo=UTC),
    )


def test_lost_certificate_cannot_be_presented(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    issue_12345(listed)
    certificate_report_lost(
        election=listed.election, serial="12345", user=listed.pec[0], actor="system:pec1"
    )
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    before = snapshot()
    with pytest.raises(ListState, match="Certificate 12345 is reported lost"):
        mark(listed, 2, B, certificate_serial="12345")
    assert snapshot() == before


def test_place_of_stay(listed: World, monkeypatch: pytest.MonkeyPatch) -> None:
    away = listed.stations[1]

    def stay(day: dt.date) -> ListEntry:
        return entry_place_of_stay(
            election=listed.election,
            station=away,
            iin=B,
            user=listed.pec[1],
            actor="system:pec2",
            today=day,
        )

    with pytest.raises(OutsideWindow, match="from 2022-10-21 to 2022-11-19"):
        stay(dt.date(2022, 10, 20))
    entry = stay(dt.date(2022, 10, 21))
    assert (entry.source, entry.station.code) == ("place_of_stay", "KZ-75-0002")
    assert (
        ListEntry.objects.get(voter=entry.voter, station=listed.stations[0]).removed_reason
        == "place_of_stay"
    )
    with pytest.raises(ListState, match="already on the list of station KZ-75-0002"):
        stay(dt.date(2022, 11, 1))
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    with pytest.raises(NotOnList):
        mark(listed, 1, B)
    assert mark(listed, 2, B).entry == entry


def test_self_check_before_the_lists_gives_the_register_station(
    world: World, tmp_path: Path
) -> None:
    register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "r.csv", ROWS),
        report_path=tmp_path / "e.csv",
        actor="system:cec",
    )
    result = voter_self_check(election=world.election, iin=C)  # a prisoner: no list yet
    assert (result.station_code, result.list_on_display_from) == ("KZ-75-0002", None)


def test_self_check_shows_station_and_masked_name(listed: World) -> None:
    result = voter_self_check(election=listed.election, iin=A)
    assert (
        result.masked_name,
        result.station_code,
        result.station_name,
        result.station_address,
    ) == ("А*** Б***", "KZ-75-0001", "School 1", "Street 1")
    # On public display 15 days before election day: 5 November 2022 ([P] fn40).
    assert result.list_on_display_from == dt.date(2022, 11, 5)
    with pytest.raises(VoterNotFound, match="on no list"):
        voter_self_check(election=listed.election, iin=C)  # a prisoner under this profile
    with pytest.raises(VoterNotFound, match="No voter with this IIN"):
        voter_self_check(election=listed.election, iin=UNREGISTERED)


def test_election_station_lookup_refuses_and_remembers(
    listed: World, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psephos.core.errors import NotFound
    from psephos.voters import selectors

    key = listed.election.key
    with pytest.raises(NotFound, match="No election “nope”"):
        selectors.election_station_get(key="nope", code="KZ-75-0001")
    with pytest.raises(NotFound, match="No polling station “KZ-99-9999”"):
        selectors.election_station_get(key=key, code="KZ-99-9999")
    election, station = selectors.election_station_get(key=key, code="KZ-75-0002")
    assert (election.pk, station.pk, station.unit.timezone) == (
        listed.election.pk,
        listed.stations[1].pk,
        listed.stations[1].unit.timezone,
    )
    assert election.date == listed.election.date  # typed as the ORM would, on SQLite too
    settings.VOTERS_STATION_CACHE_SECONDS = 60  # type: ignore[attr-defined]
    selectors._recent.clear()
    loads = []
    real = selectors._election_station_load

    def counted(**kwargs: str):  # type: ignore[no-untyped-def]
        loads.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(selectors, "_election_station_load", counted)
    for _ in range(3):
        again = selectors.election_station_get(key=key, code="KZ-75-0002")
    assert len(loads) == 1 and again[1].pk == listed.stations[1].pk
    selectors._recent.clear()


def test_the_services_check_who_acts(listed: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each service acting for a person checks them first; a refusal changes nothing."""
    from psephos.core.errors import PermissionDenied
    from psephos.voters.services.marks import mark_record

    issue_12345(listed)
    before = snapshot()
    with pytest.raises(PermissionDenied, match="only on its own station's list"):
        # Without a station, the certificate's issuing station decides who may report it.
        certificate_report_lost(
            election=listed.election, serial="12345", user=listed.pec[1], actor="system:pec2"
        )
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    with pytest.raises(PermissionDenied, match="only on its own station's list"):
        mark_record(
            election=listed.election,
            station=listed.stations[0],
            iin=A,
            user=listed.pec[1],
            actor="system:pec2",
        )
    assert snapshot() == before
    assert Certificate.objects.get().status == CertificateStatus.ISSUED
