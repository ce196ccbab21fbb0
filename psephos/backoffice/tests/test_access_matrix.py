"""Every write URL of the back office against every role: the expected status, and a refusal
changes nothing (rows and ledger events); a POST without the CSRF token is refused too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from psephos.accounts.models import Invitation, User
from psephos.commissions.members import member_add
from psephos.commissions.models import Decision, Member, Session, SessionAttendance
from psephos.commissions.rules.composition import CompositionRules
from psephos.commissions.rules.decisions import DecisionVote, Quorum
from psephos.commissions.services import decision_propose
from psephos.commissions.sessions import session_announce, session_open
from psephos.ledger.models import Event
from psephos.territory.models import Revision
from tests.support.country import members_make

from .conftest import Office

pytestmark = pytest.mark.django_db

STARTS = dt.datetime(2022, 11, 2, 10, 0, tzinfo=dt.UTC)
PEC = "KZ-01-0101"


def _build(office: Office, set_now: Any) -> dict[str, int]:
    """A PEC member, session 5 open with decision 17 pending, session 6 announced."""
    tec = office.country.tecs[0]
    member = member_add(
        user=office.tec, commission=office.country.pecs[0], full_name="A", role="member",
        nominated_by="P", gender="F", term_start=dt.date(2022, 11, 1),
        term_end=dt.date(2027, 1, 1), on=dt.date(2022, 11, 1), rules=CompositionRules(5, 11),
    )  # fmt: skip
    members_make(tec, members=7)
    for number, starts in (("5", STARTS), ("6", STARTS + dt.timedelta(days=1))):
        session_announce(
            user=office.tec, commission=tec, number=number, starts_at=starts, agenda="1.",
            notice_hours=24,
        )  # fmt: skip
    set_now(STARTS)
    five = Session.objects.get(number="5")
    session_open(user=office.tec, session=five, present=[m.pk for m in tec.members.all()][:6])
    decision = decision_propose(
        user=office.tec, commission=tec, number="17", on=STARTS.date(), title="t", reasons="r",
        vote=DecisionVote(members=0, present=6, votes_for=5, votes_against=1), quorum=Quorum(),
        document=b"signed", action={"kind": "commission.decision"}, session=five,
    )  # fmt: skip
    return {"member": member.pk, "pec_user": office.pec.pk, "decision": decision.pk}


def _writes(ids: dict[str, int]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return every write URL of the back office with a POST that would succeed."""
    proposal = {
        "number": "18", "title": "t", "reasons": "r", "present": "6", "votes_for": "5",
        "votes_against": "1", "abstentions": "0",
    }  # fmt: skip
    office = "backoffice:"
    return {
        "member-add": (reverse(office + "member-add", args=[PEC]), {
            "full_name": "B", "role": "secretary", "gender": "M", "nominated_by": "Q",
            "term_start": "2022-11-01", "term_end": "2027-01-01", "on": "2022-11-02"}),
        "member-role": (reverse(office + "member-role", args=[PEC, ids["member"]]),
                        {"role": "chair", "on": "2022-11-03"}),
        "member-end": (reverse(office + "member-end", args=[PEC, ids["member"]]),
                       {"on": "2022-11-03", "confirm": "on"}),
        "operator-invite": (reverse(office + "operator-invite", args=[PEC]),
                            {"username": "new-pec", "role": "pec"}),
        "operator-role": (reverse(office + "operator-role", args=[PEC, ids["pec_user"]]),
                          {"role": "reader"}),
        "operator-deactivate": (
            reverse(office + "operator-deactivate", args=[PEC, ids["pec_user"]]), {"confirm": "on"}),
        "station": (reverse(office + "station", args=[PEC]), {
            "name": "School 9", "address": "9 Street", "on": "2022-11-03"}),
        "session-announce": (reverse(office + "session-announce"), {
            "number": "7", "starts_at": "2022-11-10T10:00", "agenda": "1."}),
        "session-open": (reverse(office + "session-open", args=["6"]), {"present": []}),
        "session-propose": (reverse(office + "session-propose", args=["5"]), proposal),
        "session-close": (reverse(office + "session-close", args=["5"]),
                          {"minutes": "m", "confirm": "on"}),
        "decision-outside": (reverse(office + "decision-outside"), proposal | {"on": "2022-11-02"}),
        "decision-confirm": (reverse(office + "decision-confirm", args=[ids["decision"]]),
                             {"confirm": "on"}),
    }  # fmt: skip


