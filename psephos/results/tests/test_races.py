"""Two decisions on one protocol at the same moment: exactly one wins, the tallies count once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from psephos.results.errors import ProtocolAlreadySubmitted, ProtocolNotPending
from psephos.results.models import Protocol, Tally
from psephos.results.services.protocols import protocol_accept, protocol_return, protocol_submit
from psephos.results.services.tabulation import tally_recompute

from .factories import good_lines, small_country


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["accept", "return"])
def test_concurrent_decisions_conflict(second):
    c = small_country(regions=1, districts=1, stations=1)
    tally_recompute(election=c.election)
    station = c.pecs[0].code
    protocol_submit(
        user=c.users[station],
        election=c.election,
        station_code=station,
        lines=good_lines(c.option_keys()),
    )
    tec = c.users[c.tecs[0].code]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(kind: str) -> None:
        stale = Protocol.objects.get(commission=c.pecs[0])
        barrier.wait()
        try:
            if kind == "accept":
                protocol_accept(user=tec, protocol=stale)
            else:
                protocol_return(user=tec, protocol=stale, reason="Blurred line 7.")
            outcomes.append(kind)
        except ProtocolNotPending:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(k,)) for k in ("accept", second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes).count("conflict") == 1
    winner = next(o for o in outcomes if o != "conflict")
    protocol = Protocol.objects.get(commission=c.pecs[0])
    assert protocol.status == {"accept": "accepted", "return": "returned"}[winner]
    cec = Tally.objects.get(commission=c.cec)
    assert cec.accepted == (1 if winner == "accept" else 0)
    assert cec.ballots_valid == (600 if winner == "accept" else 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_submissions_conflict():
    c = small_country(regions=1, districts=1, stations=1)
    tally_recompute(election=c.election)
    station = c.pecs[0].code
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(scale: int) -> None:
        barrier.wait()
        try:
            protocol_submit(
                user=c.users[station],
                election=c.election,
                station_code=station,
                lines=good_lines(c.option_keys(), scale=scale),
            )
            outcomes.append("submitted")
        except ProtocolAlreadySubmitted:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "submitted"]
    protocol = Protocol.objects.get(commission=c.pecs[0])
    assert protocol.versions.count() == 1
    assert Tally.objects.get(commission=c.cec).received == 1
