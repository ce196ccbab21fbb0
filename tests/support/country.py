"""Build a country for a test through the services that build a real one.

A test describes its map as a tree of plans (``RegionPlan`` → ``DistrictPlan`` →
``StationPlan``) and, optionally, an election (``ElectionPlan``); ``country_build``
writes it with ``territory.geography_create``, ``commissions.commission_tree_create``
and ``elections.election_create``, exactly as the simulation and an operator's import
do, so a test never sees a country that production could not have made (and the
three ``*.create`` ledger events are there as they would be).

The presets cover what most tests need:

- ``country_grid()``: ``regions`` × ``districts`` × ``stations`` with plain names
  (``KZ-01``, ``KZ-01-01``, station ``KZ-01-0101``), a presidential election with three
  options and an operator per commission (``Country.users``);
- ``country_tiny()``: one region, one district TEC, two stations;
- ``PRESIDENTIAL`` and ``REFERENDUM``: the two elections of 2022 as ``ElectionPlan``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission, Member
from psephos.commissions.services import CommissionSpec, MemberSpec, commission_tree_create
from psephos.elections.enums import ElectionKind, OptionKind
from psephos.elections.models import Election, Option
from psephos.elections.selectors import election_options as options_of
from psephos.elections.services import OptionSpec, election_create
from psephos.ledger.actors import actor_system
from psephos.territory.enums import StationKind, UnitKind, UnitLevel
from psephos.territory.models import AdministrativeUnit, Geography, PollingStation
from psephos.territory.services import (
    StationSpec,
    TerritoryChanges,
    UnitSpec,
    geography_create,
    station_spec_of,
    territory_revise,
)

#: The actor of every ledger event the builder writes.
ACTOR = actor_system("tests")


@dataclass(frozen=True)
class StationPlan:
    """A regular polling station and its PEC (both named by ``code``)."""

    code: str
    number: int
    name: str
    commission_name: str
    address: str = ""
    urban: bool = False
    kind: str = StationKind.REGULAR


@dataclass(frozen=True, kw_only=True)
class _UnitPlan:
    """An administrative unit (names in en, kk, ru) and the TEC named by the same code."""

    code: str
    names: tuple[str, str, str]
    commission_name: str
    kind: str
    urban: bool = False
    timezone: str = "Asia/Almaty"


@dataclass(frozen=True, kw_only=True)
class DistrictPlan(_UnitPlan):
    """A district unit and its district TEC, with its stations."""

    stations: Sequence[StationPlan]
    kind: str = UnitKind.DISTRICT


@dataclass(frozen=True, kw_only=True)
class RegionPlan(_UnitPlan):
    """A first-level unit and its regional TEC, with its districts."""

    districts: Sequence[DistrictPlan]
    kind: str = UnitKind.OBLAST


@dataclass(frozen=True)
class ElectionPlan:
    """An election with one contest and its options in ballot order."""

    key: str
    kind: str
    names: tuple[str, str, str]
    date: dt.date
    profile_key: str
    options: Sequence[OptionSpec]
    contest_key: str = "main"
    contest_names: tuple[str, str, str] = ("Main", "Негізгі", "Основной")


def _option(key: str, kind: str, name: str) -> OptionSpec:
    return OptionSpec(key=key, kind=kind, name_en=name, name_kk=name, name_ru=name)


PRESIDENTIAL = ElectionPlan(
    key="kz-test-presidential",
    kind=ElectionKind.PRESIDENTIAL,
    names=("Test presidential election", "Сынақ сайлауы", "Тестовые выборы"),
    date=dt.date(2022, 11, 20),
    profile_key="kz-presidential-2022",
    options=(
        _option("abden", OptionKind.CANDIDATE, "Zhiguli Dairabayev"),
        _option("tokayev", OptionKind.CANDIDATE, "Kassym-Jomart Tokayev"),
        _option("against-all", OptionKind.AGAINST_ALL, "Against all"),
    ),
)

REFERENDUM = ElectionPlan(
    key="kz-test-referendum",
    kind=ElectionKind.REFERENDUM,
    names=("Test referendum", "Сынақ референдумы", "Тестовый референдум"),
    date=dt.date(2022, 6, 5),
    profile_key="kz-referendum-2022",
    options=(_option("yes", OptionKind.YES, "Yes"), _option("no", OptionKind.NO, "No")),
)


@dataclass
class Country:
    """What ``country_build`` wrote, in plan order."""

    geography: Geography
    cec: Commission
    election: Election | None = None
    options: list[Option] = field(default_factory=list)
    regions: list[Commission] = field(default_factory=list)
    tecs: list[Commission] = field(default_factory=list)
    pecs: list[Commission] = field(default_factory=list)
    units: dict[str, AdministrativeUnit] = field(default_factory=dict)  # unit code → unit
    users: dict[str, User] = field(default_factory=dict)  # commission code → operator

    def option_keys(self) -> list[str]:
        """Return the election's option keys in ballot order."""
        return [o.key for o in self.options]


