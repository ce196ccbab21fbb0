"""The protocol lifecycle and certification on the database, including every refusal.

Each refusal test takes a snapshot of everything the services write (protocols,
versions, tallies, ledger) and asserts it is unchanged afterwards.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import pytest
from django.db import transaction

from psephos.core import clock
from psephos.core.errors import PermissionDenied
from psephos.elections.enums import ElectionKind
from psephos.ledger.models import Event
from psephos.ledger.services.events import event_record
from psephos.results.errors import (
    ElectionCertified,
    ElectionNotComplete,
    ElectionNotFinal,
    ProtocolAlreadySubmitted,
    ProtocolBreaksRelations,
    ProtocolNotPending,
    ReasonRequired,
    StationNotFound,
)
from psephos.results.models import (
    Protocol,
    ProtocolRefusal,
    ProtocolVersion,
    ProtocolVote,
    Tally,
    TallyVote,
)
from psephos.results.selectors.transparency import protocols_public_within
from psephos.results.services.certification import election_certify
from psephos.results.services.protocols import (
    protocol_accept,
    protocol_return,
    protocol_submit,
)
from psephos.results.services.tabulation import tally_recompute

from .factories import country_tabulated, good_lines, small_country

pytestmark = pytest.mark.django_db

STATION = "KZ-01-0101"


@pytest.fixture
def country():
    return country_tabulated()


def snapshot() -> dict[str, object]:
    """Return everything the results services write, in comparable form."""
    return {
        "protocols": list(
            Protocol.objects.order_by("pk").values_list("pk", "status", "current_id")
        ),
        "versions": ProtocolVersion.objects.count(),
        "votes": ProtocolVote.objects.count(),
        "tallies": list(Tally.objects.order_by("pk").values()),
        "tally_votes": list(TallyVote.objects.order_by("pk").values_list("pk", "votes")),
        "events": Event.objects.count(),
        "refusals": ProtocolRefusal.objects.count(),
    }


def tallies_by_code() -> dict[str, dict[str, int]]:
    out = {}
    for t in Tally.objects.select_related("commission"):
        row = t.lines_dict() | {"accepted": t.accepted, "received": t.received}
        row |= {f"v{tv.option_id}": tv.votes for tv in t.votes.all()}
        out[t.commission.code] = row
    return out


def submit(country, station=STATION, lines=None, user=None):
    return protocol_submit(
        user=user or country.users[station],
        election=country.election,
        station_code=station,
        lines=lines or good_lines(country.option_keys()),
    )


# --- submit -----------------------------------------------------------------------------


def test_submit_stores_version_and_counts_received(country):
    events = Event.objects.count()
    protocol = submit(country)
    assert protocol.status == "submitted"
    assert protocol.current is not None
    assert protocol.current.number == 1
    assert protocol.current.ballots_valid == 600
    assert dict(
        ProtocolVote.objects.filter(version=protocol.current).values_list("option__key", "votes")
    ) == {"abden": 100, "tokayev": 200, "against-all": 300}
    tallies = tallies_by_code()
    assert tallies["KZ-01-01"]["received"] == 1
    assert tallies["CEC"]["received"] == 1
    assert tallies["CEC"]["accepted"] == 0
    assert tallies["CEC"]["ballots_valid"] == 0
    event = Event.objects.get(seq=events + 1)
    assert event.action == "protocol.submit"
    assert event.object_key == "kz-2022-presidential/KZ-01-0101"
    assert event.payload["votes"] == {"abden": 100, "tokayev": 200, "against-all": 300}
    assert Event.objects.count() == events + 1


def test_submit_breaking_relations_stores_only_the_refusal(country):
    before = snapshot()
    bad = dataclasses.replace(
        good_lines(country.option_keys()), ballots_received=1, ballots_found=9999
    )
    with pytest.raises(ProtocolBreaksRelations) as exc:
        submit(country, lines=bad)
    relations = [b["relation"] for b in exc.value.data["breaches"]]
    assert relations == ["R1", "R3", "R5"]
    assert "Ballots received (1) must equal ballots issued (615)" in exc.value.message
    assert "Ballots found in the boxes (9999) must not exceed ballots issued (615)." in (
        exc.value.message
    )
    assert exc.value.message.startswith(
        "The protocol of station “KZ-01-0101” breaks 3 control relation(s): "
    )
    after = snapshot()
    refusal = ProtocolRefusal.objects.get()
    assert refusal.station_code == STATION
    assert [p["relation"] for p in refusal.problems] == ["R1", "R3", "R5"]
    assert after == before | {"refusals": 1, "events": before["events"] + 1}
    assert Event.objects.order_by("-seq").first().action == "protocol.refuse"


def test_submit_with_negative_and_missing_votes(country):
    bad = dataclasses.replace(
        good_lines(country.option_keys()), votes={"abden": -5, "tokayev": 200}
    )
    with pytest.raises(ProtocolBreaksRelations) as exc:
        submit(country, lines=bad)
    relations = [b["relation"] for b in exc.value.data["breaches"]]
    assert relations[:2] == ["R10", "R0"]
    assert "votes.abden = -5" in exc.value.message
    assert "missing votes for against-all" in exc.value.message


def test_submit_second_time_is_refused(country):
    submit(country)
    before = snapshot()
    with pytest.raises(ProtocolAlreadySubmitted) as exc:
        submit(country)
    assert exc.value.message == (
        "The protocol of station “KZ-01-0101” is already submitted; it can be submitted "
        "again only after the territorial commission returns it."
    )
    assert snapshot() == before


@pytest.mark.parametrize("who", ["KZ-01-0102", "KZ-01-01", "KZ-01", "CEC"])
def test_submit_by_anyone_but_the_station_pec_is_refused(country, who):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        submit(country, user=country.users[who])
    assert snapshot() == before


def test_submit_unknown_station(country):
    before = snapshot()
    with pytest.raises(StationNotFound) as exc:
        submit(country, station="KZ-09-0999", user=country.users[STATION])
    assert exc.value.code == "station_not_found"
    assert exc.value.message == "No polling station “KZ-09-0999”."
    assert snapshot() == before


# --- accept and return ------------------------------------------------------------------


def test_accept_applies_version_to_every_tally_above(country):
    p1 = submit(country)
    p2 = submit(country, "KZ-01-0102", good_lines(country.option_keys(), scale=3))
    accepted = protocol_accept(user=country.users["KZ-01-01"], protocol=p1)
    protocol_accept(user=country.users["KZ-01-01"], protocol=p2)
    assert accepted.status == "accepted"
    assert accepted.decided_by == country.users["KZ-01-01"]
    incremental = tallies_by_code()
    assert incremental["CEC"]["ballots_valid"] == 600 + 1800
    assert incremental["KZ-01"]["accepted"] == 2
    assert incremental["KZ-02"]["accepted"] == 0
    tally_recompute(election=country.election)
    assert tallies_by_code() == incremental
    assert Event.objects.filter(action="protocol.accept").count() == 2


def test_an_acceptance_on_a_clock_behind_the_ledger_is_the_ledgers_stamp(country):
    """The demo replays voting day after the simulated night is in the ledger: its clock
    reads earlier than the last event, the ledger stamps the acceptance with that event's
    time (ADR 0014), and the acceptance is that stamp — published when accepted, so the
    results evidence ([P] Rec 10) counts it in time, not 4 years late."""
    p = submit(country)
    # The ledger's last event a day ahead of the clock (the end of the replayed night).
    night = clock.now() + dt.timedelta(days=1)
    with clock.fixed(night), transaction.atomic():
        event_record(actor="system:test", role="system", action="x", object_key="k", payload={})
    with clock.fixed(night - dt.timedelta(hours=9)):  # the replayed voting day
        accepted = protocol_accept(user=country.users["KZ-01-01"], protocol=p)
    event = Event.objects.get(action="protocol.accept")
    stored = Protocol.objects.get(pk=p.pk)
    assert event.at == night
    assert accepted.decided_at == stored.decided_at == night
    counted = protocols_public_within(election=country.election, hours=2)
    assert counted == (1, 1)
    # A clock at or after the ledger's last event: the acceptance is the clock's reading.
    q = submit(country, "KZ-01-0102")
    later = night + dt.timedelta(hours=1)
    with clock.fixed(later):
        protocol_accept(user=country.users["KZ-01-01"], protocol=q)
    assert Protocol.objects.get(pk=q.pk).decided_at == later


def test_accept_builds_missing_tallies(country):
    p = submit(country)
    Tally.objects.all().delete()
    protocol_accept(user=country.users["KZ-01-01"], protocol=p)
    assert tallies_by_code()["CEC"]["ballots_valid"] == 600
    assert tallies_by_code()["CEC"]["accepted"] == 1


@pytest.mark.parametrize("who", ["KZ-01-02", "KZ-01", "CEC", STATION])
def test_accept_by_anyone_but_the_tec_above_is_refused(country, who):
    p = submit(country)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        protocol_accept(user=country.users[who], protocol=p)
    with pytest.raises(PermissionDenied):
        protocol_return(user=country.users[who], protocol=p, reason="figures illegible")
    assert snapshot() == before


def test_second_decision_on_a_stale_object_conflicts(country):
    p = submit(country)
    stale = Protocol.objects.get(pk=p.pk)
    protocol_accept(user=country.users["KZ-01-01"], protocol=p)
    before = snapshot()
    with pytest.raises(ProtocolNotPending) as exc:
        protocol_accept(user=country.users["KZ-01-01"], protocol=stale)
    assert exc.value.message == (
        "The protocol of station “KZ-01-0101” is accepted, not awaiting a decision."
    )
    with pytest.raises(ProtocolNotPending):
        protocol_return(user=country.users["KZ-01-01"], protocol=stale, reason="late")
    assert snapshot() == before


def test_return_then_resubmit_makes_version_two(country):
    p = submit(country)
    returned = protocol_return(
        user=country.users["KZ-01-01"], protocol=p, reason="Line 7 does not match the boxes."
    )
    assert returned.status == "returned"
    assert returned.return_reason == "Line 7 does not match the boxes."
    event = Event.objects.get(action="protocol.return")
    assert "reason" not in event.payload
    assert event.payload["reason_sha256"] == (
        hashlib.sha256(b"Line 7 does not match the boxes.").hexdigest()
    )
    assert tallies_by_code()["CEC"]["received"] == 1
    again = submit(country, lines=good_lines(country.option_keys(), scale=2))
    assert again.status == "submitted"
    assert again.current.number == 2
    assert again.return_reason == ""
    assert tallies_by_code()["CEC"]["received"] == 1
    protocol_accept(user=country.users["KZ-01-01"], protocol=again)
    assert tallies_by_code()["CEC"]["ballots_valid"] == 1200


def test_return_needs_a_reason(country):
    p = submit(country)
    before = snapshot()
    with pytest.raises(ReasonRequired) as exc:
        protocol_return(user=country.users["KZ-01-01"], protocol=p, reason="   ")
    assert exc.value.message == "Say why the protocol of station “KZ-01-0101” is returned."
    assert snapshot() == before


# --- certify ----------------------------------------------------------------------------


def accept_all(country):
    for pec in country.pecs:
        p = submit(country, pec.code)
        protocol_accept(user=country.users[pec.tec.code], protocol=p)


def test_certify_incomplete_is_refused(country):
    p = submit(country)
    protocol_accept(user=country.users["KZ-01-01"], protocol=p)
    submit(country, "KZ-01-0102")
    before = snapshot()
    with pytest.raises(ElectionNotComplete) as exc:
        election_certify(user=country.users["CEC"], election=country.election)
    assert exc.value.message == (
        "Election “kz-2022-presidential” cannot be certified: 1 of 8 protocols are "
        "accepted or cancelled and 1 await a decision."
    )
    assert snapshot() == before
    country.election.refresh_from_db()
    assert country.election.status == "configured"


def test_certify_complete_election(country):
    accept_all(country)
    outcome = election_certify(user=country.users["CEC"], election=country.election)
    # against-all (300 of 600 per station) is not more than half; it cannot win anyway.
    assert outcome.status == "runoff"
    assert outcome.runoff == ("tokayev", "abden")
    country.election.refresh_from_db()
    assert country.election.status == "certified"
    assert country.election.certified_at is not None
    event = Event.objects.order_by("-seq").first()
    assert event.action == "election.certify"
    assert event.payload["outcome"] == "runoff"
    before = snapshot()
    with pytest.raises(ElectionCertified):
        election_certify(user=country.users["CEC"], election=country.election)
    with pytest.raises(ElectionCertified):
        p = Protocol.objects.get(commission=country.pecs[0])
        protocol_return(user=country.users["KZ-01-01"], protocol=p, reason="late")
    assert snapshot() == before


@pytest.mark.parametrize("who", ["KZ-01", "KZ-01-01", STATION])
def test_certify_by_anyone_but_the_cec_is_refused(country, who):
    accept_all(country)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        election_certify(user=country.users[who], election=country.election)
    assert snapshot() == before


def test_referendum_both_marked_flow():
    c = small_country(kind=ElectionKind.REFERENDUM, key="kz-test-referendum")
    lines = good_lines(c.option_keys(), both=7)
    p = protocol_submit(
        user=c.users[STATION], election=c.election, station_code=STATION, lines=lines
    )
    protocol_accept(user=c.users["KZ-01-01"], protocol=p)
    t = Tally.objects.get(commission__code="CEC")
    assert t.ballots_both_marked == 7
    assert t.ballots_valid == 307


def test_certify_waits_for_the_finality_check(country, monkeypatch):
    from psephos.complaints.selectors import finality

    accept_all(country)

    class Check:
        allowed = False
        reasons = ("Results challenge C-1 is open.",)

    monkeypatch.setattr(finality, "election_finality_check", lambda election: Check())
    before = snapshot()
    with pytest.raises(ElectionNotFinal) as exc:
        election_certify(user=country.users["CEC"], election=country.election)
    assert exc.value.message == (
        "Election “kz-2022-presidential” cannot be certified yet: Results challenge C-1 is open."
    )
    assert snapshot() == before


def test_certified_hooks_run_in_order_inside_the_certifying_transaction(country, monkeypatch):
    from psephos.results.hooks import ELECTION_CERTIFIED

    accept_all(country)
    seen: list[tuple[str, str, str]] = []

    def record(*, election, actor, role):
        seen.append((election.status, actor.split(":")[0], role))

    def refuse(*, election, actor, role):
        raise ElectionNotComplete("refused by a hook")

    monkeypatch.setattr(ELECTION_CERTIFIED, "_registered", {})
    ELECTION_CERTIFIED.register("second", refuse, order=2)
    ELECTION_CERTIFIED.register("first", record, order=1)
    before = snapshot()
    with pytest.raises(ElectionNotComplete, match="refused by a hook"):
        election_certify(user=country.users["CEC"], election=country.election)
    assert seen == [("certified", "user", "cec")]  # it ran first, with the election certified
    assert snapshot() == before  # and the refusal after it undid the certification
    country.election.refresh_from_db()
    assert country.election.status == "configured"
