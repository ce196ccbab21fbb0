"""A three-region country with a presidential election called on 21 Sep 2022, a register,
two nominating bodies and a frozen clock inside the nomination period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.candidates.models import NominatingBody, Nomination
from psephos.candidates.rules.eligibility import Assessment
from psephos.candidates.services.deposits import deposit_pay
from psephos.candidates.services.eligibility import eligibility_decide
from psephos.candidates.services.nominations import NomineeSpec, body_register, nomination_submit
from psephos.candidates.services.sheets import sheets_issue
from psephos.core import clock
from psephos.elections.services.election import election_revise
from psephos.ledger.actors import actor_system
from psephos.voters.rules.iin import iin_make
from psephos.voters.services.register import register_import
from tests.support.country import PRESIDENTIAL, Country, country_grid, members_make

ACTOR = actor_system("tests")
# 25 Sep 2022 12:00 in Almaty: inside the nomination period (23 Sep – 10 Oct 18:00).
NOW = dt.datetime(2022, 9, 25, 6, 0, tzinfo=dt.UTC)
REGIONS = ("KZ-01", "KZ-02", "KZ-03")
# The criteria an assessor enters (the age is computed, the language test has its record).
ENTERED = (
    "citizen_by_birth",
    "higher_education",
    "residence",
    "public_service",
    "no_criminal_record",
    "medical",
    "nomination_valid",
)


@dataclass(frozen=True, slots=True)
class Person:
    iin: str
    surname: str
    given_name: str
    birth_date: dt.date
    region: str


@dataclass
class World:
    country: Country
    bodies: dict[str, NominatingBody]
    people: list[Person] = field(default_factory=list)  # 10 voters per region, in order
    tmp: Path = Path()

    @property
    def election(self) -> Any:
        return self.country.election


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dt.datetime]]:
    at = [NOW]
    monkeypatch.setattr(clock, "now", lambda: at[0])
    yield at


def _people() -> list[Person]:
    people = []
    serial = 100
    for region in REGIONS:
        made = 0
        while made < 10:
            birth = dt.date(1970, 1, 1) + dt.timedelta(days=serial)
            iin = iin_make(birth, "F", serial)
            serial += 7  # never sequential
            if iin is None:
                continue
            people.append(Person(iin, f"Surname{len(people)}", "Aigul", birth, region))
            made += 1
    return people


@pytest.fixture
def world(db: None, key_dir: Path, tmp_path: Path, frozen: list[dt.datetime]) -> World:
    from psephos.voters import iin_hash

    iin_hash._key.cache_clear()
    country = country_grid(regions=3, districts=1, stations=1)
    assert country.election is not None
    election_revise(
        election=country.election,
        changes={
            "called_on": dt.date(2022, 9, 21),
            "profile_overrides": {"signatures_min_units": 2, "signatures_min_valid_per_unit": 2},
        },
        contest_names=PRESIDENTIAL.contest_names,
        contest_texts=("", "", ""),
        options=None,
        actor=ACTOR,
    )
    country.election.refresh_from_db()
    people = _people()
    register = tmp_path / "register.csv"
    register.write_text(
        "iin,surname,given_name,patronymic,birth_date,sex,station,status\n"
        + "".join(
            f"{p.iin},{p.surname},{p.given_name},,{p.birth_date.isoformat()},F,{p.region}-0101,\n"
            for p in people
        ),
        encoding="utf-8",
    )
    register_import(
        geography=country.geography, path=register, report_path=tmp_path / "r.csv", actor=ACTOR
    )
    since = dt.date(2020, 1, 1)
    bodies = {
        "amanat": body_register(
            key="amanat",
            kind="party",
            names=("Amanat", "Аманат", "Аманат"),
            registration_number="P-1",
            registered_on=since,
            offices={"KZ-01": since, "KZ-02": since},
            actor=ACTOR,
        ),
        "small": body_register(
            key="small",
            kind="association",
            names=("Small association", "Шағын бірлестік", "Малое объединение"),
            registration_number="A-2",
            registered_on=since,
            offices={"KZ-01": since},
            actor=ACTOR,
        ),
    }
    members_make(country.cec)  # the CEC's seven members vote its registration decisions
    country.users["CEC-2"] = User.objects.create(
        username="cec-2", role=Role.CEC_OPERATOR, commission=country.cec
    )
    return World(country=country, bodies=bodies, people=people, tmp=tmp_path)


def nominee(
    key: str = "tokayev", *, incumbent: bool = True, born: dt.date = dt.date(1953, 5, 17)
) -> NomineeSpec:
    return NomineeSpec(
        key=key,
        names=("Kassym-Jomart Tokayev", "Қасым-Жомарт Тоқаев", "Касым-Жомарт Токаев"),
        sex="M",
        birth_date=born,
        decided_on=dt.date(2022, 9, 24),
        incumbent=incumbent,
    )


def passing(**failed: str) -> list[Assessment]:
    """Return a met outcome for every criterion but age and language, ``failed`` with reasons."""
    out = []
    for c in ENTERED:
        if c in failed:
            out.append(Assessment(c, "failed", f"evidence of {c}", reason=failed[c]))
        else:
            out.append(Assessment(c, "met", f"evidence of {c}"))
    return out


def language() -> Assessment:
    return Assessment(
        "kazakh_language",
        "met",
        "essay, reading, speech",
        examiners=("Member 1", "Member 2"),
        held_on=dt.date(2022, 9, 26),
    )


def submitted(world: World, key: str = "tokayev") -> Nomination:
    """Submit a nominee of Amanat (the incumbent, born 1953)."""
    return nomination_submit(
        election=world.election,
        body=world.bodies["amanat"],
        nominee=nominee(key),
        documents=[],
        actor=ACTOR,
    )


#: The sheets the CEC issues to a nominee in the tests (1–SHEETS; the profile has the CEC
#: issue sheets, and a file is verified only for a nominee with sheets issued).
SHEETS = 1000


def collecting(world: World, key: str = "tokayev", *, sheets: int = SHEETS) -> Nomination:
    """Submit and pass a nominee of Amanat; collection runs 25 Sep – 2 Oct; the CEC
    issues sheets 1–``sheets`` (none for 0)."""
    nomination = submitted(world, key)
    pay(nomination)
    nomination = eligibility_decide(nomination=nomination, assessments=passing(), actor=ACTOR)
    if sheets:
        sheets_issue(nomination=nomination, count=sheets, actor=ACTOR)
    return nomination


def allow_sampling(world: World) -> None:
    """Let the election's profile check a random sample of signature lines."""
    profile_switch(world, signature_sampling=True)


def profile_switch(world: World, **switches: object) -> None:
    """Set rule-profile switches of the election, keeping the world's other overrides."""
    overrides = world.election.profile_overrides | switches
    election_revise(
        election=world.election,
        changes={"profile_overrides": overrides},
        contest_names=PRESIDENTIAL.contest_names,
        contest_texts=("", "", ""),
        options=None,
        actor="system:tests",
    )


def pay(nomination: Nomination) -> Nomination:
    """Pay the 2022 deposit: 50 minimum wages of KZT 60,000."""
    return deposit_pay(
        nomination=nomination, amount=3_000_000, paid_on=dt.date(2022, 9, 25), actor=ACTOR
    )
