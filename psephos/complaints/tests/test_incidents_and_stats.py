"""Incidents turned into complaints; register statistics; the register's query budget."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.complaints.errors import ComplaintInvalid
from psephos.complaints.models import Complaint
from psephos.complaints.selectors import complaint_list_public, complaint_statistics
from psephos.complaints.selectors.finality import election_finality_check
from psephos.complaints.services.decisions import complaint_decide
from psephos.complaints.services.incidents import complaint_file_from_incident
from tests.support.country import ElectionPlan, election_write

from .conftest import at, confirm, vote
from .test_filing import file


def test_incident_becomes_a_complaint_against_the_station_commission(world):
    c = complaint_file_from_incident(
        election=world.presidential,
        incident_ref="OSCE-ODIHR-0042",
        organisation_name="Citizen observers' network",
        station_code="KZ-75-01-0001",
        occurred_at=at("2022-11-19 19:30"),  # 20 Nov 01:30 in Almaty
        category="ballot_stuffing",
        description="Several ballots put into the box by one person.",
        remedy="Recount the station's ballots.",
        actor="user:7",
        filed_at=at("2022-11-20 03:00"),
    )
    assert (c.complainant_kind, c.respondent_commission.code, c.body_commission.code) == (
        "observer_organisation",
        "KZ-75-01-0001",
        "KZ-75-01",
    )
    assert (c.subject_date, c.source_incident, c.immediate) == (
        dt.date(2022, 11, 20),
        "OSCE-ODIHR-0042",
        True,
    )
    assert c.summary == (
        "Observer incident OSCE-ODIHR-0042 (ballot_stuffing): "
        "Several ballots put into the box by one person."
    )
    public = complaint_list_public()[0]
    assert public.complainant == "Citizen observers' network"


def test_incident_at_an_unknown_station_is_refused(world):
    with pytest.raises(ComplaintInvalid):
        complaint_file_from_incident(
            election=world.presidential,
            incident_ref="X-1",
            organisation_name="Org",
            station_code="KZ-99-0001",
            occurred_at=at("2022-11-19 19:30"),
            category="other",
            description="x",
            remedy="y",
            actor="user:7",
        )
    assert Complaint.objects.count() == 0


@pytest.mark.usefixtures("no_summary_dismissal")
def test_statistics_count_outcomes_and_time_to_decide(world):
    a = file(world)  # decide by 8 Nov 18:00 UTC
    b = file(world, subject_kind="inaction")
    file(world, subject_date=dt.date(2022, 10, 1))  # out of time, stays open
    proposed = complaint_decide(
        complaint=a,
        user=world.almaty_user,
        facts="f",
        law="l",
        outcome="rejected",
        decided_at=at("2022-11-04 05:00"),
        vote=vote("1"),
    )
    confirm(a, proposed, world.almaty_user)
    proposed = complaint_decide(
        complaint=b,
        user=world.almaty_user,
        facts="f",
        law="l",
        outcome="upheld",
        decided_at=at("2022-11-09 05:00"),
        vote=vote("2"),
    )
    confirm(b, proposed, world.almaty_user)
    s = complaint_statistics(election_key="kz-2022-presidential", now=at("2022-11-09 06:00"))
    assert (s.total, s.decided, s.decided_in_time, s.overdue, s.out_of_time) == (3, 2, 1, 1, 1)
    assert s.by_outcome == {"rejected": 1, "upheld": 1}
    assert s.by_status == {"decided": 2, "open": 1}
    assert s.by_subject == {"decision": 2, "inaction": 1}
    assert (s.median_hours_to_decide, s.max_hours_to_decide) == (84.0, 144.0)  # 24 h and 144 h


def test_register_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(12):
        file(world)
    with django_assert_max_num_queries(3):
        rows = complaint_list_public(election_key="kz-2022-presidential")
    assert len(rows) == 12


def test_finality_of_an_election_without_recorded_dates_uses_the_statutory_day(world):
    e = election_write(
        ElectionPlan(
            key="kz-2029-presidential",
            kind="presidential",
            names=("x", "x", "x"),
            date=dt.date(2029, 3, 4),
            profile_key="unknown-profile",
            options=(),
        ),
        geography=world.geography,
    )
    check = election_finality_check(e, at=at("2029-03-10 00:00"))
    # Results due voting + 2 = 6 Mar; challengeable for 10 days: until 24:00 on 16 Mar.
    assert check.challengeable_until == at("2029-03-16 19:00")  # Asia/Almaty is UTC+5 since 2024
    assert check.allowed is False
