"""The commissions' campaign in a simulated presidential election: sessions and complaints.

Through the commissions' and complaints' own services, each at its date under the
simulated clock (``core.clock.fixed``), between the candidates' registration and voting
day, so that the evidence of [P] Rec 12 (sessions announced with their agenda 24 h
ahead) and Rec 21 (complaint decisions public with reasons) has something to count.

What the report gives and what is invented ([P] = the 2022 presidential final report):

- The CEC's sessions: their subjects are the main resolutions [P] fn 30 lists (the
  lower-level commissions, candidate registration, the media rules, participation of
  persons with disabilities, the ballot, the accreditation of international observers);
  "the CEC used its Telegram channel to inform stakeholders before the sessions" (fn 30)
  — announced two days ahead here; the dates are invented.
- The TECs' sessions: "TEC sessions were often held on an ad hoc basis, without informing
  stakeholders" ([P] §V) — here four of six district commissions announce theirs three
  hours ahead, two a day and two hours ahead; the share and the hours are invented. The
  2022 law set no notice (``elections.rules.profiles``: "no legal minimum", UNVERIFIED),
  so these sessions are announced with the notice 2022 required, none; psephos's
  profile default (24 h) would refuse them.
- Complaints: the CEC received "some 220 applications" and did not discuss complaints in
  public sessions ([P] §XIII); here five complaints against regional commissions, each
  decided by the CEC with the facts found and the law applied (invented texts), by one
  simulated CEC operator and confirmed by another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from psephos.accounts.enums import Role
from psephos.accounts.selectors import users_by_username
from psephos.accounts.services.invitations import operator_invite
from psephos.commissions.enums import CommissionLevel
from psephos.commissions.selectors import (
    commission_list_for_level,
    commission_top_get,
    tecs_district,
)
from psephos.commissions.sessions import session_announce
from psephos.complaints.services.decisions import (
    CommissionVote,
    complaint_decide,
    complaint_decision_confirm,
)
from psephos.complaints.services.filing import complaint_file
from psephos.core import clock
from psephos.ledger.actors import actor_system

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election

ACTOR = actor_system("simulate")
ZONE = ZoneInfo("Asia/Almaty")

# (days before voting day, agenda) of the CEC's sessions, [P] fn 30's subjects.
CEC_SESSIONS = (
    (58, "1. On the establishment of the territorial and precinct election commissions."),
    (52, "1. On the rules for the media during the election campaign."),
    (45, "1. On measures to enhance the participation of persons with disabilities."),
    (40, "1. On the registration of candidates for President of the Republic of Kazakhstan."),
    (30, "1. On the text and design of the ballot paper."),
    (26, "1. On the accreditation of international observers."),
)
CEC_NOTICE = dt.timedelta(days=2)
# (days before voting day, hours of notice) of six district commissions' sessions.
TEC_SESSIONS = ((12, 3), (10, 26), (8, 3), (6, 3), (5, 26), (3, 3))
TEC_AGENDA = "1. On the transfer of ballot papers to the precinct election commissions."
# (days before voting day the complaint is filed, complainant kind, complainant, summary,
# outcome, facts, law) — invented; all against a regional commission, decided by the CEC.
COMPLAINTS = (
    (
        30,
        "observer_organisation",
        "Simulated citizen observers' network",
        "The regional commission refused to accredit two of our observers.",
        "rejected",
        "The applications were filed after the deadline the CEC set.",
        "Constitutional Law on Elections, Art. 20-1.",
    ),
    (
        25,
        "nominating_body",
        "Simulated nominating association",
        "The regional commission did not answer our request for the list of polling stations.",
        "upheld",
        "The request was received and left without an answer beyond the legal term.",
        "Constitutional Law on Elections, Art. 20.",
    ),
    (
        20,
        "candidate",
        "Simulated candidate's representative",
        "Campaign posters were removed from a place the regional commission had designated.",
        "partly_upheld",
        "Two of the five places were designated; the others were not.",
        "Constitutional Law on Elections, Art. 28.",
    ),
    (
        12,
        "observer_organisation",
        "Simulated citizen observers' network",
        "The regional commission's session was held without notice to observers.",
        "rejected",
        "The law sets no notice for sessions; the session was open to those present.",
        "Constitutional Law on Elections, Art. 12.",
    ),
    (
        6,
        "nominating_body",
        "Simulated nominating association",
        "Voter lists were not displayed at two precincts on the day the law requires.",
        "upheld",
        "The lists were displayed one day late at both precincts.",
        "Constitutional Law on Elections, Art. 24.",
    ),
)
FILED_HOUR, DECIDED_AFTER = 10, dt.timedelta(days=2)


@dataclass(frozen=True, slots=True)
class CommissionActivity:
    sessions: int
    sessions_announced_24h: int
    complaints: int


def _local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZONE)


def simulated_operator(username: str, role: Role, commission: Commission) -> User:
    """The simulation's operator of ``commission`` (the candidates step's, when it ran)."""
    existing = users_by_username(usernames=[username]).get(username)
    if existing is not None and existing.is_active and existing.commission_id == commission.pk:
        return existing
    return operator_invite(username=username, role=role, commission=commission, actor=ACTOR)[0]


def commission_activity_simulate(*, election: Election) -> CommissionActivity:
    """Announce the CEC's and six TECs' sessions and file and decide five complaints,
    each at its date; return the counts. Runs in the caller's transaction."""
    geography = election.geography
    cec = commission_top_get(geography=geography)
    tecs = tecs_district(geography_id=geography.pk)[: len(TEC_SESSIONS)]
    regions = list(
        commission_list_for_level(geography=geography, level=CommissionLevel.TEC_REGION).order_by(
            "code"
        )
    )
    first, second = (
        simulated_operator(f"simulate-cec-{i}", Role.CEC_OPERATOR, cec) for i in (1, 2)
    )
    in_time = 0
    for number, (days, agenda) in enumerate(CEC_SESSIONS, start=1):
        starts = _local(election.date - dt.timedelta(days=days), 11)
        with clock.fixed(starts - CEC_NOTICE):
            session_announce(
                user=first,
                commission=cec,
                number=f"SIM-{number}",
                starts_at=starts,
                agenda=agenda,
                place="Astana, CEC",
                notice_hours=24,
            )
        in_time += 1
    for tec, (days, hours) in zip(tecs, TEC_SESSIONS, strict=False):
        starts = _local(election.date - dt.timedelta(days=days), 15)
        user = simulated_operator(f"simulate-tec-{tec.code}", Role.TEC_OPERATOR, tec)
        with clock.fixed(starts - dt.timedelta(hours=hours)):
            session_announce(
                user=user,
                commission=tec,
                number="SIM-1",
                starts_at=starts,
                agenda=TEC_AGENDA,
                notice_hours=0,  # the 2022 law set none (module docstring)
            )
        in_time += hours >= 24
    for n, (days, kind, name, summary, outcome, facts, law) in enumerate(COMPLAINTS, start=1):
        filed = _local(election.date - dt.timedelta(days=days), FILED_HOUR)
        region = regions[(n - 1) % len(regions)]
        with clock.fixed(filed):
            complaint = complaint_file(
                election=election,
                complainant_kind=kind,
                complainant_name=name,
                respondent_kind="commission",
                respondent_commission_code=region.code,
                subject_kind="action",
                subject_date=(filed - dt.timedelta(days=1)).date(),
                summary=summary,
                remedy="Remedy the violation.",
                actor=ACTOR,
                role="system",
                filed_at=filed,
            )
        decided = filed + DECIDED_AFTER
        with clock.fixed(decided):
            vote = CommissionVote(
                number=f"SIM-C/{n}",
                votes_for=7,
                votes_against=0,
                present=7,
                document=f"CEC decision SIM-C/{n}".encode(),
            )
            complaint_decide(
                complaint=complaint,
                user=first,
                facts=facts,
                law=law,
                outcome=outcome,
                vote=vote,
                decided_at=decided,
            )
            complaint_decision_confirm(user=second, complaint=complaint, number=vote.number)
    return CommissionActivity(
        sessions=len(CEC_SESSIONS) + min(len(tecs), len(TEC_SESSIONS)),
        sessions_announced_24h=in_time,
        complaints=len(COMPLAINTS),
    )
