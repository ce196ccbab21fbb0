"""A PEC's own submission and the TEC's double entry write the same records.

Both paths store the protocol, its version and votes, count it as received in the
tallies above and record ``protocol.submit``; both store a refusal and record
``protocol.refuse`` when the figures break a control relation. The records differ
only where the source differs: the version's ``source`` and ``note``, its author,
and the ``source`` key the double entry adds to its ledger payloads.
"""

from __future__ import annotations

import dataclasses

import pytest

from psephos.accounts.enums import Role
from psephos.ledger.models import Event
from psephos.results.errors import ProtocolAlreadySubmitted, ProtocolBreaksRelations
from psephos.results.models import (
    KeyedEntry,
    Protocol,
    ProtocolRefusal,
    ProtocolVersion,
    ProtocolVote,
    Tally,
)
from psephos.results.services.keying import protocol_key
from psephos.results.services.protocols import protocol_return, protocol_submit
from psephos.results.services.tabulation import tally_recompute

from .factories import UserFactory, good_lines, small_country

pytestmark = pytest.mark.django_db

KEY = "kz-test-presidential"
PEC_STATION = "KZ-01-0101"
TEC_STATION = "KZ-01-0102"
TEC = "KZ-01-01"
VOTES = {"abden": 100, "tokayev": 200, "against-all": 300}
# Statements of a station's first submission once the options are cached, savepoints
# included (the same on SQLite and PostgreSQL): 12, and 2 more that seal the tallies
# above the station again (their counter's UPDATE returns their figures; read their
# votes, write the seals).
QUERIES = 14


@pytest.fixture
def country():
    c = small_country(regions=1, districts=1, stations=2)
    tally_recompute(election=c.election)
    c.users["op2"] = UserFactory(username="tec-op2", role=Role.TEC_OPERATOR, commission=c.tecs[0])
    return c


def pec_submit(c, lines, station=PEC_STATION):
    return protocol_submit(
        user=c.users[station], election=c.election, station_code=station, lines=lines
    )


def tec_key_twice(c, lines, station=TEC_STATION):
    protocol_key(user=c.users[TEC], election=c.election, station_code=station, lines=lines)
    return protocol_key(user=c.users["op2"], election=c.election, station_code=station, lines=lines)


def version_row(station):
    return (
        ProtocolVersion.objects.filter(protocol__commission__code=station)
        .order_by("-number")
        .values()
        .first()
    )


def test_both_paths_store_the_same_protocol_version_votes_and_counters(country):
    lines = good_lines(country.option_keys())
    pec_submit(country, lines)
    outcome = tec_key_twice(country, lines)
    assert (outcome.state, outcome.version) == ("submitted", 1)

    by_pec, by_tec = version_row(PEC_STATION), version_row(TEC_STATION)
    differing = {"id", "protocol_id", "created_by_id", "created_at", "source", "note"}
    assert {k: v for k, v in by_pec.items() if k not in differing} == {
        k: v for k, v in by_tec.items() if k not in differing
    }
    assert (by_pec["number"], by_pec["source"], by_pec["note"]) == (1, "pec", "")
    assert (by_tec["number"], by_tec["source"], by_tec["note"]) == (1, "tec", "double entry")
    assert by_pec["created_by_id"] == country.users[PEC_STATION].pk
    assert by_tec["created_by_id"] == country.users["op2"].pk
    for row in (by_pec, by_tec):
        assert {k: row[k] for k in lines.as_dict()} == lines.as_dict()
        assert (
            dict(
                ProtocolVote.objects.filter(version_id=row["id"])
                .order_by("option__ballot_order")
                .values_list("option__key", "votes")
            )
            == VOTES
        )
    protocols = {
        p.commission.code: p for p in Protocol.objects.select_related("commission", "current")
    }
    for station in (PEC_STATION, TEC_STATION):
        p = protocols[station]
        assert (p.status, p.return_reason, p.current.number) == ("submitted", "", 1)
        assert p.submitted_at is not None
        assert (p.tec_id, p.region_id) == (country.tecs[0].pk, country.regions[0].pk)
        assert p.station_id == p.commission.station_id
    assert (
        list(KeyedEntry.objects.values_list("version_id", flat=True))
        == [protocols[TEC_STATION].current_id] * 2
    )
    assert {
        t.commission.code: (t.received, t.accepted)
        for t in Tally.objects.select_related("commission")
    } == {"CEC": (2, 0), "KZ-01": (2, 0), TEC: (2, 0)}

    events = list(Event.objects.filter(action="protocol.submit").order_by("seq"))
    assert [(e.actor, e.role, e.object_key) for e in events] == [
        (f"user:{country.users[PEC_STATION].pk}@{PEC_STATION}", "pec", f"{KEY}/{PEC_STATION}"),
        (f"user:{country.users['op2'].pk}@{TEC}", "tec", f"{KEY}/{TEC_STATION}"),
    ]
    assert events[0].payload == {
        "election": KEY,
        "station": PEC_STATION,
        "version": 1,
        "lines": lines.as_dict(),
        "votes": VOTES,
    }
    assert events[1].payload == {
        "election": KEY,
        "station": TEC_STATION,
        "version": 1,
        "source": "tec",
        "lines": lines.as_dict(),
        "votes": VOTES,
    }


