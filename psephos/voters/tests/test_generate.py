"""``register_generate``: a synthetic register that matches the accepted protocols."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from psephos.ledger.models import Event
from psephos.voters.errors import ListState
from psephos.voters.models import ListEntry, Mark, Voter
from psephos.voters.rules.eligibility import age_on
from psephos.voters.selectors import station_counts_for_election
from psephos.voters.services import register_generate

from .conftest import World

FIGURES = {0: (120, 80), 1: (75, 75), 2: (33, 0)}  # station index → (on list, ballots issued)


@pytest.fixture
def accepted(world: World) -> World:
    from psephos.commissions.models import Commission
    from psephos.results.models import Protocol, ProtocolVersion

    tec = Commission.objects.get(code="KZ-75")
    for index, (on_list, issued) in FIGURES.items():
        station = world.stations[index]
        protocol = Protocol.objects.create(
            election=world.election,
            station=station,
            commission=Commission.objects.get(station=station),
            tec=tec,
            region=tec,
            status="accepted",
        )
        version = ProtocolVersion.objects.create(
            protocol=protocol,
            number=1,
            source="simulation",
            created_at=dt.datetime(2022, 11, 20, tzinfo=dt.UTC),
            voters_on_list=on_list,
            ballots_issued=issued,
        )
        protocol.current = version
        protocol.save(update_fields=["current"])
    # A submitted, not accepted, protocol is ignored.
    station = world.stations[3]
    Protocol.objects.create(
        election=world.election,
        station=station,
        commission=Commission.objects.get(station=station),
        tec=tec,
        region=tec,
        status="submitted",
    )
    return world


def test_generate_matches_every_station(accepted: World) -> None:
    result = register_generate(election=accepted.election, seed=7, progress=False)
    assert (result.voters, result.entries, result.marks) == (228, 228, 155)
    counts = station_counts_for_election(election=accepted.election)
    for index, (on_list, issued) in FIGURES.items():
        c = counts[accepted.stations[index].pk]
        assert (c.voters_on_list, c.ballots_issued) == (on_list, issued)
    assert accepted.stations[3].pk not in counts
    assert Voter.objects.filter(origin="synthetic").count() == 228
    assert Voter.objects.values("iin_hash").distinct().count() == 228
    assert all(
        age_on(b, accepted.election.date) >= 18
        for b in Voter.objects.values_list("birth_date", flat=True)
    )
    assert Event.objects.get(action="voters.register_generated").payload == {
        "voters": 228,
        "entries": 228,
        "marks": 155,
        "seed": 7,
    }


def test_generate_is_deterministic_and_refuses_a_second_run(accepted: World) -> None:
    register_generate(election=accepted.election, seed=7, progress=False)
    names = list(Voter.objects.order_by("pk").values_list("surname", "birth_date", "sex"))
    with pytest.raises(ListState, match="not empty"):
        register_generate(election=accepted.election, seed=7, progress=False)
    assert (Voter.objects.count(), ListEntry.objects.count(), Mark.objects.count()) == (
        228,
        228,
        155,
    )
    Mark.objects.all().delete()
    ListEntry.objects.all().delete()
    Voter.objects.all().delete()
    register_generate(election=accepted.election, seed=7, progress=False)
    assert list(Voter.objects.order_by("pk").values_list("surname", "birth_date", "sex")) == names


def test_generate_command(accepted: World, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("voters", "generate", "--election", "kz-2022-presidential", "--seed", "3")
    assert capsys.readouterr().out == "Generated 228 voters, 228 list entries, 155 marks.\n"