def country_build(
    *,
    regions: Sequence[RegionPlan],
    election: ElectionPlan | None = None,
    geography_key: str = "kz-test",
    geography_name: str = "Test map",
    valid_from: dt.date = dt.date(2022, 6, 8),
    members: Sequence[MemberSpec] = (),
    users: bool = False,
) -> Country:
    """Write the map, its commission tree (CEC named ``CEC``) and the election, if any.

    ``members`` name their commission by code. With ``users``, every commission gets an
    operator (``cec``, ``tec-<code>``, ``pec-<code>``) of the matching role.
    """
    units: list[UnitSpec] = []
    stations: list[StationSpec] = []
    for r in regions:
        units.append(_unit(r, UnitLevel.REGION, parent_code=None))
        for d in r.districts:
            units.append(_unit(d, UnitLevel.DISTRICT, parent_code=r.code))
            stations.extend(
                StationSpec(
                    code=s.code,
                    number=s.number,
                    kind=s.kind,
                    unit_code=d.code,
                    name=s.name,
                    urban=s.urban,
                    address=s.address,
                )
                for s in d.stations
            )
    geography = geography_create(
        key=geography_key,
        name=geography_name,
        valid_from=valid_from,
        valid_to=None,
        timezone="Asia/Almaty",
        units=units,
        stations=stations,
        actor=ACTOR,
    )
    unit_ids = {u.code: u for u in AdministrativeUnit.objects.filter(geography=geography)}
    station_ids = dict(PollingStation.objects.filter(geography=geography).values_list("code", "pk"))
    specs = [
        CommissionSpec(code="CEC", level=CommissionLevel.CEC, name="Central Election Commission")
    ]
    for r in regions:
        specs.append(
            CommissionSpec(
                code=r.code,
                level=CommissionLevel.TEC_REGION,
                name=r.commission_name,
                parent_code="CEC",
                unit_id=unit_ids[r.code].pk,
            )
        )
        for d in r.districts:
            specs.append(
                CommissionSpec(
                    code=d.code,
                    level=CommissionLevel.TEC_DISTRICT,
                    name=d.commission_name,
                    parent_code=r.code,
                    region_code=r.code,
                    unit_id=unit_ids[d.code].pk,
                )
            )
            specs.extend(
                CommissionSpec(
                    code=s.code,
                    level=CommissionLevel.PEC,
                    name=s.commission_name,
                    parent_code=d.code,
                    region_code=r.code,
                    tec_code=d.code,
                    unit_id=unit_ids[d.code].pk,
                    station_id=station_ids[s.code],
                )
                for s in d.stations
            )
    by_code = commission_tree_create(
        geography=geography, commissions=specs, members=list(members), actor=ACTOR
    )
    country = Country(geography=geography, cec=by_code["CEC"], units=unit_ids)
    for spec in specs:
        commission = by_code[spec.code]
        if spec.level == CommissionLevel.TEC_REGION:
            country.regions.append(commission)
        elif spec.level == CommissionLevel.TEC_DISTRICT:
            country.tecs.append(commission)
        elif spec.level == CommissionLevel.PEC:
            country.pecs.append(commission)
    if election is not None:
        country.election = election_write(election, geography=geography)
        country.options = election_options(country.election)
    if users:
        users_make(country)
    return country


def _unit(plan: _UnitPlan, level: str, *, parent_code: str | None) -> UnitSpec:
    return UnitSpec(
        code=plan.code,
        level=level,
        kind=plan.kind,
        name_en=plan.names[0],
        name_kk=plan.names[1],
        name_ru=plan.names[2],
        timezone=plan.timezone,
        urban=plan.urban,
        parent_code=parent_code,
    )


