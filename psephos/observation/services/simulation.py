"""Simulate the ODIHR mission of the 2022 presidential report, and a citizen group's quick count.

The mission has 299 observers in two-person teams (one team of three) and makes
127 opening, 1,131 voting and 110 counting visits to polling stations and 96
tabulation visits to TECs ([P] §II). Answers are assigned so that the findings
reproduce the report's figures exactly (``REPORT_TARGETS``); items the report
does not quantify get an illustrative 10 % (``DEFAULT_SHARE``). Visits, not
stations, are the unit, so when the map has fewer stations than visits a station
is visited more than once, and the summary says so.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from psephos.accounts.enums import Role
from psephos.accounts.services.system_operators import (
    system_operators_delete,
    system_operators_ensure,
    system_operators_of,
)
from psephos.commissions.rules.decisions import DecisionVote
from psephos.commissions.selectors import commission_members_on, commission_top_get, tecs_district
from psephos.commissions.services import decisions_delete_proposed_by
from psephos.core.errors import Conflict, NotFound
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system
from psephos.ledger.services.events import event_record, events_record_many
from psephos.territory.selectors import (
    regions_list,
    station_region_code,
    stations_regular,
    stations_regular_count,
)

from ..enums import AccreditationStatus, AssignmentKind, Channel, OrganisationKind
from ..models import Accreditation, Assignment, Observer, Submission, Team
from ..rules.forms import NO, YES, FormSpec
from ..rules.library import builtin_forms
from .crypto import seal
from .forms import form_library_install, form_publish, form_resolve, form_spec
from .observers import (
    DECISION_DAYS,
    accreditation_decision_confirm,
    accreditation_propose,
    observer_code_new,
)
from .organisations import organisation_create

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation

OBSERVERS = 299
# The two simulated organisations' names in English, Kazakh and Russian.
MISSION_NAMES = {
    "en": "OSCE/ODIHR Election Observation Mission",
    "kk": "ЕҚЫҰ/ДИАҚБ сайлауды бақылау жөніндегі миссиясы",
    "ru": "Миссия БДИПЧ ОБСЕ по наблюдению за выборами",
}
NETWORK_NAMES = {
    "en": "Citizen quick-count network",
    "kk": "Дауыстарды параллель санаудың азаматтық желісі",
    "ru": "Гражданская сеть параллельного подсчёта голосов",
}
VISITS = {"opening": 127, "voting": 1131, "counting": 110, "tabulation": 96}
DEFAULT_SHARE = 0.10

#: Problem counts per item and the number of negative overall ratings ([P] §XIII).
REPORT_TARGETS: dict[str, dict[str, int]] = {
    "opening": {
        "overall_negative": 3,
        "opened_on_time": 0,
        "ballots_counted_announced": 30,
        "boxes_shown_sealed": 4,  # "a few cases"
        "ballots_secure": 3,  # "a few cases"
    },
    "voting": {
        "overall_negative": 57,  # positive in 1,074 of 1,131 = 95 %
        "secrecy_not_ensured": 45,  # 4 %
        "identical_signatures": 90,  # 8 %
        "group_voting": 34,  # 3 %
        "ballot_stuffing": 6,  # "a few instances"
        "tracking_voters": 57,  # 5 %
        "photographing_ballots": 40,  # "a number of"
        "avc_not_retained": 102,  # 9 %
        "avc_data_not_added": 90,  # 8 %
        "voters_turned_away": 158,  # 14 %
        "voted_without_id": 34,  # 3 %
        "unauthorised_present": 68,  # 6 %
        "party_observers_present": 780,  # more than two-thirds (69 %)
        "citizen_observers_present": 961,  # 85 %
        "observers_no_clear_view": 79,  # 7 %
        "odihr_restricted": 57,  # 5 %
        "no_disability_access": 317,  # 28 %
        "no_assistive_tools": 68,  # 6 %
        "chair_woman": 713,  # 63 %
        "egov_check_applied": 452,  # about 40 %
    },
    "counting": {
        "overall_negative": 65,
        "procedures_not_followed": 58,  # more than half
        "poorly_organised": 47,
        "list_total_announced": 72,
        "issued_from_signatures": 71,
        "counted_before_sorting": 67,
        "choice_announced": 88,
        "ballots_exceed_signatures": 13,
        "marks_not_visible": 57,  # more than half
        "validity_unreasonable": 34,
        "validity_inconsistent": 30,
        "protocol_complete_in_pen": 24,
        "figures_announced": 60,
        "protocol_posted": 33,
        "odihr_restricted": 38,  # more than one-third
        "citizen_no_clear_view": 47,
    },
    "tabulation": {
        "overall_negative": 30,
        "pecs_completing_at_tec": 15,
        "protocols_modified_without_decision": 5,
        "conditions_inadequate": 18,
        "overcrowded": 9,
        "observers_restricted": 32,  # one-third
        "access_denied": 14,
        "moved_higher_level": 5,
    },
}

#: The actor of every event the simulated mission writes.
SIMULATE_SYSTEM = "simulate"
SIMULATE = actor_system(SIMULATE_SYSTEM)


@dataclass
class SimulationSummary:
    organisation: str
    observers: int
    teams: int
    visits: dict[str, int]
    stations_available: int
    tecs_available: int
    notices: list[str] = field(default_factory=list)
    quickcount: dict[str, Any] = field(default_factory=dict)


def answers_for_phase(spec: FormSpec, n: int, rng: random.Random) -> list[dict[str, Any]]:
    """Return ``n`` answer sets whose problem counts equal ``REPORT_TARGETS`` for the phase."""
    targets = REPORT_TARGETS.get(spec.phase, {})
    out: list[dict[str, Any]] = [{} for _ in range(n)]
    for q in spec.questions:
        if q.relevant is not None:
            continue
        if q.type == "rating":
            k = targets.get("overall_negative", round(DEFAULT_SHARE * n))
            negative = set(rng.sample(range(n), k))
            for i in range(n):
                if i in negative:
                    out[i][q.id] = 4 if rng.random() < 0.3 else 3
                else:
                    out[i][q.id] = 1 if rng.random() < 0.35 else 2
        elif q.type == "yes_no":
            k = targets.get(q.name, round(DEFAULT_SHARE * n))
            hit_value = q.problem if q.problem is not None else YES
            miss_value = NO if hit_value == YES else YES
            hits = set(rng.sample(range(n), k))
            for i in range(n):
                out[i][q.id] = hit_value if i in hits else miss_value
        elif q.type == "number" and q.name == "voters_on_list":
            for i in range(n):
                out[i][q.id] = rng.randint(400, 2500)
    listed = spec.by_name("voters_on_list")
    voted = spec.by_name("voted_so_far")
    away = spec.by_name("voters_turned_away")
    away_n = spec.by_name("voters_turned_away_count")
    for a in out:
        if listed and voted:
            a[voted.id] = int(a[listed.id] * rng.uniform(0.15, 0.75))
        if away and away_n and a.get(away.id) == YES:
            a[away_n.id] = rng.randint(1, 6)
    return out


def observers_accredit_simulated(
    *,
    election: Election,
    observers: list[Observer],
    applied_at: dt.datetime,
    decided_on: dt.date,
    number: str,
    reasons: str,
) -> None:
    """Apply for the observers and accredit them by one formal decision of the CEC (simulated).

    The simulation acts as two system operators of the central commission
    (``accounts.services.system_operators``): the first proposes the decision (all
    members present and in favour on ``decided_on``), the second confirms it, through
    the same services as people (``accreditation_propose``,
    ``accreditation_decision_confirm``), so the decision is in the commission's register.
    """
    cec = commission_top_get(geography=election.geography)
    proposer, confirmer = system_operators_ensure(
        commission=cec, role=Role.CEC_OPERATOR, system=SIMULATE_SYSTEM
    )
    accreditations = Accreditation.objects.bulk_create(
        Accreditation(
            election=election,
            observer=o,
            status=AccreditationStatus.APPLIED,
            applied_at=applied_at,
            decide_by=applied_at + dt.timedelta(days=DECISION_DAYS),
            badge_token=secrets.token_hex(16),
        )
        for o in observers
    )
    members = commission_members_on(commission=cec, on=decided_on)
    accreditation_propose(
        accreditations=accreditations,
        status=AccreditationStatus.ACCREDITED,
        reasons=reasons,
        user=proposer,
        number=number,
        on=decided_on,
        vote=DecisionVote(members, members, members, 0),
        document=(
            f"Simulated decision No. {number} of {cec.code} of {decided_on.isoformat()}: "
            f"{len(observers)} observers accredited for {election.key}."
        ).encode(),
    )
    accreditation_decision_confirm(user=confirmer, election=election, number=number)


def mission_simulate(*, election: Election, seed: int) -> SimulationSummary:
    """Create the ODIHR mission of the presidential report with its visits and checklists."""
    rng = random.Random(seed)
    form_library_install()
    key = f"odihr-eom-{election.key}"[:64]
    org = organisation_create(
        key=key,
        name=MISSION_NAMES["en"],
        name_kk=MISSION_NAMES["kk"],
        name_ru=MISSION_NAMES["ru"],
        kind=OrganisationKind.INTERNATIONAL,
    )
    if Submission.objects.filter(organisation=org, election=election).exists():
        raise Conflict(
            f"The mission {key} is already simulated for {election.key}.",
            data={"organisation": key, "election": election.key},
        )
    geo = election.geography_id
    regions = regions_list(geography_id=geo)
    stations = stations_regular(geography_id=geo)
    tecs = tecs_district(geography_id=geo)
    if not regions or not stations or not tecs:
        raise Conflict(
            f"Election {election.key} has no regions, stations or TECs yet; run `psephos simulate` first.",
            data={"election": election.key},
        )
    summary = SimulationSummary(
        organisation=key,
        observers=OBSERVERS,
        teams=0,
        visits=dict(VISITS),
        stations_available=len(stations),
        tecs_available=len(tecs),
    )
    if len(stations) < VISITS["voting"]:
        summary.notices.append(
            f"Only {len(stations):,} regular polling stations exist (special and abroad "
            f"stations are not visited), fewer than the {VISITS['voting']:,} voting visits: "
            "stations are visited more than once (ODIHR counts visits, not stations)."
        )
    if len(tecs) < VISITS["tabulation"]:
        summary.notices.append(
            f"Only {len(tecs)} TECs exist, fewer than the {VISITS['tabulation']} tabulation visits: "
            "TECs are visited more than once."
        )
    by_region: dict[str, list[PollingStation]] = {}
    for s in stations:
        by_region.setdefault(station_region_code(s), []).append(s)
    tecs_by_region: dict[str, list[Commission]] = {}
    for t in tecs:
        tecs_by_region.setdefault(t.region.code if t.region else "", []).append(t)
    now = dt.datetime.combine(election.date, dt.time(0, 0), tzinfo=dt.UTC)
    with transaction.atomic():
        observers = Observer.objects.bulk_create(
            Observer(
                organisation=org,
                code=observer_code_new(),
                region=regions[i % len(regions)],
                name_enc=seal(f"STO {i + 1:03d}"),
                phone_enc="",
                document_enc=seal(f"P{rng.randint(10**7, 10**8 - 1)}"),
                created_at=now,
            )
            for i in range(OBSERVERS)
        )
        observers_accredit_simulated(
            election=election,
            observers=observers,
            applied_at=now - dt.timedelta(days=30),
            decided_on=(now - dt.timedelta(days=27)).date(),
            number=f"sim-eom-{election.pk}",
            reasons="Accredited by the CEC on the mission's application.",
        )
        # Two-person teams, one of three: 148 × 2 + 3 = 299.
        teams: list[list[Observer]] = []
        by_obs_region: dict[int, list[Observer]] = {}
        for o in observers:
            by_obs_region.setdefault(o.region_id, []).append(o)
        pool = [o for group in by_obs_region.values() for o in group]
        i = 0
        while i < len(pool):
            size = 3 if len(pool) - i == 3 else 2
            teams.append(pool[i : i + size])
            i += size
        summary.teams = len(teams)
        team_rows = Team.objects.bulk_create(
            Team(organisation=org, name=f"Team {t + 1:03d}", region=members[0].region)
            for t, members in enumerate(teams)
        )
        for team, members in zip(team_rows, teams, strict=True):
            team.observers.set(members)
        subs: list[Submission] = []
        assignments: list[Assignment] = []
        times = {"opening": (7, 0), "voting": (12, 0), "counting": (20, 30), "tabulation": (23, 30)}
        for phase, n in VISITS.items():
            form = form_resolve(organisation=org, key=phase)
            spec = form_spec(form)
            answers = answers_for_phase(spec, n, rng)
            for v in range(n):
                members = teams[v % len(teams)]
                lead = members[0]
                region = next(r for r in regions if r.pk == lead.region_id)
                hour, minute = times[phase]
                at = now + dt.timedelta(hours=hour, minutes=minute + (v // len(teams)) * 40)
                station = tec = None
                if phase == "tabulation":
                    choices = tecs_by_region.get(region.code) or tecs
                    tec = (
                        choices[(v // len(teams)) % len(choices)]
                        if len(tecs) >= n
                        else rng.choice(choices)
                    )
                    place, rcode, urban = (
                        tec.code,
                        (tec.region.code if tec.region else tec.code),
                        None,
                    )
                else:
                    choices_s = by_region.get(region.code) or stations
                    station = rng.choice(choices_s)
                    place, rcode, urban = station.code, station_region_code(station), station.urban
                for m in members:
                    assignments.append(
                        Assignment(
                            election=election,
                            observer=m,
                            kind=AssignmentKind.ROVING,
                            station=station,
                            tec=tec,
                            starts_at=at,
                            ends_at=at + dt.timedelta(minutes=35),
                        )
                    )
                rating_q = spec.rating_question
                subs.append(
                    Submission(
                        election=election,
                        organisation=org,
                        observer=lead,
                        form=form,
                        client_id=f"sim-{phase}-{v + 1:04d}",
                        channel=Channel.SIMULATION,
                        station=station,
                        tec=tec,
                        place_code=place,
                        region_code=rcode,
                        urban=urban,
                        answers=answers[v],
                        rating=answers[v].get(rating_q.id) if rating_q else None,
                        submitted_at=at + dt.timedelta(minutes=40),
                        received_at=at + dt.timedelta(minutes=40),
                    )
                )
        Assignment.objects.bulk_create(assignments, batch_size=2000)
        Submission.objects.bulk_create(subs, batch_size=1000)
        events_record_many(
            actor=SIMULATE,
            role="observation",
            events=[
                (
                    "observation.submission.record",
                    f"observation/{key}/submission/{s.client_id}",
                    {"form": s.form.key, "place": s.place_code, "channel": Channel.SIMULATION},
                )
                for s in subs
            ],
        )
        event_record(
            actor=SIMULATE,
            role="observation",
            action="observation.mission.simulate",
            object_key=f"observation/{key}/{election.key}",
            payload={"seed": seed, "observers": OBSERVERS, "teams": len(teams), "visits": VISITS},
        )
    return summary


def quickcount_simulate(
    *,
    election: Election,
    seed: int,
    size: int,
    official_rows: list[dict[str, Any]],
    option_keys: list[str],
) -> dict[str, Any]:
    """Create a citizen group's quick count: a seeded sample and observers' protocol copies.

    ``official_rows`` are the published station rows (``results`` read model); an
    observer's copy equals the station's accepted protocol, so the estimate can be
    compared with the official result. Stations without an accepted protocol are
    reported missing.
    """
    from .quickcount import quickcount_sample_draw

    key = f"citizen-pvt-{election.key}"[:64]
    org = organisation_create(
        key=key,
        name=NETWORK_NAMES["en"],
        name_kk=NETWORK_NAMES["kk"],
        name_ru=NETWORK_NAMES["ru"],
        kind=OrganisationKind.CITIZEN,
        sampling=True,
    )
    if Submission.objects.filter(organisation=org, election=election).exists():
        raise Conflict(f"The quick count {key} is already simulated.", data={"organisation": key})
    spec = next(f for f in builtin_forms(option_keys) if f.key == "quickcount")
    form = form_publish(organisation=org, spec=spec)
    spec = form_spec(form)
    frame_size = stations_regular_count(geography_id=election.geography_id)
    sample = quickcount_sample_draw(
        election=election, organisation=org, size=min(size, frame_size), seed=seed
    )
    official = {r["station"]: r for r in official_rows if r.get("status") == "accepted"}
    drawn = list(sample.stations.filter(reserve=False).select_related("station__unit__parent"))
    now = dt.datetime.combine(election.date, dt.time(21, 0), tzinfo=dt.UTC)
    ids = {q.name: q.id for q in spec.questions}
    with transaction.atomic():
        observers = Observer.objects.bulk_create(
            Observer(
                organisation=org,
                code=observer_code_new(),
                region=d.station.unit.parent or d.station.unit,
                name_enc=seal(f"PVT {i + 1:04d}"),
                created_at=now,
            )
            for i, d in enumerate(drawn)
        )
        observers_accredit_simulated(
            election=election,
            observers=observers,
            applied_at=now - dt.timedelta(days=20),
            decided_on=(now - dt.timedelta(days=16)).date(),
            number=f"sim-pvt-{election.pk}",
            reasons="Nominated by the organisation's letter; eligibility checked.",
        )
        subs = []
        missing = 0
        for d, o in zip(drawn, observers, strict=True):
            row = official.get(d.station.code)
            if row is None:
                missing += 1
                continue
            answers = {
                ids["voters_on_list"]: int(row["voters_on_list"]),
                ids["ballots_cast"]: int(row["ballots_found"]),
                ids["ballots_invalid"]: int(row["ballots_invalid"]),
                ids["ballots_valid"]: int(row["ballots_valid"]),
            }
            for opt in option_keys:
                answers[ids["votes_" + opt.replace("-", "_")]] = int(row.get(opt) or 0)
            subs.append(
                Submission(
                    election=election,
                    organisation=org,
                    observer=o,
                    form=form,
                    client_id="sim-qc",
                    channel=Channel.SIMULATION,
                    station=d.station,
                    place_code=d.station.code,
                    region_code=station_region_code(d.station),
                    urban=d.station.urban,
                    answers=answers,
                    submitted_at=now + dt.timedelta(minutes=rng_minutes(seed, d.order)),
                    received_at=now,
                )
            )
        Assignment.objects.bulk_create(
            Assignment(
                election=election,
                observer=o,
                kind=AssignmentKind.FIXED,
                station=d.station,
                starts_at=now,
            )
            for d, o in zip(drawn, observers, strict=True)
        )
        Submission.objects.bulk_create(subs, batch_size=1000)
        event_record(
            actor=SIMULATE,
            role="observation",
            action="observation.quickcount.simulate",
            object_key=f"observation/{key}/{election.key}",
            payload={"seed": seed, "sampled": len(drawn), "reported": len(subs)},
        )
    return {
        "organisation": key,
        "seed": seed,
        "sampled": len(drawn),
        "reported": len(subs),
        "missing": missing,
    }


def rng_minutes(seed: int, order: int) -> int:
    """Return a reproducible arrival delay in minutes for a sampled station."""
    return random.Random(seed * 100003 + order).randint(0, 180)


def simulated_mission_delete(*, election_key: str) -> int:
    """Delete the simulated mission and quick-count organisations of an election.

    Used before ``psephos simulate --replace`` rebuilds the election: their observers,
    teams, submissions and samples refer to the stations being replaced; the system
    operators that accredited them, and their decisions, refer to the commissions being
    replaced. Return the number of organisations deleted; writes one ledger event when
    any were (and the operators' services theirs).
    """
    from ..models import FormDefinition, Organisation, SmsMessage

    keys = [f"odihr-eom-{election_key}"[:64], f"citizen-pvt-{election_key}"[:64]]
    with transaction.atomic():
        orgs = list(Organisation.objects.filter(key__in=keys))
        if orgs:
            # Submissions protect their observers and forms: remove them first.
            # Filters on the foreign key's column with a plain subquery: a filter across the
            # relation (observer__organisation) makes Django delete "WHERE id IN (a self-join)",
            # which PostgreSQL runs as a nested loop over every row when the rows were written
            # in the same transaction and the statistics still say the table is empty.
            submissions = Submission.objects.filter(organisation__in=orgs).values("id")
            observers = Observer.objects.filter(organisation__in=orgs).values("id")
            SmsMessage.objects.filter(submission_id__in=submissions).delete()
            Submission.objects.filter(organisation__in=orgs).delete()
            Assignment.objects.filter(observer_id__in=observers).delete()
            Accreditation.objects.filter(observer_id__in=observers).delete()
            Observer.objects.filter(organisation__in=orgs).delete()
            Team.objects.filter(organisation__in=orgs).delete()
            FormDefinition.objects.filter(organisation__in=orgs).delete()
            for org in orgs:
                org.delete()
            event_record(
                actor=SIMULATE,
                role="observation",
                action="observation.mission.delete",
                object_key=f"observation/{election_key}",
                payload={"organisations": sorted(o.key for o in orgs)},
            )
        _system_operators_remove(election_key)
    return len(orgs)


def _system_operators_remove(election_key: str) -> None:
    """Remove the CEC's system operators and the decisions they took (the map is rebuilt)."""
    try:
        election = election_get(key=election_key)
        cec = commission_top_get(geography=election.geography)
    except NotFound:
        return
    operators = system_operators_of(commission=cec, system=SIMULATE_SYSTEM)
    if operators:
        decisions_delete_proposed_by(users=operators, actor=SIMULATE)
        system_operators_delete(users=operators, system=SIMULATE_SYSTEM)


def simulated_observer_link(*, election: Election, user: Any) -> tuple[str, str] | None:
    """Bind ``user`` to the first accredited observer of the election (the demo's login).

    Returns the observer's badge number and organisation key, or None when the
    election has no accredited observer. Call inside the caller's transaction.
    """
    accreditation = (
        Accreditation.objects.filter(election=election, status=AccreditationStatus.ACCREDITED)
        .select_related("observer__organisation")
        .order_by("observer__code")
        .first()
    )
    if accreditation is None:
        return None
    observer = accreditation.observer
    Observer.objects.filter(user=user).exclude(pk=observer.pk).update(user=None)
    observer.user = user
    observer.save(update_fields=["user"])
    return observer.code, observer.organisation.key
