"""Simulate the media monitoring of an election through the media app's real import.

The outlets, a monitoring plan and the coded items of ``rules.media`` go through
``media.services`` exactly as a monitoring team's would: the plan is validated, every
item is checked by the CSV import, a seeded draw picks 10 % for a blind second coding,
and the second coder's file is imported too. The report selector then reproduces the
published shares.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction

from psephos.accounts.selectors import users_by_username
from psephos.commissions.rules.decisions import DecisionVote
from psephos.core import clock
from psephos.elections.selectors import election_exists, election_get
from psephos.ledger.actors import actor_system
from psephos.media.errors import OutletNotFound
from psephos.media.rules.draw import commitment
from psephos.media.selectors import (
    candidate_keys,
    debate_list,
    draw_get,
    outlet_get,
    plan_list_for_election,
)
from psephos.media.services.airtime import (
    airtime_delete,
    broadcasts_record,
    draw_commit,
    draw_confirm,
    draw_propose,
    draw_run,
    slots_import,
)
from psephos.media.services.checks import checks_assign
from psephos.media.services.debates import DebateSpec, debate_record, debates_delete
from psephos.media.services.items import items_import
from psephos.media.services.outlets import (
    OutletSpec,
    PlanSpec,
    outlet_register,
    plan_create,
    plan_delete,
)
from psephos.media.services.paid import ads_record, rates_publish

from ..rules import media as figures

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.media.models import MonitoringPlan

ACTOR = actor_system("simulate")
PLAN_KEY = "odihr-eom"


@dataclass(frozen=True, slots=True)
class MediaSimulation:
    plan: MonitoringPlan
    items: int
    checks: int
    slots: int = 0  # free airtime slots offered and drawn
    broadcasts: int = 0  # their records as aired (outlets' and monitors')
    ads: int = 0  # paid ads


def _outlets(keys: tuple[str, ...]) -> None:
    by_key = {o.key: o for o in figures.TV + figures.ONLINE + figures.airtime_outlets()}
    for key in keys:
        try:
            outlet_get(key=key)
        except OutletNotFound:
            o = by_key[key]
            outlet_register(
                spec=OutletSpec(o.key, o.medium, o.names, o.ownership, o.state_owned),
                actor=ACTOR,
            )


def media_simulate(*, election: Election, seed: int = 2022) -> MediaSimulation:
    """Create the mission's monitoring plan for ``election`` and import its coded items.

    A presidential election gets the 12 outlets, prime time, 21 Oct – 20 Nov 2022; a
    referendum the screening of 193 clips on four channels' websites, 23 May – 3 Jun.
    """
    keys: tuple[str, ...]
    if election.kind == "referendum":
        keys = figures.REFERENDUM_OUTLETS
        items = figures.referendum_items(seed)
        (start, end), window, incumbent = figures.REFERENDUM_PERIOD, (0, 24 * 60), ""
        name = "ODIHR content-based screening of video clips"
    else:
        keys = tuple(o.key for o in figures.TV + figures.ONLINE)
        items = figures.presidential_items(seed)
        (start, end), window, incumbent = (
            figures.PRESIDENTIAL_PERIOD,
            figures.WINDOW,
            figures.INCUMBENT,
        )
        name = "ODIHR EOM media monitoring, prime time"
    with transaction.atomic():
        _outlets(keys)
        plan = plan_create(
            election=election,
            spec=PlanSpec(
                key=PLAN_KEY,
                name=name,
                outlets=keys,
                starts_on=start,
                ends_on=end,
                window_start=window[0],
                window_end=window[1],
                coders=figures.CODERS,
                incumbent=incumbent,
            ),
            actor=ACTOR,
        )
        first = items_import(
            plan=plan, data=figures.items_csv(items), file_name="coded-items.csv", actor=ACTOR
        )
        drawn = checks_assign(plan=plan, seed=f"simulate-{seed}", actor=ACTOR)
        second = figures.second_codings(items, drawn, seed)
        checks = items_import(
            plan=plan, data=figures.items_csv(second), file_name="second-coding.csv", actor=ACTOR
        )
        if incumbent and not debate_list(election=election):
            _debate(election, incumbent)
        airtime = airtime_simulate(election=election, seed=seed) if incumbent else None
    return MediaSimulation(
        plan=plan,
        items=first.items,
        checks=checks.checks,
        slots=airtime.slots if airtime else 0,
        broadcasts=airtime.broadcasts if airtime else 0,
        ads=airtime.ads if airtime else 0,
    )


@dataclass(frozen=True, slots=True)
class AirtimeSimulation:
    slots: int
    broadcasts: int
    ads: int


def _local(election: Election, at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=ZoneInfo(election.geography.timezone))


def airtime_simulate(*, election: Election, seed: int) -> AirtimeSimulation:
    """Free airtime, its draw, the broadcasts and paid ads, as files through the media
    app's imports, as a commission would (``rules.media``: what is published, what is
    invented).

    The slots are offered, the seed's SHA-256 committed two days before the draw, and the
    draw run by the CEC's decision proposed and confirmed by two simulated CEC operators
    when the candidates' simulation made them (``--candidates``), else run directly.
    Outlets and monitors record the slots as aired; rates and ads come as CSV.
    """
    if draw_get(election=election) is not None:
        return AirtimeSimulation(0, 0, 0)
    candidates = candidate_keys(election=election)
    _outlets(tuple(o.key for o in figures.airtime_outlets()))
    slots = figures.free_slots(len(candidates))
    offered = slots_import(
        election=election, data=figures.slots_csv(slots), file_name="slots.csv", actor=ACTOR
    )
    with clock.fixed(_local(election, figures.DRAW_COMMITTED)):
        draw_commit(election=election, commitment_sha256=commitment(figures.DRAW_SEED), actor=ACTOR)
    with clock.fixed(_local(election, figures.DRAW_DECIDED)):
        allocation = _draw(election)
    aired = sum(
        broadcasts_record(
            election=election,
            data=figures.broadcasts_csv(slots, allocation, source),
            file_name=f"broadcasts-{source}.csv",
            source=source,
            actor=ACTOR,
        )
        for source in ("outlet", "monitor")
    )
    _outlets(tuple(figures.BANNER_RATES))
    rates_publish(election=election, data=figures.rates_csv(), file_name="rates.csv", actor=ACTOR)
    ads = ads_record(
        election=election,
        data=figures.ads_csv(candidates, seed),
        file_name="paid-ads.csv",
        actor=ACTOR,
    )
    return AirtimeSimulation(offered, aired, ads)


def _draw(election: Election) -> dict[str, str]:
    """Run the draw by the CEC's decision when two simulated CEC operators exist."""
    users = users_by_username(usernames=["simulate-cec-1", "simulate-cec-2"])
    if len(users) < 2:
        return draw_run(election=election, seed=figures.DRAW_SEED, actor=ACTOR)
    draw_propose(
        election=election,
        user=users["simulate-cec-1"],
        seed=figures.DRAW_SEED,
        number=figures.DRAW_DECISION,
        decided_on=figures.DRAW_DECIDED.date(),
        vote=DecisionVote(0, 7, 7, 0),
        reasons="Free airtime from the state budget allocated by lot (invented decision)",
        document=f"CEC resolution {figures.DRAW_DECISION}: free airtime draw".encode(),
    )
    return draw_confirm(
        election=election, user=users["simulate-cec-2"], number=figures.DRAW_DECISION
    )


def _debate(election: Election, incumbent: str) -> None:
    """Record the CEC's debate: every candidate in person, the incumbent represented."""
    key, at, outlet = figures.DEBATE
    answers = {
        c: "represented" if c == incumbent else "attended"
        for c in candidate_keys(election=election)
    }
    debate_record(
        election=election,
        spec=DebateSpec(
            key, at.replace(tzinfo=ZoneInfo(election.geography.timezone)), outlet, answers
        ),
        actor=ACTOR,
    )


def simulated_media_delete(*, election_key: str) -> int:
    """Delete every monitoring plan, debate, free airtime slot, draw, broadcast, rate and
    paid ad of a simulated election (before ``--replace``); return the coded items deleted."""
    if not election_exists(key=election_key):
        return 0
    election = election_get(key=election_key)
    debates_delete(election=election, actor=ACTOR)
    airtime_delete(election=election, actor=ACTOR)
    return sum(plan_delete(plan=p, actor=ACTOR) for p in plan_list_for_election(election=election))