# Who is refused what: anonymous → the login page, reader and PEC → 403 everywhere; the
# other district's TEC → 403 on KZ-01-01's area and its decision, 404 for sessions that
# its own commission does not have (session URLs name the operator's own commission);
# the CEC → 404 for KZ-01-01's sessions; KZ-01-01's proposer → 403 confirming its own.
REFUSED: dict[str, dict[str, int]] = {
    "anonymous": {w: 302 for w in (
        "member-add", "member-role", "member-end", "operator-invite", "operator-role",
        "operator-deactivate", "station", "session-announce", "session-open",
        "session-propose", "session-close", "decision-outside", "decision-confirm")},
}  # fmt: skip
REFUSED["reader"] = dict.fromkeys(REFUSED["anonymous"], 403)
REFUSED["pec"] = dict.fromkeys(REFUSED["anonymous"], 403)
REFUSED["other_tec"] = {
    "member-add": 403, "member-role": 403, "member-end": 403, "operator-invite": 403,
    "operator-role": 403, "operator-deactivate": 403, "station": 403, "session-open": 404,
    "session-propose": 404, "session-close": 404, "decision-confirm": 403,
}  # fmt: skip
REFUSED["cec"] = {"session-open": 404, "session-propose": 404, "session-close": 404}
REFUSED["tec"] = {"decision-confirm": 403}

CASES = [
    (who, write, status) for who, writes in REFUSED.items() for write, status in writes.items()
]


def _state() -> tuple[int, ...]:
    return (
        Member.objects.count(),
        User.objects.filter(is_active=True).count(),
        User.objects.filter(role="reader").count(),
        Invitation.objects.count(),
        Revision.objects.count(),
        Session.objects.count(),
        SessionAttendance.objects.count(),
        Decision.objects.filter(status="pending").count(),
        Decision.objects.count(),
        Event.objects.count(),
    )


def _client(office: Office, who: str) -> Client:
    client = Client()
    if who == "reader":
        client.force_login(User.objects.create(username="reader-1", role="reader"))
    elif who != "anonymous":
        client.force_login(getattr(office, who))
    return client


@pytest.mark.parametrize(("who", "write", "status"), CASES, ids=[f"{w}-{u}" for w, u, _ in CASES])
def test_a_wrong_role_is_refused_and_nothing_changes(
    office: Office, set_now: Any, who: str, write: str, status: int
) -> None:
    ids = _build(office, set_now)
    url, data = _writes(ids)[write]
    client = _client(office, who)
    before = _state()
    if write in ("session-propose", "decision-outside"):
        data = data | {"document": SimpleUploadedFile("d.pdf", b"signed 18")}
    response = client.post(url, data)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")
    assert _state() == before


@pytest.mark.parametrize("write", sorted(REFUSED["anonymous"]))
def test_the_right_role_succeeds(office: Office, set_now: Any, write: str) -> None:
    ids = _build(office, set_now)
    url, data = _writes(ids)[write]
    if write in ("session-propose", "decision-outside"):
        data = data | {"document": SimpleUploadedFile("d.pdf", b"signed 18")}
    if write == "session-open":
        set_now(STARTS + dt.timedelta(days=1))
        data = {"present": [m.pk for m in office.country.tecs[0].members.all()][:5]}
    who = office.tec2 if write == "decision-confirm" else office.tec
    before = Event.objects.count()
    client = Client()
    client.force_login(who)
    response = client.post(url, data)
    assert response.status_code == (200 if write == "operator-invite" else 302)
    assert Event.objects.count() == before + 1


def test_a_post_without_the_csrf_token_is_refused(office: Office, set_now: Any) -> None:
    ids = _build(office, set_now)
    client = Client(enforce_csrf_checks=True)
    client.force_login(office.tec)
    before = _state()
    url, data = _writes(ids)["member-add"]
    assert client.post(url, data).status_code == 403
    assert _state() == before
