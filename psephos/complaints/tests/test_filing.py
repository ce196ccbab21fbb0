"""Filing complaints: routing, deadlines, time zones, evidence and refusals."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from psephos.complaints.errors import ComplaintInvalid, EvidenceRejected
from psephos.complaints.models import Complaint, Evidence
from psephos.complaints.services.filing import EvidenceFile, complaint_file
from psephos.ledger.models import Event

from .conftest import at

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def file(world, **kw):
    args = {
        "election": world.presidential,
        "complainant_kind": "voter",
        "complainant_name": "Aigerim Private",
        "complainant_contact": "+7 701 000 0000",
        "respondent_kind": "commission",
        "respondent_commission_code": "KZ-75-01",
        "subject_kind": "decision",
        "subject_date": dt.date(2022, 11, 1),
        "summary": "The district commission refused to include me in the list.",
        "remedy": "Include me in the list of PEC 1.",
        "filed_at": at("2022-11-03 05:00"),
    }
    args.update(kw)
    return complaint_file(**args)


def test_complaint_against_a_district_commission_goes_to_the_commission_above(world):
    c = file(world, evidence=[EvidenceFile("photo.png", PNG)])
    assert c.key == "kz-2022-presidential-c0001"
    assert (c.body_kind, c.body_commission.code, c.body_court) == ("commission", "KZ-75", "")
    assert c.status == "open"
    # 5 days from 3 Nov: until 24:00 on 8 Nov in Almaty (UTC+6 in 2022).
    assert c.decide_by == at("2022-11-08 18:00")
    assert c.immediate is False
    assert c.timezone == "Asia/Almaty"
    assert (c.out_of_time, c.out_of_time_rule, c.no_standing) == (False, "", False)
    assert c.deadline_rule == (
        "Complaints against a commission go to the commission above it. "
        "Complaints are decided within 5 days ([P] fn76, [R] fn62)."
    )
    ev = Evidence.objects.get(complaint=c)
    assert (ev.filename, ev.content_type, ev.size, ev.sha256) == (
        "photo.png",
        "image/png",
        48,
        hashlib.sha256(PNG).hexdigest(),
    )


def test_filing_event_carries_no_personal_data(world):
    c = file(world, evidence=[EvidenceFile("photo.png", PNG)])
    event = Event.objects.get(object_key=c.key)
    assert (event.action, event.actor, event.role) == ("complaint.file", "public", "public")
    assert event.payload == {
        "election": "kz-2022-presidential",
        "complainant_kind": "voter",
        "subject_kind": "decision",
        "body": "KZ-75",
        "decide_by": "2022-11-08T18:00:00+00:00",
        "immediate": False,
        "out_of_time": False,
        "no_standing": False,
        "status": "open",
        "dismissed_by_rule": False,
        "appeal_of": None,
        "evidence_sha256": [hashlib.sha256(PNG).hexdigest()],
    }
    text = str(event.payload)
    assert "Aigerim" not in text and "701" not in text


def test_numbers_follow_each_other_per_election(world):
    assert [file(world).key for _ in range(3)] == [
        "kz-2022-presidential-c0001",
        "kz-2022-presidential-c0002",
        "kz-2022-presidential-c0003",
    ]
    assert file(
        world,
        election=world.referendum,
        subject_date=dt.date(2022, 6, 1),
        filed_at=at("2022-06-02 05:00"),
    ).key == ("kz-2022-referendum-c0001")


def test_complaint_against_the_cec_goes_to_the_supreme_court(world):
    c = file(world, respondent_commission_code="CEC")
    assert (c.body_kind, c.body_commission, c.body_court) == ("court", None, "Supreme Court")


def test_complaint_filed_with_a_court_goes_to_an_administrative_court(world):
    c = file(world, to_court=True)
    assert (c.body_kind, c.body_court, c.status) == ("court", "Administrative court", "open")


def test_complaint_against_an_official_goes_to_the_commission_addressed(world):
    c = file(
        world,
        respondent_kind="official",
        respondent_commission_code="",
        respondent_name="Akim of Almaly district",
        addressed_to_code="KZ-75-01",
    )
    assert c.body_commission.code == "KZ-75-01"
    c2 = file(
        world,
        respondent_kind="candidate",
        respondent_commission_code="",
        respondent_name="Candidate X",
    )
    assert c2.body_commission.code == "CEC"


def test_complaint_also_in_court_is_suspended(world):
    c = file(
        world, also_in_court=True, court_reference="Almaty administrative court 7599-22-00-4a/1"
    )
    assert c.status == "suspended"
    assert c.body_commission.code == "KZ-75"


def test_late_complaint_is_accepted_and_marked_out_of_time_with_the_rule(world):
    # 10 days from 20 Oct: until 24:00 on 30 Oct, Almaty time = 18:00 UTC.
    in_time = file(world, subject_date=dt.date(2022, 10, 20), filed_at=at("2022-10-30 17:59"))
    late = file(world, subject_date=dt.date(2022, 10, 20), filed_at=at("2022-10-30 18:00"))
    assert in_time.out_of_time is False
    assert late.out_of_time is True
    assert late.out_of_time_rule == (
        "Complaints are filed within 10 days of the decision, action or inaction "
        "(ODIHR [P] fn76, §XI; [R] §IX): for 2022-10-20 the window closed at 24:00 on "
        "2022-10-30 (Asia/Almaty)."
    )
    assert Complaint.objects.count() == 2


def test_complaint_in_the_last_five_days_is_considered_immediately(world):
    c = file(world, subject_date=dt.date(2022, 11, 16), filed_at=at("2022-11-17 10:00"))
    assert c.immediate is True
    assert c.decide_by == at("2022-11-18 10:00")
    assert c.deadline_rule.endswith(
        "Filed within 5 days before voting day: considered immediately ([R] fn62), within 24 hours."
    )


def test_immediate_rule_uses_the_local_day_of_the_respondent(world):
    # 14 Nov 18:30 UTC is 15 Nov 00:30 in Almaty (immediate) but 14 Nov 23:30 in Atyrau.
    almaty = file(world, subject_date=dt.date(2022, 11, 14), filed_at=at("2022-11-14 18:30"))
    atyrau = file(
        world,
        respondent_kind="official",
        respondent_commission_code="",
        respondent_name="Akim",
        addressed_to_code="KZ-23",
        subject_date=dt.date(2022, 11, 14),
        filed_at=at("2022-11-14 18:30"),
    )
    assert (almaty.immediate, almaty.decide_by) == (True, at("2022-11-15 18:30"))
    # Atyrau: 5 days from 14 Nov, until 24:00 on 19 Nov at UTC+5.
    assert (atyrau.immediate, atyrau.decide_by, atyrau.timezone) == (
        False,
        at("2022-11-19 19:00"),
        "Asia/Atyrau",
    )


def test_missing_fields_are_all_listed_and_nothing_is_stored(world):
    with pytest.raises(ComplaintInvalid) as exc:
        file(
            world,
            complainant_kind="alien",
            complainant_name="  ",
            respondent_commission_code="KZ-99",
            subject_kind="mood",
            subject_date=None,
            summary="",
            remedy="",
        )
    assert exc.value.code == "complaint_invalid"
    assert exc.value.message == "The complaint has 7 problem(s); nothing was stored."
    assert [e["field"] for e in exc.value.data["errors"]] == [
        "complainant_kind",
        "complainant_name",
        "respondent_commission",
        "subject_kind",
        "subject_date",
        "summary",
        "remedy",
    ]
    assert exc.value.data["errors"][2]["message"] == "No commission “KZ-99” in this election."
    assert (Complaint.objects.count(), world.events().count()) == (0, 0)


def test_future_subject_date_is_refused(world):
    with pytest.raises(ComplaintInvalid) as exc:
        file(world, subject_date=dt.date(2022, 11, 4))
    assert exc.value.data["errors"] == [
        {"field": "subject_date", "message": "The date 2022-11-04 is in the future."}
    ]
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("files", "errors"),
    [
        (
            [EvidenceFile("big.pdf", b"%PDF-" + b"x" * (5 * 1024 * 1024))],
            [
                {
                    "field": "evidence:big.pdf",
                    "message": "the file has 5242885 bytes; the limit is 5242880 bytes (5 MiB)",
                }
            ],
        ),
        (
            [EvidenceFile("run.exe", b"MZ\x90\x00\x03\x00\x00\x00\xff\xff")],
            [
                {
                    "field": "evidence:run.exe",
                    "message": "the file is not a PDF, JPEG, PNG or UTF-8 text file",
                }
            ],
        ),
        (
            [EvidenceFile("empty.txt", b"")],
            [{"field": "evidence:empty.txt", "message": "the file is empty"}],
        ),
        (
            [EvidenceFile(f"n{i}.txt", b"note") for i in range(6)],
            [{"field": "evidence", "message": "at most 5 files may be attached; got 6"}],
        ),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_stored(world, files, errors):
    with pytest.raises(EvidenceRejected) as exc:
        file(world, evidence=files)
    assert exc.value.data["errors"] == errors
    assert (Complaint.objects.count(), Evidence.objects.count(), world.events().count()) == (
        0,
        0,
        0,
    )


def test_results_challenge_standing_follows_the_profile(world):
    candidate = file(
        world,
        complainant_kind="candidate",
        complainant_name="Candidate A",
        respondent_commission_code="CEC",
        subject_kind="results",
        subject_date=dt.date(2022, 11, 22),
        filed_at=at("2022-11-24 06:00"),
    )
    president = file(
        world,
        complainant_kind="president",
        complainant_name="President",
        respondent_commission_code="CEC",
        subject_kind="results",
        subject_date=dt.date(2022, 11, 22),
        filed_at=at("2022-11-24 06:00"),
    )
    assert (candidate.body_court, candidate.no_standing) == ("Constitutional Council", True)
    assert candidate.standing_rule == (
        "Under this election's rule profile only these may challenge the results: "
        "chamber_speaker, mps_one_fifth, president, prime_minister ([P] §XI). "
        "The complaint is registered and will be dismissed unless the profile changes."
    )
    assert (president.no_standing, president.standing_rule) == (False, "")
    # Results window: 10 days from the announcement.
    late = file(
        world,
        complainant_kind="president",
        complainant_name="President",
        respondent_commission_code="CEC",
        subject_kind="results",
        subject_date=dt.date(2022, 11, 22),
        filed_at=at("2022-12-02 18:00"),
    )
    assert late.out_of_time is True
    assert "Results are challenged within 10 days of the announcement" in late.out_of_time_rule


def test_widened_standing_lets_a_voter_challenge_results(world, monkeypatch):
    from dataclasses import replace

    from psephos.elections.rules import calendar_profiles

    wide = replace(
        calendar_profiles.PRESIDENTIAL_DISPUTES,
        results_challenge_standing=frozenset(calendar_profiles.COMPLAINANT_KINDS),
        results_challenge_body="Supreme Court",
    )
    monkeypatch.setitem(calendar_profiles.DISPUTE_PROFILES, "kz-presidential-2022", wide)
    c = file(
        world,
        respondent_commission_code="CEC",
        subject_kind="results",
        subject_date=dt.date(2022, 11, 22),
        filed_at=at("2022-11-24 06:00"),
    )
    assert (c.no_standing, c.body_court) == (False, "Supreme Court")


def test_number_collision_ends_in_a_conflict_with_nothing_half_written(world):
    from psephos.core.errors import Conflict

    first = file(world)
    # A row holding the next key under a lower number makes every attempt collide.
    Complaint.objects.filter(pk=first.pk).update(key="kz-2022-presidential-c0002")
    events = Event.objects.count()
    with pytest.raises(Conflict) as exc:
        file(world, evidence=[EvidenceFile("photo.png", PNG)])
    assert exc.value.message == "Another complaint was filed at the same moment; submit again."
    assert (Complaint.objects.count(), Evidence.objects.count(), Event.objects.count()) == (
        1,
        0,
        events,
    )
