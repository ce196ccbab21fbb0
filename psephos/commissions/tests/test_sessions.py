"""Commission sessions: announce with the agenda in time, open with attendance, adopt, close.

Issue 17; ODIHR [P] Rec 12 asks for agendas published in advance. Every refusal
leaves the sessions, attendance, decisions and ledger as they were.
"""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.commissions.errors import (
    SessionNoticeShort,
    SessionNotValid,
    SessionNumberTaken,
    SessionWrongState,
)
from psephos.commissions.models import Decision, Member, Session, SessionAttendance
from psephos.commissions.rules.decisions import DecisionVote, Quorum
from psephos.commissions.services import decision_propose
from psephos.commissions.sessions import session_announce, session_close, session_open
from psephos.core.errors import PermissionDenied
from psephos.ledger.actors import text_digest
from psephos.ledger.models import Event

from .building import AGENDA, NOW, STARTS, tec_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def country(set_now):
    return tec_with_members().country


def written():
    return (
        list(Session.objects.values_list("number", "status", "minutes")),
        SessionAttendance.objects.count(),
        Decision.objects.count(),
        Event.objects.count(),
    )


def announce(c, number="5", starts=STARTS, agenda=AGENDA, user=None):
    tec = c.tecs[0]
    return session_announce(
        user=user or c.users[tec.code],
        commission=tec,
        number=number,
        starts_at=starts,
        agenda=agenda,
        place="Room 2",
        notice_hours=24,
    )


def members(c):
    return list(
        Member.objects.filter(commission=c.tecs[0]).order_by("pk").values_list("pk", flat=True)
    )


def propose(c, session, number="17", present=6, on=STARTS.date()):
    return decision_propose(
        user=c.users[c.tecs[0].code],
        commission=c.tecs[0],
        number=number,
        on=on,
        title="Accreditation of observers",
        reasons="Applications complete.",
        vote=DecisionVote(members=0, present=present, votes_for=5, votes_against=1),
        quorum=Quorum(),
        document=b"%PDF signed",
        action={"kind": "accreditation"},
        session=session,
    )


def test_a_session_from_announcement_to_minutes(country, set_now):
    c = country
    session = announce(c)
    assert session.status == "announced"
    event = Event.objects.get(action="session.announce")
    assert event.payload == {
        "commission": "KZ-01-01",
        "session": "5",
        "starts_at": "2022-11-02T10:00:00+00:00",
        "notice_hours": 25.0,
        "agenda_sha256": text_digest(AGENDA),
    }
    assert event.actor == f"user:{c.users['KZ-01-01'].pk}@KZ-01-01"
    set_now(STARTS)
    present = members(c)[:6]
    session_open(user=c.users["KZ-01-01"], session=session, present=present)
    assert Event.objects.get(action="session.open").payload == {
        "commission": "KZ-01-01",
        "session": "5",
        "members": 7,
        "present": present,
    }
    decision = propose(c, session)
    assert decision.session == session
    assert Event.objects.get(action="decision.propose").payload["session"] == "5"
    closed = session_close(user=c.users["KZ-01-01"], session=session, minutes="Adopted No. 17.")
    assert closed.status == "closed"
    assert closed.minutes == "Adopted No. 17."
    assert Event.objects.get(action="session.close").payload == {
        "commission": "KZ-01-01",
        "session": "5",
        "minutes_sha256": text_digest("Adopted No. 17."),
        "decisions": ["17"],
    }


def test_a_decision_without_a_session_is_taken_outside_one(country):
    decision = propose(country, None)
    assert decision.session is None
    assert Event.objects.get(action="decision.propose").payload["session"] is None


def test_an_agenda_published_too_late_is_refused(country):
    before = written()
    with pytest.raises(SessionNoticeShort) as refused:
        announce(country, starts=NOW + dt.timedelta(hours=23))
    assert str(refused.value) == (
        "Session 5 of KZ-01-01 starts at 2022-11-02T08:00+00:00: its agenda must be "
        "published at least 24 hours before, by 2022-11-01T08:00+00:00."
    )
    assert written() == before


@pytest.mark.parametrize(
    ("number", "agenda", "fields"),
    [("", AGENDA, "number"), ("6", "  ", "agenda"), (" ", "", "number, agenda")],
)
def test_an_announcement_without_number_or_agenda_is_refused(country, number, agenda, fields):
    before = written()
    with pytest.raises(SessionNotValid) as refused:
        announce(country, number=number, agenda=agenda)
    assert str(refused.value) == (
        f"A session is announced with its number and its agenda (missing: {fields})."
    )
    assert written() == before


def test_a_session_number_is_used_once(country):
    announce(country)
    before = written()
    with pytest.raises(SessionNumberTaken):
        announce(country)
    assert written() == before


def test_only_the_commissions_operator_runs_its_sessions(country):
    c = country
    before = written()
    with pytest.raises(PermissionDenied) as refused:
        announce(c, user=c.users["KZ-01-0101"])
    assert str(refused.value) == "Only an operator of commission KZ-01-01 can run its sessions."
    assert written() == before


def test_a_session_opens_at_its_start_with_members_only(country, set_now):
    c = country
    session = announce(c)
    before = written()
    with pytest.raises(SessionWrongState):
        session_open(user=c.users["KZ-01-01"], session=session, present=members(c))
    set_now(STARTS)
    ids = members(c)
    with pytest.raises(SessionNotValid) as refused:
        session_open(user=c.users["KZ-01-01"], session=session, present=[ids[0], ids[0], 999])
    assert str(refused.value) == (
        "Attendance of session 5 of KZ-01-01: list each member present on 2022-11-02 once "
        f"(7 members); refused: twice {ids[0]}; not_a_member 999."
    )
    assert written() == before


def test_a_decision_of_a_session_matches_its_date_and_attendance(country, set_now):
    c = country
    session = announce(c)
    with pytest.raises(SessionWrongState):
        propose(c, session)  # not open yet
    set_now(STARTS)
    session_open(user=c.users["KZ-01-01"], session=session, present=members(c)[:6])
    before = written()
    with pytest.raises(SessionNotValid) as refused:
        propose(c, session, present=5)
    assert str(refused.value) == (
        "A decision of session 5 is dated 2022-11-02 with the 6 members present recorded "
        "at it (given: 2022-11-02, 5 present)."
    )
    with pytest.raises(SessionNotValid):
        propose(c, session, on=dt.date(2022, 11, 3))
    assert written() == before


def test_a_closed_session_takes_no_minutes_twice_and_needs_minutes(country, set_now):
    c = country
    session = announce(c)
    set_now(STARTS)
    session_open(user=c.users["KZ-01-01"], session=session, present=members(c)[:6])
    before = written()
    with pytest.raises(SessionNotValid):
        session_close(user=c.users["KZ-01-01"], session=session, minutes=" ")
    assert written() == before
    session_close(user=c.users["KZ-01-01"], session=session, minutes="Done.")
    before = written()
    with pytest.raises(SessionWrongState) as refused:
        session_close(user=c.users["KZ-01-01"], session=session, minutes="Again.")
    assert str(refused.value) == (
        "Session 5 of KZ-01-01 is closed with minutes; this step needs it in session."
    )
    assert written() == before
