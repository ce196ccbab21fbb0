"""``psephos simulate`` on the database at --scale 0.01: structure, reconciliation, refusals."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from psephos.commissions.models import Commission, Member
from psephos.elections.models import Election, Option
from psephos.ledger.models import Event
from psephos.ledger.services.verification import ledger_verify
from psephos.results.models import Protocol, ProtocolVersion, ProtocolVote, Tally
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.rules.reconciliation import check_protocol
from psephos.territory.models import AdministrativeUnit, Geography, PollingStation

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("simulate", *args, "--no-progress", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "geographies": Geography.objects.count(),
        "units": AdministrativeUnit.objects.count(),
        "stations": PollingStation.objects.count(),
        "commissions": Commission.objects.count(),
        "members": Member.objects.count(),
        "elections": Election.objects.count(),
        "protocols": Protocol.objects.count(),
        "versions": ProtocolVersion.objects.count(),
        "votes": ProtocolVote.objects.count(),
        "tallies": Tally.objects.count(),
        "events": Event.objects.count(),
    }


def test_presidential_small_country():
    out = _run("kz-2022-presidential", "--scale", "0.01", "--seed", "11")
    assert "Tokayev elected in the first round with 81.31 % of valid votes" in out
    election = Election.objects.get(key="kz-2022-presidential")
    assert (election.kind, election.date.isoformat(), election.profile_key) == (
        "presidential",
        "2022-11-20",
        "kz-presidential-2022",
    )
    assert election.geography.key == "kz-2022-20"
    assert election.geography.valid_from.isoformat() == "2022-06-08"
    assert list(
        Option.objects.filter(contest__election=election).values_list("key", flat=True)
    ) == [
        "abden",
        "auesbayev",
        "dayrabayev",
        "kazhyken",
        "tokayev",
        "tursynbekova",
        "against-all",
    ]
    regions = AdministrativeUnit.objects.filter(geography=election.geography, level="region")
    assert regions.count() == 20
    assert regions.get(code="KZ-75").name_kk == "Алматы қаласы"
    assert AdministrativeUnit.objects.filter(level="district").count() == 20
    alatau = AdministrativeUnit.objects.get(code="KZ-75-01")
    assert (alatau.name_en, alatau.name_kk, alatau.name_ru) == (
        "Alatau district",
        "Алатау ауданы",
        "Алатауский район",
    )
    assert alatau.parent.code == "KZ-75" and alatau.urban
    kokshetau = AdministrativeUnit.objects.get(code="KZ-11-01")
    assert (kokshetau.name_en, kokshetau.name_kk, kokshetau.name_ru) == (
        "Kokshetau city",
        "Көкшетау қаласы",
        "город Кокшетау",
    )
    # The tree: CEC, 20 regional TECs, 20 district TECs, one PEC per station.
    levels = dict(
        (level, Commission.objects.filter(level=level).count())
        for level in ("cec", "tec_region", "tec_district", "pec")
    )
    assert levels == {"cec": 1, "tec_region": 20, "tec_district": 20, "pec": 102}
    pec = Commission.objects.select_related("station", "tec", "region", "parent").get(
        code="KZ-71-9001"
    )
    assert pec.station.kind == "abroad"
    assert pec.parent == pec.tec and pec.tec.code == "KZ-71-01"
    assert pec.region.code == "KZ-71"
    assert Commission.objects.get(code="KZ-71").region.code == "KZ-71"
    assert Member.objects.filter(commission__code="CEC").count() == 7
    assert Member.objects.filter(commission__code="CEC", gender="F").count() == 2
    for tec in Commission.objects.filter(level__in=["tec_region", "tec_district"]):
        assert tec.members.count() == 7
    # Every protocol is accepted, version 1 from the simulation, and reconciles.
    keys = [o.key for o in Option.objects.filter(contest__election=election)]
    protocols = Protocol.objects.filter(election=election).select_related("current", "station")
    assert protocols.count() == 102
    for protocol in protocols:
        assert protocol.status == "accepted"
        assert protocol.current.number == 1 and protocol.current.source == "simulation"
        assert protocol.commission.station_id == protocol.station_id
        votes = {
            v.option.key: v.votes
            for v in ProtocolVote.objects.filter(version=protocol.current).select_related("option")
        }
        assert check_protocol(protocol.current.to_lines(votes), option_keys=keys) == []
    # One ledger event per accepted protocol, whose payload carries the public lines.
    event = Event.objects.get(object_key="kz-2022-presidential/KZ-71-9001")
    protocol = protocols.get(station__code="KZ-71-9001")
    assert event.action == "protocol.accept"
    assert event.payload["lines"] == {n: getattr(protocol.current, n) for n in LINE_NAMES}
    assert Event.objects.filter(action="protocol.accept").count() == 102
    national = Tally.objects.get(election=election, commission__code="CEC")
    assert (national.expected, national.accepted) == (102, 102)
    assert national.ballots_issued == 83_000
    # Written under the simulated clock: the protocols accepted and published over election
    # night (20:00 local ≈ 15:00 UTC on, ten hours), each acceptance at its event's time;
    # the ledger's times never go back and the chain verifies.
    accepted_at = dict(
        Event.objects.filter(action="protocol.accept").values_list("object_key", "at")
    )
    night = (
        dt.datetime(2022, 11, 20, 15, tzinfo=dt.UTC),
        dt.datetime(2022, 11, 21, 1, tzinfo=dt.UTC),
    )
    for protocol in protocols:
        at = accepted_at[f"kz-2022-presidential/{protocol.station.code}"]
        assert protocol.decided_at == protocol.submitted_at == protocol.current.created_at == at
        assert night[0] <= at < night[1]
    assert len(set(accepted_at.values())) > 50  # spread over the night in 5-minute slots
    times = list(Event.objects.order_by("seq").values_list("at", flat=True))
    assert times == sorted(times)
    assert times[0] == dt.datetime(2022, 8, 22, 6, tzinfo=dt.UTC)  # 90 days before the vote
    assert ledger_verify().fault is None


def test_referendum_small_country():
    out = _run("kz-2022-referendum", "--scale", "0.01")
    assert "amendments adopted: yes in 17 of 17 units, 12 required; turnout 68.05 %" in out
    election = Election.objects.get(key="kz-2022-referendum")
    assert election.geography.key == "kz-2022-17"
    assert election.date.isoformat() == "2022-06-05"
    assert [o.key for o in Option.objects.filter(contest__election=election)] == ["yes", "no"]
    assert Commission.objects.filter(level="tec_region").count() == 17
    assert Commission.objects.filter(code="KZ-AST-9001", level="pec").exists()


def test_both_elections_live_side_by_side():
    _run("kz-2022-presidential", "--scale", "0.01", "--no-mission", "--no-media")
    _run("kz-2022-referendum", "--scale", "0.01", "--no-media")
    assert set(Election.objects.values_list("key", flat=True)) == {
        "kz-2022-presidential",
        "kz-2022-referendum",
    }
    assert Geography.objects.count() == 2
    # The referendum of June replayed after the November election: the ledger stamps its
    # events at the last one's time, never earlier, and its acceptances carry those stamps.
    last_presidential = (
        Event.objects.filter(object_key__startswith="kz-2022-presidential/")
        .order_by("-seq")
        .values_list("at", flat=True)
        .first()
    )
    referendum = Event.objects.filter(
        action="protocol.accept", object_key__startswith="kz-2022-referendum/"
    )
    assert referendum.exists()
    assert all(at >= last_presidential for at in referendum.values_list("at", flat=True))
    decided = dict(
        Protocol.objects.filter(election__key="kz-2022-referendum").values_list(
            "commission__code", "decided_at"
        )
    )
    assert {k.split("/")[1]: at for k, at in referendum.values_list("object_key", "at")} == decided
    assert ledger_verify().fault is None


def test_second_run_is_refused_and_changes_nothing():
    _run("kz-2022-presidential", "--scale", "0.01")
    before = _counts()
    with pytest.raises(CommandError) as info:
        _run("kz-2022-presidential", "--scale", "0.01")
    assert str(info.value) == (
        "conflict: Election “kz-2022-presidential” or its map “kz-2022-20” already exists; "
        "run again with --replace to delete and rebuild them."
    )
    assert _counts() == before


def test_replace_rebuilds_cleanly():
    _run("kz-2022-presidential", "--scale", "0.01", "--seed", "1")
    deletes = Event.objects.filter(action="geography.delete").count()
    out = _run("kz-2022-presidential", "--scale", "0.02", "--seed", "2", "--replace")
    assert "The previous build was deleted and replaced." in out
    assert Election.objects.count() == 1
    assert Protocol.objects.count() == PollingStation.objects.count() == 202
    assert Commission.objects.filter(level="pec").count() == 202
    assert Event.objects.filter(action="geography.delete").count() == deletes + 1


@pytest.mark.parametrize("scale", ["0", "1.5", "-1"])
def test_bad_scale_is_refused_and_changes_nothing(scale):
    before = _counts()
    with pytest.raises(CommandError) as info:
        _run("kz-2022-presidential", "--scale", scale)
    assert str(info.value) == (
        f"validation_failed: Scale must be above 0 and at most 1, not {float(scale)}."
    )
    assert _counts() == before


def test_unknown_election_is_refused():
    with pytest.raises(CommandError) as info:
        _run("kz-2019-presidential")
    assert "invalid choice: 'kz-2019-presidential'" in str(info.value)


def test_full_register_says_when_the_generator_is_missing(monkeypatch):
    import psephos.voters.services as voters_services

    monkeypatch.delattr(voters_services, "register_generate", raising=False)
    import psephos.voters.services.register as register

    monkeypatch.delattr(register, "register_generate", raising=False)
    out = _run("kz-2022-referendum", "--scale", "0.01", "--full-register")
    assert "the voter register generator is not available" in out


def test_full_register_calls_the_voters_generator():
    from psephos.voters.models import Voter

    out = _run("kz-2022-presidential", "--scale", "0.002", "--full-register")
    election = Election.objects.get(key="kz-2022-presidential")
    voters = Voter.objects.filter(geography=election.geography).count()
    national = Tally.objects.get(election=election, commission__code="CEC")
    assert voters == national.voters_on_list
    assert f"Voter register generated: {voters} voters" in out


def test_replace_is_refused_while_users_are_bound_to_its_commissions():
    from psephos.accounts.models import User

    _run("kz-2022-presidential", "--scale", "0.01")
    User.objects.create(
        username="tec-staff", role="tec", commission=Commission.objects.get(code="KZ-75")
    )
    before = _counts()
    with pytest.raises(CommandError) as info:
        _run("kz-2022-presidential", "--scale", "0.01", "--replace")
    assert str(info.value).startswith("conflict: Cannot replace “kz-2022-presidential”: ")
    assert "(User)" in str(info.value)
    assert _counts() == before


def test_leave_open_writes_no_protocol_for_that_tecs_stations():
    out = _run(
        "kz-2022-presidential", "--scale", "0.01", "--leave-open", "KZ-75-01", "--no-mission"
    )
    election = Election.objects.get(key="kz-2022-presidential")
    tec = Commission.objects.get(
        geography=election.geography, level="tec_district", code="KZ-75-01"
    )
    open_codes = set(
        Commission.objects.filter(tec=tec, level="pec").values_list("station__code", flat=True)
    )
    assert open_codes
    with_protocol = set(
        Protocol.objects.filter(election=election).values_list("station__code", flat=True)
    )
    all_codes = set(
        PollingStation.objects.filter(geography=election.geography).values_list("code", flat=True)
    )
    assert with_protocol == all_codes - open_codes
    assert (
        f"TEC KZ-75-01: its {len(open_codes)} polling stations were left without protocols." in out
    )
    assert f"{len(with_protocol)} protocols accepted" in out
    # The tallies count the stations' protocols as expected and only the written ones as accepted.
    cec = Tally.objects.get(election=election, commission__level="cec")
    assert (cec.expected, cec.accepted) == (len(all_codes), len(with_protocol))
    assert Tally.objects.get(election=election, commission=tec).accepted == 0
    voters = sum(
        ProtocolVersion.objects.filter(protocol__election=election).values_list(
            "voters_on_list", flat=True
        )
    )
    assert cec.voters_on_list == voters


def test_leave_open_refuses_an_unknown_tec():
    with pytest.raises(CommandError) as excinfo:
        _run("kz-2022-presidential", "--scale", "0.01", "--leave-open", "NOPE-99")
    assert str(excinfo.value) == (
        "validation_failed: --leave-open: there is no TEC “NOPE-99” in this simulation "
        "(at scale 0.01)."
    )
    assert not Election.objects.exists()
