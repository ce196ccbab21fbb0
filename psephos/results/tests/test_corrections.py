"""Corrections, recounts and cancellations only by formal decision (services/corrections.py)."""

import dataclasses
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from psephos.core.errors import PermissionDenied
from psephos.ledger.models import Event
from psephos.ledger.rules.bundle import verify_bundle
from psephos.results.errors import ProtocolBreaksRelations
from psephos.results.models import Protocol, ProtocolVersion, Tally, TallyVote
from psephos.results.services.corrections import (
    CorrectionChangesNothing,
    DecisionInvalid,
    ProtocolNotAccepted,
    protocol_cancel,
    protocol_correct,
)
from psephos.results.tests.factories import (
    decision_confirmed,
    good_lines,
    moved_lines,
    protocols_accept,
    small_country,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]


@pytest.fixture
def country():
    """Two regions × one district × two stations, every protocol accepted."""
    c = small_country(districts=1)
    protocols_accept(c, c.pecs)
    return c


def decision(commission, number="12", *, votes_for=7, votes_against=0, confirmed=True):
    """A decision of a 7-member commission, all present, confirmed by a second operator."""
    extra = {} if confirmed else {"status": "pending", "confirmed_by": None}
    return decision_confirmed(
        commission,
        number,
        date=dt.date(2022, 11, 21),
        title="On correcting the protocol",
        text="The commission decided to correct the protocol.",
        reasons="An arithmetic error in line 9 found on recount of the signatures.",
        votes_for=votes_for,
        votes_against=votes_against,
        **extra,
    )


def national(c, key):
    tally = Tally.objects.get(election=c.election, commission=c.cec)
    votes = dict(TallyVote.objects.filter(tally=tally).values_list("option__key", "votes"))
    return tally, votes[key]


def snapshot(c):
    return (
        list(ProtocolVersion.objects.order_by("pk").values_list("pk", "number")),
        list(Protocol.objects.order_by("pk").values_list("status", "current_id")),
        list(Tally.objects.order_by("pk").values_list("ballots_valid", "accepted", "cancelled")),
        list(TallyVote.objects.order_by("pk").values_list("votes", flat=True)),
        Event.objects.count(),
    )


def test_a_correction_by_tec_decision_creates_version_2_and_moves_the_tallies(country, tmp_path):
    pec = country.pecs[0]
    tec = pec.tec
    protocol = Protocol.objects.get(station=pec.station)
    _, before = national(country, "tokayev")
    d = decision(tec)
    result = protocol_correct(
        user=country.users[tec.code], protocol=protocol, decision=d, lines=moved_lines(country)
    )
    assert result.current.number == 2
    assert result.current.source == "correction"
    assert result.current.decision_id == d.pk
    assert list(result.versions.values_list("number", flat=True)) == [1, 2]
    _, after = national(country, "tokayev")
    assert after == before - 10
    event = Event.objects.order_by("-seq").first()
    assert event.action == "protocol.correct"
    assert event.object_key == f"kz-test-presidential/{pec.code}"
    assert event.payload["decision"] == {
        "commission": tec.code,
        "number": "12",
        "date": "2022-11-21",
    }
    assert event.payload["votes"]["tokayev"] == 190
    # The published bundle carries the corrected figures and verifies against the correction event.
    path = tmp_path / "b.zip"
    call_command("publish", country.election.key, "--out", str(path), stdout=StringIO())
    check = verify_bundle(path)
    assert check.problems == []
    assert check.accepted == 4


def test_a_recount_is_recorded_as_such(country):
    pec = country.pecs[1]
    protocol_correct(
        user=country.users[pec.tec.code],
        protocol=Protocol.objects.get(station=pec.station),
        decision=decision(pec.tec),
        lines=moved_lines(country),
        recount=True,
    )
    assert Protocol.objects.get(station=pec.station).current.source == "recount"
    assert Event.objects.order_by("-seq").first().action == "protocol.recount"


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        (
            "other_tec_decision",
            DecisionInvalid,
            "Decision No. 12 is not a decision of the territorial commission responsible for station “KZ-01-0101”.",
        ),
        (
            "not_adopted",
            DecisionInvalid,
            "Decision No. 12 was not adopted with reasons (3 for, 4 against); only an adopted, reasoned decision can change a protocol.",
        ),
        (
            "pec_user",
            PermissionDenied,
            "This needs the role “territorial commission operator”.",
        ),
        (
            "unchanged",
            CorrectionChangesNothing,
            "The figures given for station “KZ-01-0101” equal its current version 1.",
        ),
        (
            "breaks",
            ProtocolBreaksRelations,
            "The corrected protocol of station “KZ-01-0101” breaks 2 control relation(s): "
            "Valid ballots (601) must equal the votes for all options (600) = 600. "
            "Ballots found in the boxes (610) must equal valid (601) + invalid (10) = 611.",
        ),
    ],
)
def test_refused_corrections_change_nothing(country, case, error, message):
    pec = country.pecs[0]
    other_tec = country.pecs[2].tec
    user = country.users[pec.tec.code]
    lines = moved_lines(country)
    if case == "other_tec_decision":
        d = decision(other_tec)
    elif case == "not_adopted":
        d = decision(pec.tec, votes_for=3, votes_against=4)
    else:
        d = decision(pec.tec)
    if case == "pec_user":
        user = country.users[pec.code]
    elif case == "unchanged":
        lines = good_lines(country.option_keys())
    elif case == "breaks":
        lines = dataclasses.replace(lines, ballots_valid=lines.ballots_valid + 1)
    before = snapshot(country)
    with pytest.raises(error) as info:
        protocol_correct(
            user=user, protocol=Protocol.objects.get(station=pec.station), decision=d, lines=lines
        )
    assert info.value.message == message
    assert snapshot(country) == before


