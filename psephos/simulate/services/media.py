"""Simulate the media monitoring of an election through the media app's real import.

The outlets, a monitoring plan and the coded items of ``rules.media`` go through
``media.services`` exactly as a monitoring team's would: the plan is validated, every
item is checked by the CSV import, a seeded draw picks 10 % for a blind second coding,
and the second coder's file is imported too. The report selector then reproduces the
published shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction

from psephos.elections.selectors import election_exists, election_get
from psephos.ledger.actors import actor_system
from psephos.media.errors import OutletNotFound
from psephos.media.selectors import (
    candidate_keys,
    debate_list,
    outlet_get,
    plan_list_for_election,
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


def _outlets(keys: tuple[str, ...]) -> None:
    by_key = {o.key: o for o in figures.TV + figures.ONLINE}
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
    return MediaSimulation(plan=plan, items=first.items, checks=checks.checks)


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
    """Delete every monitoring plan and debate of a simulated election (before ``--replace``);
    return the coded items deleted."""
    if not election_exists(key=election_key):
        return 0
    election = election_get(key=election_key)
    debates_delete(election=election, actor=ACTOR)
    return sum(plan_delete(plan=p, actor=ACTOR) for p in plan_list_for_election(election=election))
