"""Accreditation is a formal decision of the central commission, in two steps (issue 16, item 2).

An operator of the CEC proposes it with the vote and the signed document; nothing
changes until a second operator confirms it; the vote is checked against the
commission's membership on the decision's date; the decision is in the register.
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from psephos.commissions.errors import (
    DecisionNeedsAnotherOperator,
    DecisionNotPending,
    DecisionNotValid,
)
from psephos.commissions.models import Decision
from psephos.commissions.register import decisions_register
from psephos.commissions.rules.decisions import DecisionVote
from psephos.core.errors import NotFound, PermissionDenied, ValidationFailed
from psephos.ledger.actors import text_digest
from psephos.ledger.models import Event
from psephos.observation.enums import AccreditationStatus
from psephos.observation.errors import AccreditationClosed, AccreditationDecisionUnknown
from psephos.observation.models import Accreditation
from psephos.observation.selectors import accreditation_list_public
from psephos.observation.services.observers import (
    accreditation_apply,
    accreditation_decision_confirm,
    accreditation_propose,
    observer_register,
)

from .factories import (
    ACCREDITATION_DAY,
    ACCREDITATION_DOCUMENT,
    accredit,
    cec_second_operator,
    observed_country,
)

pytestmark = pytest.mark.django_db

REASONS = "Nomination letter of Wings checked; the observer is eligible."


@pytest.fixture
def world():
    o = observed_country()
    newcomer = observer_register(organisation=o.org, region=o.region2, name="Secret Name")
    acc = accreditation_apply(observer=newcomer, election=o.country.election)
    return o, acc


def _vote(present=7, votes_for=7, votes_against=0):
    return DecisionVote(0, present, votes_for, votes_against)


def _propose(o, accs, *, user=None, number="12", **vote):
    return accreditation_propose(
        accreditations=accs,
        status=AccreditationStatus.ACCREDITED,
        reasons=REASONS,
        user=user or o.country.users["CEC"],
        number=number,
        on=ACCREDITATION_DAY,
        vote=_vote(**vote),
        document=ACCREDITATION_DOCUMENT,
    )


def _state():
    return (
        list(Accreditation.objects.order_by("pk").values_list("status", "reasons", "decision")),
        list(Decision.objects.order_by("pk").values_list("number", "status")),
        Event.objects.count(),
    )


def test_a_proposal_changes_nothing_until_a_second_cec_operator_confirms(world):
    o, acc = world
    second = cec_second_operator(o.country)
    events = Event.objects.count()
    proposed = _propose(o, [acc])
    acc.refresh_from_db()
    assert (proposed.status, acc.status, acc.decision_id) == ("pending", "applied", None)
    assert Event.objects.count() == events + 1
    event = Event.objects.get(action="decision.propose", payload__number="12")
    assert event.payload["kind"] == "observation.accreditation"
    assert event.payload["document_sha256"] == hashlib.sha256(ACCREDITATION_DOCUMENT).hexdigest()
    assert event.payload["reasons_sha256"] == text_digest(REASONS)
    assert "Secret Name" not in str(event.payload) and REASONS not in str(event.payload)

    before = _state()
    election = o.country.election
    with pytest.raises(DecisionNeedsAnotherOperator):  # the proposer
        accreditation_decision_confirm(user=o.country.users["CEC"], election=election, number="12")
    with pytest.raises(DecisionNeedsAnotherOperator):  # an operator of another commission
        accreditation_decision_confirm(
            user=o.country.users["KZ-01"], election=election, number="12"
        )
    assert _state() == before

    (done,) = accreditation_decision_confirm(user=second, election=election, number="12")
    assert (done.status, done.reasons, done.decision_id) == ("accredited", REASONS, proposed.pk)
    assert done.decided_by == o.country.users["CEC"]
    assert list(Event.objects.values_list("action", flat=True))[-2:] == [
        "decision.confirm",
        "observation.accreditation.accredited",
    ]
    applied = Event.objects.get(
        action="observation.accreditation.accredited", payload__decision="12"
    )
    assert applied.payload == {
        "status": "accredited",
        "badges": [acc.observer.code],
        "decision": "12",
        "document_sha256": hashlib.sha256(ACCREDITATION_DOCUMENT).hexdigest(),
        "reasons_sha256": text_digest(REASONS),
    }
    assert applied.actor == f"user:{o.country.users['CEC'].pk}@CEC"
    # In force: in the commission's public register, and on the public list with its number.
    first = Accreditation.objects.get(observer=o.observer).decision  # observed_country's
    register = decisions_register(commission=o.country.cec)
    assert [(r["number"], r["subject_en"], r["votes_for"], r["members"]) for r in register] == [
        ("12", f"Accreditation of observer {acc.observer.code}", 7, 7),
        (first.number, f"Accreditation of observer {o.observer.code}", 7, 7),
    ]
    public = {r["badge"]: r for r in accreditation_list_public(election=election)}
    assert (public[acc.observer.code]["status"], public[acc.observer.code]["decision"]) == (
        "accredited",
        "12",
    )
    assert "Secret Name" not in repr(public)
    with pytest.raises(DecisionNotPending):
        accreditation_decision_confirm(user=second, election=election, number="12")


@pytest.mark.parametrize(
    ("vote", "problems"),
    [
        ({"votes_for": 1, "votes_against": 0}, ["no_majority"]),  # 1 to 0 of 7 members
        ({"votes_for": 999, "votes_against": 998}, ["votes_above_present"]),
        ({"present": 4, "votes_for": 4}, ["no_quorum"]),  # two thirds of 7 is 5
        ({"present": 9, "votes_for": 9}, ["present_above_members"]),
    ],
)
def test_a_vote_not_valid_against_the_cecs_members_is_refused(world, vote, problems):
    o, acc = world
    cec_second_operator(o.country)
    before = _state()
    with pytest.raises(DecisionNotValid) as exc:
        _propose(o, [acc], **vote)
    assert (exc.value.data["problems"], exc.value.data["members"]) == (problems, 7)
    assert _state() == before


def test_only_a_cec_operator_proposes_and_only_with_reasons(world):
    o, acc = world
    before = _state()
    with pytest.raises(PermissionDenied, match="Only central election commission staff"):
        _propose(o, [acc], user=o.country.users["KZ-01"])
    with pytest.raises(ValidationFailed, match="gives its reasons") as exc:
        accreditation_propose(
            accreditations=[acc],
            status=AccreditationStatus.REFUSED,
            reasons="  ",
            user=o.country.users["CEC"],
            number="13",
            on=ACCREDITATION_DAY,
            vote=_vote(),
            document=ACCREDITATION_DOCUMENT,
        )
    assert exc.value.data == {"errors": [{"where": "reasons", "message": "required"}]}
    assert _state() == before


def test_a_status_the_decision_cannot_give_is_refused_when_proposed_and_when_confirmed(world):
    o, acc = world
    accredit(o.country, [acc], status=AccreditationStatus.REFUSED, reasons="No letter.")
    before = _state()
    with pytest.raises(AccreditationClosed, match="“refused” cannot become “accredited”"):
        _propose(o, [acc])
    assert _state() == before
    # Two proposals on one application: the second cannot apply once the first has.
    other = accreditation_apply(
        observer=observer_register(organisation=o.org, region=o.region1, name="C"),
        election=o.country.election,
    )
    _propose(o, [other], number="20")
    _propose(o, [other], number="21")
    second = cec_second_operator(o.country)
    accreditation_decision_confirm(user=second, election=o.country.election, number="20")
    before = _state()
    with pytest.raises(AccreditationClosed, match="“accredited” cannot become “accredited”"):
        accreditation_decision_confirm(user=second, election=o.country.election, number="21")
    assert _state() == before
    assert Decision.objects.get(number="21").status == "pending"


def test_one_decision_accredits_a_list_and_revokes_by_another(world):
    o, acc = world
    more = [
        accreditation_apply(
            observer=observer_register(organisation=o.org, region=o.region1, name=f"N{i}"),
            election=o.country.election,
        )
        for i in range(3)
    ]
    done = accredit(o.country, [acc, *more], number="30")
    assert {a.status for a in done} == {"accredited"} and len(done) == 4
    assert Decision.objects.get(number="30").title == "Accreditation of 4 observers"
    (revoked,) = accredit(
        o.country, [more[0]], status=AccreditationStatus.REVOKED, reasons="Campaigned.", number="31"
    )
    assert (revoked.status, revoked.decision.number) == ("revoked", "31")


def test_a_decision_on_something_else_is_not_confirmed_as_an_accreditation(world):
    o, _ = world
    second = cec_second_operator(o.country)
    with pytest.raises(NotFound, match=r"No decision No\. A-1-x of commission “CEC”"):
        accreditation_decision_confirm(user=second, election=o.country.election, number="A-1-x")
    # A decision of the CEC's with another kind of action.
    from psephos.results.tests.factories import decision_confirmed

    decision_confirmed(o.country.cec, "40", status="pending", confirmed_by=None)
    before = _state()
    with pytest.raises(AccreditationDecisionUnknown, match="decides no accreditation"):
        accreditation_decision_confirm(user=second, election=o.country.election, number="40")
    assert _state() == before


def test_the_profile_can_require_cec_review_which_the_cec_is(world):
    o, acc = world
    election = o.country.election
    election.profile_overrides = {"decision_review": "cec"}
    election.save(update_fields=["profile_overrides"])
    (done,) = accredit(o.country, [acc], number="50")
    assert done.status == "accredited"


def test_api_proposes_202_then_a_second_operator_confirms(world, client):
    o, acc = world
    second = cec_second_operator(o.country)
    badge = acc.observer.code
    url = f"/api/v1/observation/accreditations/kz-test-presidential/{badge}/decision"
    body = {
        "status": "accredited",
        "reasons": REASONS,
        "date": ACCREDITATION_DAY.isoformat(),
        "vote": {
            "number": "60",
            "votes_for": 7,
            "votes_against": 0,
            "present": 7,
            "document": base64.b64encode(ACCREDITATION_DOCUMENT).decode(),
        },
    }
    client.force_login(o.country.users["CEC"])
    r = client.post(url, {k: v for k, v in body.items() if k != "vote"}, "application/json")
    assert r.status_code == 422
    r = client.post(url, body | {"vote": body["vote"] | {"votes_for": 1}}, "application/json")
    assert (r.status_code, r.json()["error"]["code"]) == (422, "decision_invalid")
    before = _state()
    r = client.post(url, body, "application/json")
    assert r.status_code == 202, r.content
    assert r.json() == {
        "commission": "CEC",
        "number": "60",
        "status": "pending",
        "document_sha256": hashlib.sha256(ACCREDITATION_DOCUMENT).hexdigest(),
        "confirm": "/api/v1/observation/accreditations/kz-test-presidential/decisions/60/confirm",
    }
    assert _state()[0] == before[0]
    confirm = r.json()["confirm"]
    r = client.post(confirm, content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "decision_four_eyes")
    client.force_login(second)
    r = client.post(confirm, content_type="application/json")
    assert (r.status_code, r.json()) == (
        200,
        [{"badge": badge, "status": "accredited", "reasons": REASONS}],
    )


def test_api_adopts_the_decision_at_an_open_cec_session(world, client, monkeypatch):
    import datetime as dt

    from psephos.core import clock
    from tests.support.sessions import session_opened

    o, acc = world
    user = o.country.users["CEC"]
    session = session_opened(
        user=user, commission=o.country.cec, number="5",
        starts_at=dt.datetime.combine(ACCREDITATION_DAY, dt.time(4, 0), tzinfo=dt.UTC),
        set_now=lambda t: monkeypatch.setattr(clock, "now", lambda: t),
    )  # fmt: skip
    url = f"/api/v1/observation/accreditations/kz-test-presidential/{acc.observer.code}/decision"
    vote = {
        "number": "61",
        "votes_for": 7,
        "votes_against": 0,
        "present": 7,
        "document": base64.b64encode(ACCREDITATION_DOCUMENT).decode(),
    }
    body = {"status": "accredited", "reasons": REASONS, "date": ACCREDITATION_DAY.isoformat()}
    client.force_login(user)
    before = _state()
    r = client.post(url, body | {"vote": vote | {"session": "6"}}, "application/json")
    assert r.status_code == 404  # no session No. 6 of the CEC
    assert _state() == before
    r = client.post(url, body | {"vote": vote | {"session": "5"}}, "application/json")
    assert r.status_code == 202, r.content
    assert Decision.objects.get(number="61").session_id == session.pk