def test_a_cancelled_protocol_cannot_be_corrected(country):
    pec = country.pecs[3]
    protocol = Protocol.objects.get(station=pec.station)
    protocol_cancel(
        user=country.users["CEC"], protocol=protocol, decision=decision(country.cec, "5")
    )
    before = snapshot(country)
    with pytest.raises(ProtocolNotAccepted, match="is cancelled, not accepted"):
        protocol_correct(
            user=country.users[pec.tec.code],
            protocol=protocol,
            decision=decision(pec.tec),
            lines=moved_lines(country),
        )
    assert snapshot(country) == before


def test_cec_cancellation_takes_the_station_out_of_the_totals(country, tmp_path):
    pec = country.pecs[3]
    protocol = Protocol.objects.get(station=pec.station)
    tally, before = national(country, "tokayev")
    assert (tally.accepted, tally.cancelled) == (4, 0)
    d = decision(country.cec, "5")
    result = protocol_cancel(user=country.users["CEC"], protocol=protocol, decision=d)
    assert (result.status, result.cancel_decision_id) == ("cancelled", d.pk)
    tally, after = national(country, "tokayev")
    assert (tally.accepted, tally.cancelled, after) == (3, 1, before - 200)
    event = Event.objects.order_by("-seq").first()
    assert (event.action, event.payload["decision"]["commission"]) == ("protocol.cancel", "CEC")
    path = tmp_path / "b.zip"
    call_command("publish", country.election.key, "--out", str(path), stdout=StringIO())
    check = verify_bundle(path)
    assert check.problems == []
    assert (check.accepted, check.stations) == (3, 4)


def test_only_the_cec_cancels_and_only_by_its_own_decision(country):
    pec = country.pecs[0]
    protocol = Protocol.objects.get(station=pec.station)
    before = snapshot(country)
    with pytest.raises(PermissionDenied):
        protocol_cancel(
            user=country.users[pec.tec.code], protocol=protocol, decision=decision(pec.tec)
        )
    with pytest.raises(DecisionInvalid, match="not a decision of the central commission"):
        protocol_cancel(
            user=country.users["CEC"], protocol=protocol, decision=decision(pec.tec, "9")
        )
    assert snapshot(country) == before


def test_a_correction_based_on_a_stale_version_is_refused(country):
    pec = country.pecs[0]
    user = country.users[pec.tec.code]
    stale = Protocol.objects.get(station=pec.station)
    protocol_correct(
        user=user,
        protocol=stale,
        decision=decision(pec.tec, "21"),
        lines=moved_lines(country),
        expected_version=1,
    )
    before = snapshot(country)
    with pytest.raises(ProtocolNotAccepted) as info:
        protocol_correct(
            user=user,
            protocol=stale,
            decision=decision(pec.tec, "22"),
            lines=good_lines(country.option_keys()),
            expected_version=1,
        )
    assert info.value.message == (
        "The protocol of station “KZ-01-0101” is now at version 2, not 1: another decision "
        "changed it meanwhile. Reload and decide again."
    )
    assert snapshot(country) == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tec_operators_correcting_at_once_one_wins_and_the_ledger_holds_one_event(
    settings, tmp_path
):
    import threading

    from django.db import connection

    from psephos.accounts.enums import Role
    from psephos.results.tests.factories import UserFactory

    settings.PSEPHOS_KEY_DIR = tmp_path / "keys"
    c = small_country(regions=1, districts=1, stations=1)
    pec = c.pecs[0]
    protocols_accept(c, [pec])
    second_operator = UserFactory(username="tec-2", role=Role.TEC_OPERATOR, commission=pec.tec)
    decisions = [decision(pec.tec, "31"), decision(pec.tec, "32")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def correct(user, d, shift):
        stale = Protocol.objects.get(station=pec.station)
        lines = good_lines(c.option_keys())
        lines = dataclasses.replace(
            lines,
            votes=dict(
                lines.votes,
                tokayev=lines.votes["tokayev"] - shift,
                abden=lines.votes["abden"] + shift,
            ),
        )
        barrier.wait()
        try:
            protocol_correct(user=user, protocol=stale, decision=d, lines=lines, expected_version=1)
            outcomes.append("won")
        except ProtocolNotAccepted:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=correct, args=(c.users[pec.tec.code], decisions[0], 10)),
        threading.Thread(target=correct, args=(second_operator, decisions[1], 20)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "won"]
    protocol = Protocol.objects.get(station=pec.station)
    assert list(protocol.versions.values_list("number", flat=True)) == [1, 2]
    assert Event.objects.filter(action="protocol.correct").count() == 1
    _, tokayev = national(c, "tokayev")
    assert tokayev == 200 - (10 if protocol.current.decision_id == decisions[0].pk else 20)
