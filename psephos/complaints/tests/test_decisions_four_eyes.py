"""A commission's decision on a complaint is a formal decision (issue 16, item 2).

Valid against the commission's members on its date, confirmed by a second operator
(or the CEC when the profile says so), its signed document's SHA-256 in the ledger;
nothing about the complaint changes before the confirmation.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from psephos.commissions.errors import (
    DecisionNeedsAnotherOperator,
    DecisionNotPending,
    DecisionNotValid,
)
from psephos.commissions.models import Decision, Member
from psephos.complaints.errors import ComplaintDecisionUnknown
from psephos.complaints.models import ComplaintDecision
from psephos.complaints.services.decisions import complaint_decide, complaint_decision_confirm
from psephos.ledger.models import Event

from .conftest import DOCUMENT, at, second_operator, vote
from .test_filing import file

FACTS = "Observers were kept 20 m from the count at PEC 1."
LAW = "Election Law Art. 20: observers watch the count from where they can see it."


def propose(world, complaint, user=None, **changes):
    return complaint_decide(
        complaint=complaint,
        user=user or world.almaty_user,
        facts=FACTS,
        law=LAW,
        outcome="upheld",
        decided_at=at("2022-11-05 06:00"),
        vote=vote("17", **changes),
    )


def state():
    return (
        list(Decision.objects.values_list("number", "status")),
        ComplaintDecision.objects.count(),
        list(Event.objects.values_list("action", flat=True)),
    )


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({"votes_for": 1, "votes_against": 0}, ["no_majority"]),  # 1 to 0 of 7 members
        ({"votes_for": 999, "votes_against": 998, "present": 7}, ["votes_above_present"]),
        ({"present": 4, "votes_for": 4}, ["no_quorum"]),  # two thirds of 7 is 5
        ({"present": 9, "votes_for": 9}, ["present_above_members"]),
    ],
)
def test_a_vote_not_valid_against_the_members_is_refused(world, changes, problems):
    c = file(world)
    before = state()
    with pytest.raises(DecisionNotValid) as exc:
        propose(world, c, **changes)
    assert exc.value.data["problems"] == problems
    assert exc.value.data["members"] == 7
    assert state() == before


def test_members_are_counted_on_the_decisions_date(world):
    c = file(world)
    Member.objects.filter(commission=world.almaty).update(term_end="2022-11-01")
    with pytest.raises(DecisionNotValid) as exc:
        propose(world, c)
    assert exc.value.data == {"problems": ["no_members"], "members": 0}


def test_a_proposal_changes_nothing_until_a_second_operator_confirms(world):
    c = file(world)
    events = Event.objects.count()
    proposed = propose(world, c)
    c.refresh_from_db()
    assert (proposed.status, c.status, ComplaintDecision.objects.count()) == ("pending", "open", 0)
    propose_event = Event.objects.get(action="decision.propose")
    assert propose_event.payload["document_sha256"] == hashlib.sha256(DOCUMENT).hexdigest()
    assert propose_event.payload["kind"] == "complaint.decide"
    assert FACTS not in str(propose_event.payload) and LAW not in str(propose_event.payload)
    assert Event.objects.count() == events + 1

    with pytest.raises(DecisionNeedsAnotherOperator):
        complaint_decision_confirm(user=world.almaty_user, complaint=c, number="17")
    with pytest.raises(DecisionNeedsAnotherOperator):
        complaint_decision_confirm(user=world.atyrau_user, complaint=c, number="17")
    c.refresh_from_db()
    assert (c.status, ComplaintDecision.objects.count()) == ("open", 0)

    decided = complaint_decision_confirm(
        user=second_operator(world.almaty_user), complaint=c, number="17"
    )
    assert (decided.outcome, decided.decided_by, decided.facts) == ("upheld", "KZ-75", FACTS)
    assert c.status == "decided"
    assert list(Event.objects.values_list("action", flat=True))[-3:] == [
        "decision.propose",
        "decision.confirm",
        "complaint.decide",
    ]
    decide_event = Event.objects.get(action="complaint.decide")
    assert decide_event.payload["decision"] == "17"
    assert decide_event.payload["document_sha256"] == hashlib.sha256(DOCUMENT).hexdigest()
    assert decide_event.actor == f"user:{world.almaty_user.pk}@KZ-75"
    with pytest.raises(DecisionNotPending):
        complaint_decision_confirm(
            user=second_operator(world.almaty_user), complaint=c, number="17"
        )


def test_the_profile_can_require_cec_review(world):
    world.presidential.profile_overrides = {"decision_review": "cec"}
    world.presidential.save(update_fields=["profile_overrides"])
    c = file(world)
    propose(world, c)
    with pytest.raises(DecisionNeedsAnotherOperator, match="an operator of the central"):
        complaint_decision_confirm(
            user=second_operator(world.almaty_user), complaint=c, number="17"
        )
    assert complaint_decision_confirm(user=world.cec_user, complaint=c, number="17").outcome == (
        "upheld"
    )


def test_a_decision_of_another_complaint_is_not_confirmed_here(world):
    first, second = file(world), file(world)
    propose(world, first)
    before = state()
    with pytest.raises(ComplaintDecisionUnknown):
        complaint_decision_confirm(
            user=second_operator(world.almaty_user), complaint=second, number="17"
        )
    assert state() == before


def test_api_proposes_202_then_the_second_operator_confirms(world, client):
    c = file(world)
    url = f"/api/v1/complaints/{c.key}/decision"
    body = {
        "facts": FACTS,
        "law": LAW,
        "outcome": "upheld",
        "decided_at": "2022-11-05T06:00:00Z",
        "vote": {
            "number": "17",
            "votes_for": 7,
            "votes_against": 0,
            "present": 7,
            "document": base64.b64encode(DOCUMENT).decode(),
        },
    }
    client.force_login(world.almaty_user)
    r = client.post(url, {k: v for k, v in body.items() if k != "vote"}, "application/json")
    assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_failed")
    r = client.post(url, body, "application/json")
    assert r.status_code == 202, r.content
    assert r.json() == {
        "commission": "KZ-75",
        "number": "17",
        "status": "pending",
        "document_sha256": hashlib.sha256(DOCUMENT).hexdigest(),
        "confirm": f"/api/v1/complaints/{c.key}/decisions/17/confirm",
    }
    assert client.get(f"/api/v1/complaints/{c.key}").json()["status"] == "open"
    r = client.post(r.json()["confirm"], content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "decision_four_eyes")
    client.force_login(second_operator(world.almaty_user))
    r = client.post(f"/api/v1/complaints/{c.key}/decisions/17/confirm")
    assert (r.status_code, r.json()["status"]) == (200, "decided")


def test_pages_propose_then_confirm(world, client):
    c = file(world)
    client.force_login(world.almaty_user)
    form = {
        "facts": FACTS,
        "law": LAW,
        "outcome": "rejected",
        "decided_at": "2022-11-05 06:00",
        "number": "17",
        "present": "7",
        "votes_for": "3",
        "votes_against": "4",
        "abstentions": "0",
    }
    upload = {"document": _upload()}
    r = client.post(f"/complaints/{c.key}/decide/", form | upload)
    assert r.status_code == 422  # 3 for: not a majority of the 7 members
    assert "not valid" in r.content.decode()
    r = client.post(
        f"/complaints/{c.key}/decide/",
        form | {"votes_for": "4", "votes_against": "3", "document": _upload()},
    )
    assert r.status_code == 302
    page = client.get(f"/complaints/{c.key}/").content.decode()
    assert (
        "Decisions awaiting confirmation" in page and hashlib.sha256(DOCUMENT).hexdigest() in page
    )
    r = client.post(f"/complaints/{c.key}/decisions/17/confirm/")
    assert r.status_code == 403
    c.refresh_from_db()
    assert c.status == "open"
    client.force_login(second_operator(world.almaty_user))
    r = client.post(f"/complaints/{c.key}/decisions/17/confirm/")
    assert r.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.decision.outcome) == ("decided", "rejected")


def _upload():
    return SimpleUploadedFile("decision.pdf", DOCUMENT, content_type="application/pdf")


def _open_session(world, monkeypatch, number="9"):
    """Return session ``number`` of the Almaty TEC, open on 5 Nov 2022 (7 present)."""
    from psephos.core import clock
    from tests.support.sessions import session_opened

    with monkeypatch.context() as m:
        return session_opened(
            user=world.almaty_user, commission=world.almaty, number=number,
            starts_at=at("2022-11-05 04:00"), set_now=lambda t: m.setattr(clock, "now", lambda: t),
        )  # fmt: skip


def test_a_complaint_decision_is_adopted_at_an_open_session(world, client, monkeypatch):
    c = file(world)
    session = _open_session(world, monkeypatch)
    client.force_login(world.almaty_user)
    page = client.get(f"/complaints/{c.key}/decide/").content.decode()
    assert '<option value="9">session 9</option>' in page
    form = {
        "facts": FACTS,
        "law": LAW,
        "outcome": "rejected",
        "decided_at": "2022-11-05 06:00",
        "number": "18",
        "present": "7",
        "votes_for": "5",
        "votes_against": "2",
        "abstentions": "0",
        "session": "9",
    }
    unknown = client.post(
        f"/complaints/{c.key}/decide/", form | {"session": "8", "document": _upload()}
    )
    assert unknown.status_code == 422  # not one of the open sessions offered
    assert not Decision.objects.filter(number="18").exists()
    r = client.post(f"/complaints/{c.key}/decide/", form | {"document": _upload()})
    assert r.status_code == 302
    assert Decision.objects.get(number="18").session_id == session.pk
    client.force_login(second_operator(world.almaty_user))
    assert client.post(f"/complaints/{c.key}/decisions/18/confirm/").status_code == 302
    register = client.get(
        f"/commissions/{world.geography.key}/{world.almaty.code}/decisions/"
    ).content.decode()
    assert f'href="/commissions/{world.geography.key}/{world.almaty.code}/sessions/9/"' in register


def test_the_api_adopts_a_complaint_decision_at_a_session(world, client, monkeypatch):
    c = file(world)
    session = _open_session(world, monkeypatch)
    client.force_login(world.almaty_user)
    body = {
        "facts": FACTS,
        "law": LAW,
        "outcome": "rejected",
        "decided_at": "2022-11-05T06:00:00Z",
        "vote": {
            "number": "19",
            "votes_for": 5,
            "votes_against": 2,
            "present": 7,
            "document": base64.b64encode(DOCUMENT).decode(),
            "session": "9",
        },
    }
    r = client.post(f"/api/v1/complaints/{c.key}/decision", body, content_type="application/json")
    assert r.status_code == 202, r.content
    assert Decision.objects.get(number="19").session_id == session.pk
    body["vote"] |= {"number": "20", "session": "77"}
    r = client.post(f"/api/v1/complaints/{c.key}/decision", body, content_type="application/json")
    assert r.status_code == 404
    assert not Decision.objects.filter(number="20").exists()