def test_a_returned_protocol_keyed_again_is_version_two_and_not_counted_twice(country):
    lines = good_lines(country.option_keys())
    pec_submit(country, lines, station=TEC_STATION)
    protocol_return(
        user=country.users[TEC],
        protocol=Protocol.objects.get(commission__code=TEC_STATION),
        reason="illegible",
    )
    outcome = tec_key_twice(country, lines)
    assert (outcome.state, outcome.version) == ("submitted", 2)
    protocol = Protocol.objects.get(commission__code=TEC_STATION)
    assert (protocol.status, protocol.return_reason) == ("submitted", "")
    assert list(protocol.versions.order_by("number").values_list("number", "source")) == [
        (1, "pec"),
        (2, "tec"),
    ]
    assert Tally.objects.get(commission=country.cec).received == 1
    event = Event.objects.filter(action="protocol.submit").order_by("-seq").first()
    assert (event.payload["version"], event.payload["source"]) == (2, "tec")


def test_both_paths_store_the_same_refusal(country):
    bad = dataclasses.replace(good_lines(country.option_keys()), ballots_valid=1)
    with pytest.raises(ProtocolBreaksRelations) as by_pec:
        pec_submit(country, bad)
    with pytest.raises(ProtocolBreaksRelations) as by_tec:
        tec_key_twice(country, bad)
    assert by_pec.value.message.replace(PEC_STATION, TEC_STATION) == by_tec.value.message
    assert by_pec.value.message.startswith(
        f"The protocol of station “{PEC_STATION}” breaks 2 control relation(s): "
    )
    assert by_tec.value.data == {**by_pec.value.data, "station": TEC_STATION}
    assert not Protocol.objects.exists()
    assert ProtocolVersion.objects.count() == 0
    refusals = list(ProtocolRefusal.objects.order_by("pk"))
    assert [(r.station_code, r.user_id, r.code) for r in refusals] == [
        (PEC_STATION, country.users[PEC_STATION].pk, "protocol_breaks_relations"),
        (TEC_STATION, country.users["op2"].pk, "protocol_breaks_relations"),
    ]
    payload = {**bad.as_dict(), "votes": VOTES}
    assert [r.payload for r in refusals] == [payload, payload]
    assert refusals[0].problems == refusals[1].problems == by_pec.value.data["breaches"]
    events = list(Event.objects.filter(action="protocol.refuse").order_by("seq"))
    relations = [b["relation"] for b in by_pec.value.data["breaches"]]
    assert [(e.actor, e.role, e.object_key, e.payload) for e in events] == [
        (
            f"user:{country.users[PEC_STATION].pk}@{PEC_STATION}",
            "pec",
            f"{KEY}/{PEC_STATION}",
            {"election": KEY, "station": PEC_STATION, "relations": relations},
        ),
        (
            f"user:{country.users['op2'].pk}@{TEC}",
            "tec",
            f"{KEY}/{TEC_STATION}",
            {"election": KEY, "station": TEC_STATION, "source": "tec", "relations": relations},
        ),
    ]
    assert KeyedEntry.objects.filter(refused=True).count() == 2
    assert Tally.objects.get(commission=country.cec).received == 0


def test_each_path_says_already_submitted_in_its_own_words(country):
    lines = good_lines(country.option_keys())
    pec_submit(country, lines)
    with pytest.raises(ProtocolAlreadySubmitted) as by_tec:
        protocol_key(
            user=country.users[TEC],
            election=country.election,
            station_code=PEC_STATION,
            lines=lines,
        )
    assert by_tec.value.message == f"The protocol of station “{PEC_STATION}” is already submitted."
    assert by_tec.value.data == {"station": PEC_STATION, "status": "submitted"}
    tec_key_twice(country, lines)
    with pytest.raises(ProtocolAlreadySubmitted) as by_pec:
        pec_submit(country, lines, station=TEC_STATION)
    assert by_pec.value.message == (
        f"The protocol of station “{TEC_STATION}” is already submitted; it can be submitted "
        "again only after the territorial commission returns it."
    )
    assert by_pec.value.data == {"station": TEC_STATION, "status": "submitted"}


def test_submission_runs_a_fixed_number_of_statements(country, django_assert_num_queries):
    """The PEC's path stays in hand-written statements: no query per option or per tally."""
    lines = good_lines(country.option_keys())
    pec_submit(country, good_lines(country.option_keys()), station=TEC_STATION)
    with django_assert_num_queries(QUERIES):
        pec_submit(country, lines)
