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
from psephos.elections.enums import ElectionKind, OptionKind
from psephos.elections.models import Contest, Election, Option
from psephos.results.models import Protocol, ProtocolVersion, ProtocolVote
from psephos.results.rules.lines import ProtocolLines
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
        runit = AdministrativeUnit.objects.create(
            geography=geo,
            code=rcode,
            level=UnitLevel.REGION,
            kind=UnitKind.OBLAST,
            name_en=f"Region {r}",
            name_kk=f"Облыс {r}",
            name_ru=f"Область {r}",
        )
        region = Commission.objects.create(
            geography=geo,
            code=rcode,
            level=CommissionLevel.TEC_REGION,
            parent=cec,
            unit=runit,
            name=f"Region {r} TEC",
        )
        region.region = region
        region.save(update_fields=["region"])
        country.regions.append(region)
        country.users[rcode] = UserFactory(
            username=f"tec-{rcode}", role=Role.TEC_OPERATOR, commission=region
        )
        for d in range(1, districts + 1):
            dcode = f"{rcode}-{d:02d}"
            dunit = AdministrativeUnit.objects.create(
                geography=geo,
                code=dcode,
                level=UnitLevel.DISTRICT,
                kind=UnitKind.DISTRICT,
                parent=runit,
                name_en=f"District {r}.{d}",
                name_kk=f"Аудан {r}.{d}",
                name_ru=f"Район {r}.{d}",
            )
            tec = Commission.objects.create(
                geography=geo,
                code=dcode,
                level=CommissionLevel.TEC_DISTRICT,
                parent=region,
                region=region,
                unit=dunit,
                name=f"District {r}.{d} TEC",
            )
            country.tecs.append(tec)
            country.users[dcode] = UserFactory(
                username=f"tec-{dcode}", role=Role.TEC_OPERATOR, commission=tec
            )
            for s in range(1, stations + 1):
                scode = f"{dcode}{s:02d}"
                station = PollingStation.objects.create(
                    geography=geo,
                    code=scode,
                    number=r * 1000 + d * 10 + s,
                    kind=StationKind.REGULAR,
                    unit=dunit,
                    name=f"Station {scode}",
                )
                pec = Commission.objects.create(
                    geography=geo,
                    code=scode,
                    level=CommissionLevel.PEC,
                    parent=tec,
                    region=region,
                    tec=tec,
                    unit=dunit,
                    station=station,
                    name=f"PEC {scode}",
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
    from psephos.core import clock
    from psephos.results.enums import VersionSource

    lines = lines or good_lines(country.option_keys())
    assert pec.tec is not None and pec.region is not None and pec.station is not None
    protocol = Protocol.objects.create(
        election=country.election,
        station=pec.station,
        commission=pec,
        tec=pec.tec,
        region=pec.region,
        status=status,
        submitted_at=clock.now(),
    )
    version = ProtocolVersion.objects.create(
        protocol=protocol,
        number=1,
        source=VersionSource.PEC_ENTRY,
        created_at=clock.now(),
        **lines.as_dict(),
    )
    by_key = {o.key: o for o in country.options}
    ProtocolVote.objects.bulk_create(
        [ProtocolVote(version=version, option=by_key[k], votes=v) for k, v in lines.votes.items()]
    )
    protocol.current = version
    protocol.save(update_fields=["current"])
    return protocol
