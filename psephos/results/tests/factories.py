"""Factories for a tiny country: CEC → 2 regional TECs → district TECs → PECs and stations.

``small_country()`` builds the whole tree plus an election with its options and a
user for every commission, so tests read like the election-day workflow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import factory

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.core import clock
from psephos.elections.enums import ElectionKind, OptionKind
from psephos.elections.models import Contest, Election, Option
from psephos.results.enums import VersionSource
from psephos.results.models import Protocol, ProtocolVersion, ProtocolVote
from psephos.results.rules.lines import ProtocolLines
from psephos.results.services.protocols import protocol_accept, protocol_submit
from psephos.territory.enums import StationKind, UnitKind, UnitLevel
from psephos.territory.models import AdministrativeUnit, Geography, PollingStation


class GeographyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Geography
        django_get_or_create = ("key",)

    key = "kz-test"
    name = "Test map"
    valid_from = dt.date(2022, 6, 8)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.READER
    commission = None


@dataclass
class Country:
    """The objects of a small country, by code."""

    geography: Geography
    election: Election
    options: list[Option]
    cec: Commission
    regions: list[Commission] = field(default_factory=list)
    tecs: list[Commission] = field(default_factory=list)
    pecs: list[Commission] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)  # commission code → operator

    def option_keys(self) -> list[str]:
        return [o.key for o in self.options]


def region_make(
    *,
    geography: Geography,
    cec: Commission,
    code: str,
    names: tuple[str, str, str],
    kind: str,
    commission_name: str,
    urban: bool = False,
) -> tuple[AdministrativeUnit, Commission]:
    """Create a first-level unit (names in en, kk, ru) and its regional TEC under ``cec``."""
    unit = AdministrativeUnit.objects.create(
        geography=geography,
        code=code,
        level=UnitLevel.REGION,
        kind=kind,
        name_en=names[0],
        name_kk=names[1],
        name_ru=names[2],
        urban=urban,
    )
    region = Commission.objects.create(
        geography=geography,
        code=code,
        level=CommissionLevel.TEC_REGION,
        parent=cec,
        unit=unit,
        name=commission_name,
    )
    region.region = region
    region.save(update_fields=["region"])
    return unit, region


def district_make(
    *,
    region_unit: AdministrativeUnit,
    region: Commission,
    code: str,
    names: tuple[str, str, str],
    kind: str,
    commission_name: str,
    urban: bool = False,
) -> tuple[AdministrativeUnit, Commission]:
    """Create a district unit (names in en, kk, ru) and its district TEC under ``region``."""
    unit = AdministrativeUnit.objects.create(
        geography=region_unit.geography,
        code=code,
        level=UnitLevel.DISTRICT,
        kind=kind,
        parent=region_unit,
        name_en=names[0],
        name_kk=names[1],
        name_ru=names[2],
        urban=urban,
    )
    tec = Commission.objects.create(
        geography=region_unit.geography,
        code=code,
        level=CommissionLevel.TEC_DISTRICT,
        parent=region,
        region=region,
        unit=unit,
        name=commission_name,
    )
    return unit, tec


def station_make(
    *,
    district_unit: AdministrativeUnit,
    tec: Commission,
    code: str,
    number: int,
    station_name: str,
    commission_name: str,
    address: str = "",
    urban: bool = False,
) -> Commission:
    """Create a regular polling station in ``district_unit`` and its PEC under ``tec``."""
    station = PollingStation.objects.create(
        geography=district_unit.geography,
        code=code,
        number=number,
        kind=StationKind.REGULAR,
        unit=district_unit,
        name=station_name,
        address=address,
        urban=urban,
    )
    return Commission.objects.create(
        geography=district_unit.geography,
        code=code,
        level=CommissionLevel.PEC,
        parent=tec,
        region=tec.region,
        tec=tec,
        unit=district_unit,
        station=station,
        name=commission_name,
    )


def small_country(
    *,
    regions: int = 2,
    districts: int = 2,
    stations: int = 2,
    kind: str = ElectionKind.PRESIDENTIAL,
    key: str = "kz-test-presidential",
) -> Country:
    """Build a country with ``regions`` × ``districts`` × ``stations`` polling stations."""
    geo = GeographyFactory()
    cec = Commission.objects.create(
        geography=geo, code="CEC", level=CommissionLevel.CEC, name="Central Election Commission"
    )
    if kind == ElectionKind.PRESIDENTIAL:
        election = Election.objects.create(
            key=key,
            kind=kind,
            name_en="Test presidential election",
            name_kk="Сынақ сайлауы",
            name_ru="Тестовые выборы",
            date=dt.date(2022, 11, 20),
            geography=geo,
            profile_key="kz-presidential-2022",
        )
        specs = [
            ("abden", OptionKind.CANDIDATE, "Zhiguli Dairabayev"),
            ("tokayev", OptionKind.CANDIDATE, "Kassym-Jomart Tokayev"),
            ("against-all", OptionKind.AGAINST_ALL, "Against all"),
        ]
    else:
        election = Election.objects.create(
            key=key,
            kind=kind,
            name_en="Test referendum",
            name_kk="Сынақ референдумы",
            name_ru="Тестовый референдум",
            date=dt.date(2022, 6, 5),
            geography=geo,
            profile_key="kz-referendum-2022",
        )
        specs = [("yes", OptionKind.YES, "Yes"), ("no", OptionKind.NO, "No")]
    contest = Contest.objects.create(
        election=election, key="main", name_en="Main", name_kk="Негізгі", name_ru="Основной"
    )
    options = [
        Option.objects.create(
            contest=contest,
            key=okey,
            kind=okind,
            ballot_order=i + 1,
            name_en=name,
            name_kk=name,
            name_ru=name,
        )
        for i, (okey, okind, name) in enumerate(specs)
    ]
    country = Country(geography=geo, election=election, options=options, cec=cec)
    country.users["CEC"] = UserFactory(username="cec", role=Role.CEC_OPERATOR, commission=cec)
    for r in range(1, regions + 1):
        rcode = f"KZ-{r:02d}"
        runit, region = region_make(
            geography=geo,
            cec=cec,
            code=rcode,
            names=(f"Region {r}", f"Облыс {r}", f"Область {r}"),
            kind=UnitKind.OBLAST,
            commission_name=f"Region {r} TEC",
        )
        country.regions.append(region)
        country.users[rcode] = UserFactory(
            username=f"tec-{rcode}", role=Role.TEC_OPERATOR, commission=region
        )
        for d in range(1, districts + 1):
            dcode = f"{rcode}-{d:02d}"
            dunit, tec = district_make(
                region_unit=runit,
                region=region,
                code=dcode,
                names=(f"District {r}.{d}", f"Аудан {r}.{d}", f"Район {r}.{d}"),
                kind=UnitKind.DISTRICT,
                commission_name=f"District {r}.{d} TEC",
            )
            country.tecs.append(tec)
            country.users[dcode] = UserFactory(
                username=f"tec-{dcode}", role=Role.TEC_OPERATOR, commission=tec
            )
            for s in range(1, stations + 1):
                scode = f"{dcode}{s:02d}"
                pec = station_make(
                    district_unit=dunit,
                    tec=tec,
                    code=scode,
                    number=r * 1000 + d * 10 + s,
                    station_name=f"Station {scode}",
                    commission_name=f"PEC {scode}",
                )
                country.pecs.append(pec)
                country.users[scode] = UserFactory(
                    username=f"pec-{scode}", role=Role.PEC_OPERATOR, commission=pec
                )
    return country


def good_lines(option_keys: list[str], *, scale: int = 1, both: int = 0) -> ProtocolLines:
    """Return a protocol that reconciles: 1000 on the list, 700 issued, 690 found."""
    votes = {k: (i + 1) * 100 * scale for i, k in enumerate(option_keys)}
    valid = sum(votes.values()) + both
    invalid = 10 * scale
    found = valid + invalid
    issued = found + 5 * scale
    return ProtocolLines(
        voters_on_list=max(1000 * scale, issued),
        ballots_received=issued + 50 * scale,
        ballots_issued=issued,
        ballots_issued_mobile=3 * scale,
        voted_with_certificate=2 * scale,
        ballots_cancelled=50 * scale,
        ballots_found=found,
        ballots_invalid=invalid,
        ballots_valid=valid,
        ballots_both_marked=both,
        votes=votes,
    )


def protocol_make(
    country: Country,
    pec: Commission,
    lines: ProtocolLines | None = None,
    *,
    status: str = "accepted",
) -> Protocol:
    """Store a protocol with one version directly (no service), for read-side tests."""
    lines = lines or good_lines(country.option_keys())
    by_key = {o.key: o for o in country.options}
    return protocol_store(
        election=country.election,
        pec=pec,
        lines=lines.as_dict(),
        votes=[(by_key[k], v) for k, v in lines.votes.items()],
        status=status,
        submitted_at=clock.now(),
    )


def protocol_store(
    *,
    election: Election,
    pec: Commission,
    lines: dict[str, int],
    votes: list[tuple[Option, int]],
    status: str,
    submitted_at: dt.datetime,
    decided_at: dt.datetime | None = None,
    created_at: dt.datetime | None = None,
) -> Protocol:
    """Store a protocol with one PEC version (``lines``, ``votes``) directly, without a service."""
    assert pec.tec is not None and pec.region is not None and pec.station is not None
    protocol = Protocol.objects.create(
        election=election,
        station=pec.station,
        commission=pec,
        tec=pec.tec,
        region=pec.region,
        status=status,
        submitted_at=submitted_at,
        decided_at=decided_at,
    )
    version = ProtocolVersion.objects.create(
        protocol=protocol,
        number=1,
        source=VersionSource.PEC_ENTRY,
        created_at=created_at or clock.now(),
        **lines,
    )
    ProtocolVote.objects.bulk_create(
        [ProtocolVote(version=version, option=option, votes=n) for option, n in votes]
    )
    protocol.current = version
    protocol.save(update_fields=["current"])
    return protocol


def protocols_accept(country: Country, pecs: list[Commission]) -> None:
    """Submit each station's ``good_lines`` protocol and accept it, through the services."""
    for pec in pecs:
        assert pec.tec is not None
        protocol_submit(
            user=country.users[pec.code],
            election=country.election,
            station_code=pec.code,
            lines=good_lines(country.option_keys()),
        )
        protocol_accept(
            user=country.users[pec.tec.code], protocol=Protocol.objects.get(station=pec.station)
        )