def election_write(plan: ElectionPlan, *, geography: Geography) -> Election:
    """Create ``plan``'s election on ``geography`` through ``election_create``."""
    return election_create(
        key=plan.key,
        kind=plan.kind,
        name_en=plan.names[0],
        name_kk=plan.names[1],
        name_ru=plan.names[2],
        date=plan.date,
        geography=geography,
        profile_key=plan.profile_key,
        contest_key=plan.contest_key,
        contest_names=plan.contest_names,
        options=list(plan.options),
        actor=ACTOR,
    )


def election_options(election: Election) -> list[Option]:
    """Return the election's options in ballot order."""
    return list(options_of(election=election))


def users_make(country: Country) -> None:
    """Give every commission of ``country`` an operator of the matching role."""
    country.users["CEC"] = User.objects.create(
        username="cec", role=Role.CEC_OPERATOR, commission=country.cec
    )
    for prefix, role, commissions in (
        ("tec", Role.TEC_OPERATOR, [*country.regions, *country.tecs]),
        ("pec", Role.PEC_OPERATOR, country.pecs),
    ):
        for commission in commissions:
            country.users[commission.code] = User.objects.create(
                username=f"{prefix}-{commission.code}", role=role, commission=commission
            )


def members_make(commission: Commission, *, members: int = 7) -> None:
    """Give ``commission`` ``members`` members serving 2019–2024 (``Member 0`` …)."""
    Member.objects.bulk_create(
        Member(
            commission=commission,
            full_name=f"Member {i}",
            role="member",
            nominated_by="party",
            gender="F",
            term_start=dt.date(2019, 6, 1),
            term_end=dt.date(2024, 6, 1),
        )
        for i in range(members)
    )


def grid_plan(*, regions: int = 2, districts: int = 2, stations: int = 2) -> list[RegionPlan]:
    """Return ``regions`` × ``districts`` × ``stations`` with plain, numbered names.

    Region ``r`` is ``KZ-0r``, its district ``d`` is ``KZ-0r-0d`` and that district's
    station ``s`` is ``KZ-0r-0d0s`` with number ``r*1000 + d*10 + s``.
    """
    return [
        RegionPlan(
            code=f"KZ-{r:02d}",
            names=(f"Region {r}", f"Облыс {r}", f"Область {r}"),
            commission_name=f"Region {r} TEC",
            districts=[
                DistrictPlan(
                    code=f"KZ-{r:02d}-{d:02d}",
                    names=(f"District {r}.{d}", f"Аудан {r}.{d}", f"Район {r}.{d}"),
                    commission_name=f"District {r}.{d} TEC",
                    stations=[
                        StationPlan(
                            code=f"KZ-{r:02d}-{d:02d}{s:02d}",
                            number=r * 1000 + d * 10 + s,
                            name=f"Station KZ-{r:02d}-{d:02d}{s:02d}",
                            commission_name=f"PEC KZ-{r:02d}-{d:02d}{s:02d}",
                        )
                        for s in range(1, stations + 1)
                    ],
                )
                for d in range(1, districts + 1)
            ],
        )
        for r in range(1, regions + 1)
    ]


def country_grid(
    *,
    regions: int = 2,
    districts: int = 2,
    stations: int = 2,
    election: ElectionPlan | None = PRESIDENTIAL,
    users: bool = True,
) -> Country:
    """Build ``grid_plan``'s country with ``election`` and an operator per commission."""
    return country_build(
        regions=grid_plan(regions=regions, districts=districts, stations=stations),
        election=election,
        users=users,
    )


def country_tiny(*, election: ElectionPlan | None = PRESIDENTIAL, users: bool = True) -> Country:
    """Build one region with one district TEC and two stations (``KZ-01-0101``, ``…0102``)."""
    return country_grid(regions=1, districts=1, stations=2, election=election, users=users)


def station_hours_set(
    station: PollingStation,
    *,
    opens: str | None = None,
    closes: str | None = None,
    timezone: str = "",
    on: dt.date = dt.date(2022, 10, 1),
) -> PollingStation:
    """Give ``station`` its own voting hours or time zone from ``on``, as ``psephos setup``
    does on a re-run (a new version through ``territory_revise``); return it reloaded."""
    spec = replace(station_spec_of(station), opens=opens, closes=closes, timezone=timezone)
    territory_revise(
        geography=station.geography,
        units=TerritoryChanges(),
        stations=TerritoryChanges(changed=[spec]),
        on=on,
        actor=actor_system("test"),
    )
    return PollingStation.objects.select_related("unit__parent").get(pk=station.pk)
