"""A presidential election (options ``abden``, ``tokayev``), two outlets and a prime-time plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from psephos.elections.models import Election
from psephos.ledger.actors import actor_system
from psephos.media.models import MonitoringPlan, PlanMember
from psephos.media.services.outlets import OutletSpec, PlanSpec, outlet_register, plan_create
from psephos.media.services.team import member_grant
from tests.support.country import Country, country_tiny

ACTOR = actor_system("tests")
HEADER = (
    "item,outlet,aired_at,programme,programme_seconds,subject,seconds,characters,"
    "tone,women,men,language,coder\n"
)


@dataclass
class Media:
    country: Country
    plan: MonitoringPlan


def media_world() -> Media:
    country = country_tiny()
    assert country.election is not None
    return Media(country=country, plan=plan_for(country.election))


def plan_for(election: Election) -> MonitoringPlan:
    """Register Khabar and Vlast.kz and create the prime-time plan ``odihr`` of ``election``."""
    outlet_register(
        spec=OutletSpec("khabar", "tv", ("Khabar", "Хабар", "Хабар"), "state", True, 9_000_000),
        actor=ACTOR,
    )
    outlet_register(
        spec=OutletSpec("vlast", "online", ("Vlast.kz", "Vlast.kz", "Vlast.kz")), actor=ACTOR
    )
    return plan_create(
        election=election,
        spec=PlanSpec(
            key="odihr",
            name="EOM media monitoring",
            outlets=("khabar", "vlast"),
            starts_on=dt.date(2022, 10, 21),
            ends_on=dt.date(2022, 11, 20),
            window_start=18 * 60,
            window_end=24 * 60,
            coders=("c1", "c2", "c3"),
            incumbent="tokayev",
        ),
        actor=ACTOR,
    )


def member_of(media: Media, username: str, role: str = "coder", coder: str = "c1") -> PlanMember:
    """Grant ``username`` a role on the plan ``odihr`` (a new reader account if need be)."""
    return member_grant(
        plan=media.plan, username=username, role=role, coder=coder, actor=ACTOR, actor_role="system"
    ).member


@pytest.fixture
def media(db: None) -> Media:
    return media_world()
