"""Decisions, suspension, appeals up the chain and the finality guard."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.db import IntegrityError, transaction

from psephos.complaints.errors import AppealNotPossible, ComplaintNotOpen, DecisionUnreasoned
from psephos.complaints.models import Complaint, ComplaintDecision
from psephos.complaints.selectors import complaint_public_get
from psephos.complaints.selectors.finality import election_finality_check
from psephos.complaints.services.appeals import complaint_appeal
from psephos.complaints.services.decisions import (
    complaint_court_ruling_record,
    complaint_decide,
    complaint_resume,
)
from psephos.core.errors import PermissionDenied
from psephos.elections.rules import calendar_profiles
from psephos.ledger.models import Event

from .conftest import at, confirm, vote
from .test_filing import file

FACTS = "The voter proved residence in the precinct with an address record of 1 Oct."
LAW = "Election Law Art. 24: a voter resident in the precinct is included in its list."


def decide(complaint, user, when, outcome="upheld"):
    if complaint.body_commission is None:  # a court's ruling, entered by CEC staff
        return complaint_court_ruling_record(
            complaint=complaint, user=user, facts=FACTS, law=LAW, outcome=outcome, decided_at=when
        )
    proposed = complaint_decide(
        complaint=complaint,
        user=user,
        facts=FACTS,
        law=LAW,
        outcome=outcome,
        decided_at=when,
        vote=vote(complaint.key),
    )
    return confirm(complaint, proposed, user)


def appeal(parent, when, **kw):
    return complaint_appeal(
        parent=parent,
        complainant_kind=kw.get("kind", "candidate"),
        complainant_name="Candidate B",
        summary="The decision ignored the evidence.",
        remedy="Annul the decision.",
        filed_at=when,
    )


@pytest.mark.usefixtures("no_summary_dismissal")
def test_full_lifecycle_through_two_appeals(world):
    c = file(world)
    decision = decide(c, world.almaty_user, at("2022-11-05 06:00"), outcome="rejected")
    assert (decision.decided_by, decision.outcome) == ("KZ-75", "rejected")
    c.refresh_from_db()
    assert c.status == "decided"

    first = appeal(c, at("2022-11-07 04:00"))
    assert first.key == "kz-2022-presidential-c0002"
    assert first.appeal_of == c
    assert (first.body_kind, first.body_commission.code) == ("commission", "CEC")
    assert (first.respondent_commission.code, first.subject_kind, first.subject_date) == (
        "KZ-75",
        "decision",
        dt.date(2022, 11, 5),
    )
    # Appeals are decided in 3 days: until 24:00 on 10 Nov in Almaty.
    assert first.decide_by == at("2022-11-10 18:00")
    assert first.out_of_time is False

    decide(first, world.cec_user, at("2022-11-09 09:00"), outcome="rejected")
    second = appeal(first, at("2022-11-13 04:00"))
    assert (second.body_kind, second.body_court) == ("court", "Supreme Court")
    assert second.out_of_time is True
    assert second.out_of_time_rule == (
        "Appeals are filed within 3 days of the decision (ODIHR [P] fn76, [R] fn62): for a "
        "decision of 2022-11-09 the window closed at 24:00 on 2022-11-12 (Asia/Almaty)."
    )

    decide(second, world.cec_user, at("2022-11-14 09:00"), outcome="dismissed")
    count = Complaint.objects.count()
    with pytest.raises(AppealNotPossible) as exc:
        appeal(second, at("2022-11-14 10:00"))
    assert exc.value.message == (
        "The decision on kz-2022-presidential-c0003 by the Supreme Court is final."
    )
    assert Complaint.objects.count() == count
    assert list(world.events().values_list("action", flat=True)) == [
        "complaint.file",
        "decision.propose",
        "decision.confirm",
        "complaint.decide",
        "complaint.appeal",
        "decision.propose",
        "decision.confirm",
        "complaint.decide",
        "complaint.appeal",
        "complaint.decide",  # the Supreme Court's ruling: no commission vote
    ]


def test_undecided_complaint_cannot_be_appealed(world):
    c = file(world)
    with pytest.raises(AppealNotPossible) as exc:
        appeal(c, at("2022-11-04 04:00"))
    assert exc.value.message == (
        "Complaint kz-2022-presidential-c0001 has no decision yet; only a decision can be appealed."
    )
    assert Complaint.objects.count() == 1


def test_decision_without_reasons_is_refused_and_nothing_changes(world):
    c = file(world)
    events = Event.objects.count()
    with pytest.raises(DecisionUnreasoned) as exc:
        complaint_decide(
            complaint=c, user=world.almaty_user, facts="  ", law="", outcome="rejected", vote=vote()
        )
    assert [e["field"] for e in exc.value.data["errors"]] == ["facts", "law"]
    assert exc.value.message == (
        "A decision needs facts, the law applied and an outcome; nothing was saved."
    )
    c.refresh_from_db()
    assert (c.status, ComplaintDecision.objects.count(), Event.objects.count()) == (
        "open",
        0,
        events,
    )


def test_database_refuses_a_decision_without_reasons(world):
    c = file(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintDecision.objects.create(
            complaint=c,
            decided_at=at("2022-11-05 06:00"),
            decided_by="KZ-75",
            facts="",
            law=LAW,
            outcome="rejected",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintDecision.objects.create(
            complaint=c,
            decided_at=at("2022-11-05 06:00"),
            decided_by="KZ-75",
            facts=FACTS,
            law="",
            outcome="rejected",
        )
    assert ComplaintDecision.objects.count() == 0


@pytest.mark.parametrize("who", ["district_user", "atyrau_user", "cec_user"])
def test_only_the_deciding_commission_decides(world, who):
    c = file(world)
    with pytest.raises(PermissionDenied) as exc:
        decide(c, getattr(world, who), at("2022-11-05 06:00"))
    assert exc.value.message == (
        "Only the commission that decides this complaint can record its decision."
    )
    c.refresh_from_db()
    assert (c.status, ComplaintDecision.objects.count()) == ("open", 0)


def test_suspended_complaint_waits_for_the_court(world):
    c = file(world, also_in_court=True, court_reference="case 4a/1")
    events = Event.objects.count()
    with pytest.raises(ComplaintNotOpen) as exc:
        decide(c, world.almaty_user, at("2022-11-05 06:00"))
    assert exc.value.message == (
        "Complaint kz-2022-presidential-c0001 is suspended: also before a court; "
        "it cannot be decided now."
    )
    assert (ComplaintDecision.objects.count(), Event.objects.count()) == (0, events)

    complaint_resume(
        complaint=c,
        user=world.almaty_user,
        court_ruling_in_force_on=dt.date(2022, 11, 6),
        court_reference="case 4a/1, in force",
        resumed_at=at("2022-11-06 05:00"),
    )
    c.refresh_from_db()
    assert (c.status, c.decide_by, c.court_reference) == (
        "open",
        at("2022-11-11 18:00"),
        "case 4a/1, in force",
    )
    assert c.deadline_rule == (
        "Resumed after the court ruling in force on 2022-11-06. "
        "Complaints are decided within 5 days ([P] fn76, [R] fn62)."
    )
    decide(c, world.almaty_user, at("2022-11-07 06:00"))
    with pytest.raises(ComplaintNotOpen):
        complaint_resume(
            complaint=c,
            user=world.almaty_user,
            court_ruling_in_force_on=dt.date(2022, 11, 6),
            court_reference="",
        )


def test_overdue_complaint_is_flagged_until_decided(world):
    c = file(world)
    assert complaint_public_get(key=c.key, now=at("2022-11-08 17:59")).overdue is False
    assert complaint_public_get(key=c.key, now=at("2022-11-08 18:00")).overdue is True
    decide(c, world.almaty_user, at("2022-11-09 06:00"))
    assert complaint_public_get(key=c.key, now=at("2022-11-09 07:00")).overdue is False
    assert Event.objects.get(action="complaint.decide").payload["overdue"] is True


def challenge(world, filed, kind="president"):
    return file(
        world,
        complainant_kind=kind,
        complainant_name="Office of the President",
        respondent_commission_code="CEC",
        subject_kind="results",
        subject_date=dt.date(2022, 11, 22),
        filed_at=filed,
    )


def test_finality_waits_for_the_challenge_window(world):
    check = election_finality_check(world.presidential, at=at("2022-11-26 06:00"))
    assert check.allowed is False
    assert check.reasons == (
        "The results can be challenged at the Constitutional Council until 24:00 on 2022-12-02 "
        "(Asia/Almaty), 10 days after the results of 2022-11-22.",
    )
    assert check.challengeable_until == at("2022-12-02 18:00")
    after = election_finality_check(world.presidential, at=at("2022-12-02 18:00"))
    assert (after.allowed, after.reasons, after.blocking_complaints) == (True, (), ())


def test_finality_waits_for_an_open_results_challenge(world):
    c = challenge(world, at("2022-11-24 06:00"))
    check = election_finality_check(world.presidential, at=at("2022-12-05 06:00"))
    assert (check.allowed, check.blocking_complaints) == (False, (c.key,))
    assert check.reasons == (
        "Results challenge kz-2022-presidential-c0001 is under consideration.",
    )
    decide(c, world.cec_user, at("2022-12-06 06:00"), outcome="rejected")
    # The Constitutional Council is final: nothing left to wait for.
    assert election_finality_check(world.presidential, at=at("2022-12-06 07:00")).allowed is True


def test_finality_waits_for_the_appeal_window_of_a_decided_challenge(world, monkeypatch):
    appealable = replace(
        calendar_profiles.PRESIDENTIAL_DISPUTES, results_challenge_body="Administrative court"
    )
    monkeypatch.setitem(calendar_profiles.DISPUTE_PROFILES, "kz-presidential-2022", appealable)
    c = challenge(world, at("2022-11-24 06:00"))
    decide(c, world.cec_user, at("2022-12-01 06:00"), outcome="rejected")
    check = election_finality_check(world.presidential, at=at("2022-12-03 06:00"))
    assert check.reasons == (
        "The decision on results challenge kz-2022-presidential-c0001 can be appealed until "
        "24:00 on 2022-12-04.",
    )
    assert election_finality_check(world.presidential, at=at("2022-12-04 18:00")).allowed is True
    a = appeal(c, at("2022-12-02 06:00"), kind="president")
    assert a.subject_kind == "results"
    check = election_finality_check(world.presidential, at=at("2022-12-05 06:00"))
    assert (check.allowed, check.blocking_complaints) == (False, (a.key,))


def test_profile_may_let_results_become_final_with_reasons_shown(world, monkeypatch):
    as_applied = replace(
        calendar_profiles.PRESIDENTIAL_DISPUTES, finality_waits_for_challenges=False
    )
    monkeypatch.setitem(calendar_profiles.DISPUTE_PROFILES, "kz-presidential-2022", as_applied)
    check = election_finality_check(world.presidential, at=at("2022-11-26 06:00"))
    assert (check.allowed, check.waits_for_challenges, len(check.reasons)) == (True, False, 1)


def test_referendum_finality_uses_its_own_results_day(world):
    check = election_finality_check(world.referendum, at=at("2022-06-08 06:00"))
    assert check.reasons == (
        "The results can be challenged at the Supreme Court until 24:00 on 2022-06-17 "
        "(Asia/Almaty), 10 days after the results of 2022-06-07.",
    )
