"""One operator alone can never change a result (issue 16, item 2).

A correction, recount or cancellation needs a decision valid against the
commission's membership on its date (quorum, majority of the members, no more votes
than members present), its signed document (SHA-256 in the ledger), and a second
operator's confirmation before it takes effect.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from psephos.commissions.errors import (
    DecisionNeedsAnotherOperator,
    DecisionNotPending,
    DecisionNotValid,
)
from psephos.commissions.models import Decision, Member
from psephos.ledger.models import Event
from psephos.results.models import Protocol, ProtocolVersion, Tally
from psephos.results.services.corrections import DecisionInvalid, protocol_correct
from psephos.results.services.decisions import (
    protocol_correct_by_decision,
    protocol_decision_confirm,
)

from .factories import DECISION_DAY, DECISION_DOCUMENT, decision_country, moved_lines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]

STATION = "KZ-01-0101"
TEC = "KZ-01-01"


@pytest.fixture
def country():
    return decision_country(districts=1)


def propose(c, number="12", **vote):
    args = {"votes_for": 5, "votes_against": 1, "present": 6} | vote
    return protocol_correct_by_decision(
        user=c.users[TEC],
        election=c.election,
        station_code=STATION,
        number=number,
        date=DECISION_DAY,
        reasons="Line 9 mis-added; recounted before observers.",
        document=DECISION_DOCUMENT,
        lines=moved_lines(c),
        **args,
    )


def confirm(c, who, number="12"):
    return protocol_decision_confirm(
        user=c.users[who], election=c.election, commission_code=TEC, number=number
    )


def written():
    return (
        ProtocolVersion.objects.count(),
        Decision.objects.count(),
        Event.objects.count(),
        list(Tally.objects.order_by("pk").values_list("ballots_valid", flat=True)),
    )


@pytest.mark.parametrize(
    ("vote", "problems"),
    [
        ({"votes_for": 999, "votes_against": 998, "present": 7}, ["votes_above_present"]),
        ({"votes_for": 1, "votes_against": 0, "present": 1}, ["no_quorum", "no_majority"]),
        ({"votes_for": 3, "votes_against": 0, "present": 6}, ["no_majority"]),
        ({"votes_for": 4, "votes_against": 0, "present": 4}, ["no_quorum"]),
        ({"votes_for": 6, "votes_against": 0, "present": 8}, ["present_above_members"]),
    ],
)
def test_a_vote_invalid_against_the_membership_is_refused(country, vote, problems):
    before = written()
    with pytest.raises(DecisionNotValid) as caught:
        propose(country, **vote)
    assert caught.value.code == "decision_invalid"
    assert caught.value.data == {"problems": problems, "members": 7}
    assert written() == before


def test_the_review_message_names_the_membership(country):
    with pytest.raises(DecisionNotValid) as caught:
        propose(country, votes_for=999, votes_against=998, present=7)
    assert caught.value.message == (
        "Decision No. 12 of KZ-01-01 is not valid: 7 members on 2022-11-21, 7 present "
        "(quorum 5), 999 for, 998 against, 0 abstaining (a majority of the members is 4)."
    )


def test_members_are_counted_on_the_decisions_date(country):
    tec = next(t for t in country.tecs if t.code == TEC)
    ended = Member.objects.filter(commission=tec)[:3].values_list("pk", flat=True)
    Member.objects.filter(pk__in=list(ended)).update(term_end=dt.date(2022, 11, 20))
    # 4 members on the day (3 left the day before): 6 present is impossible.
    with pytest.raises(DecisionNotValid) as caught:
        propose(country, votes_for=5, votes_against=1, present=6)
    assert caught.value.data == {"problems": ["present_above_members"], "members": 4}
    decision = propose(country, "13", votes_for=3, votes_against=0, present=3)
    assert (decision.members, decision.present) == (4, 3)


def test_a_proposal_changes_nothing_until_a_second_operator_confirms(country):
    protocol = Protocol.objects.get(commission__code=STATION)
    tallies = written()[3]
    decision = propose(country)
    assert (decision.status, decision.members, decision.present) == ("pending", 7, 6)
    assert decision.document_sha256 == hashlib.sha256(DECISION_DOCUMENT).hexdigest()
    protocol.refresh_from_db()
    assert protocol.current.number == 1
    assert written()[3] == tallies
    event = Event.objects.filter(action="decision.propose").get()
    assert event.payload["document_sha256"] == decision.document_sha256
    assert (event.payload["for"], event.payload["present"], event.payload["members"]) == (5, 6, 7)
    assert "recounted" not in str(event.payload)  # reasons only as their digest
    # The proposer, another TEC's operator and the CEC cannot confirm it.
    for who in (TEC, "KZ-02-01", "CEC"):
        before = written()
        with pytest.raises(DecisionNeedsAnotherOperator) as caught:
            confirm(country, who)
        assert written() == before
    assert caught.value.message == (
        "Decision No. 12 takes effect only when another operator of commission KZ-01-01 "
        "confirms it; the operator who proposed it cannot."
    )
    # An unconfirmed decision cannot be applied directly either.
    with pytest.raises(DecisionInvalid, match="is not confirmed by a second operator yet"):
        protocol_correct(
            user=country.users[TEC],
            protocol=protocol,
            decision=decision,
            lines=moved_lines(country),
        )
    result = confirm(country, f"{TEC}#2")
    assert (result.current.number, result.current.decision_id) == (2, decision.pk)
    decision.refresh_from_db()
    assert (decision.status, decision.confirmed_by_id) == (
        "confirmed",
        country.users[f"{TEC}#2"].pk,
    )
    assert list(
        Event.objects.filter(action__startswith="decision.").values_list("action", flat=True)
    ) == ["decision.propose", "decision.confirm"]
    assert Event.objects.filter(action="protocol.correct").count() == 1
    with pytest.raises(DecisionNotPending):
        confirm(country, f"{TEC}#2")


def test_the_profile_can_require_cec_review(country):
    country.election.profile_overrides = {"decision_review": "cec"}
    country.election.save(update_fields=["profile_overrides"])
    propose(country)
    with pytest.raises(DecisionNeedsAnotherOperator, match="an operator of the central"):
        confirm(country, f"{TEC}#2")
    assert confirm(country, "CEC").current.number == 2
