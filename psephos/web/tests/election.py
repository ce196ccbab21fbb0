"""A small, fully known presidential election for portal tests.

Two first-level units, two district TECs each, two stations per TEC: eight
PECs. Six protocols are accepted, one is submitted and waits at its TEC, one
station has sent nothing. Every figure is fixed so tests can assert exact values.
Commission members have names, so tests can check that no name is published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from psephos.commissions.enums import CommissionLevel, Gender, MemberRole
from psephos.commissions.models import Commission, Member
from psephos.elections.enums import ElectionKind, ElectionStatus, OptionKind
from psephos.elections.models import Contest, Election, Option
from psephos.results.enums import ProtocolStatus, VersionSource
from psephos.results.models import Protocol, ProtocolVersion, ProtocolVote
from psephos.results.services.tabulation import tally_recompute
from psephos.territory.enums import StationKind, UnitKind, UnitLevel
from psephos.territory.models import AdministrativeUnit, Geography, PollingStation

KEY = "kz-2022-presidential"
MEMBER_NAME = "Aigerim Testova"  # must never appear on a public page

REGIONS = [
    ("KZ-75", "Almaty city", "Алматы қаласы", "город Алматы", UnitKind.CITY),
    ("KZ-71", "Astana", "Астана", "Астана", UnitKind.CITY),
]
OPTIONS = [
    ("tokayev", "Kassym-Jomart Tokayev", "Қасым-Жомарт Тоқаев", "Касым-Жомарт Токаев"),
    ("daulet", "Jiguli Dairabayev", "Жиғули Дайрабаев", "Жигули Дайрабаев"),
    ("against_all", "Against all", "Барлығына қарсы", "Против всех"),
]

# Per station: voters on list, ballots issued, votes per option in option order, invalid.
STATION_FIGURES = [
    (1000, 600, (400, 100, 50), 50),
    (900, 500, (300, 120, 40), 40),
    (800, 400, (250, 80, 40), 30),
    (1200, 700, (500, 90, 60), 50),
    (1100, 800, (600, 100, 60), 40),
    (700, 300, (200, 50, 30), 20),
    (950, 450, (300, 80, 40), 30),  # submitted, waiting at its TEC
    (600, 0, (0, 0, 0), 0),  # nothing sent yet
]


@dataclass
class SmallElection:
    election: Election
    geography: Geography
    cec: Commission
    regions: list[Commission]
    tecs: list[Commission]
    pecs: list[Commission]
    options: list[Option]

    @property
    def accepted_pec(self) -> Commission:
        return self.pecs[0]

    @property
    def submitted_pec(self) -> Commission:
        return self.pecs[6]

    @property
    def silent_pec(self) -> Commission:
        return self.pecs[7]


def lines_for(figures: tuple[int, int, tuple[int, int, int], int]) -> dict[str, int]:
    """Return consistent protocol lines for one station's figures."""
    voters, issued, votes, invalid = figures
    valid = sum(votes)
    received = issued + 100
    return {
        "voters_on_list": voters,
        "ballots_received": received,
        "ballots_issued": issued,
        "ballots_issued_mobile": issued // 20,
        "voted_with_certificate": issued // 100,
        "ballots_cancelled": received - issued,
        "ballots_found": valid + invalid,
        "ballots_invalid": invalid,
        "ballots_valid": valid,
        "ballots_both_marked": 0,
    }


def build_small_election() -> SmallElection:
    """Create the election, its commission tree and protocols, and tabulate it."""
    at = timezone.make_aware(dt.datetime(2022, 11, 20, 22, 0))
    geo = Geography.objects.create(
        key="kz-2022-20", name="Kazakhstan, 20 units", valid_from=dt.date(2022, 6, 8)
    )
    election = Election.objects.create(
        key=KEY,
        kind=ElectionKind.PRESIDENTIAL,
        name_en="Early presidential election 2022",
        name_kk="2022 жылғы мерзімінен бұрын президент сайлауы",
        name_ru="Внеочередные президентские выборы 2022 года",
        date=dt.date(2022, 11, 20),
        geography=geo,
        profile_key="kz-presidential-2022",
        status=ElectionStatus.COUNTING,
    )
    contest = Contest.objects.create(
        election=election,
        key="president",
        name_en="President",
        name_kk="Президент",
        name_ru="Президент",
    )
    options = [
        Option.objects.create(
            contest=contest,
            key=key,
            kind=OptionKind.AGAINST_ALL if key == "against_all" else OptionKind.CANDIDATE,
            ballot_order=i + 1,
            name_en=en,
            name_kk=kk,
            name_ru=ru,
        )
        for i, (key, en, kk, ru) in enumerate(OPTIONS)
    ]
    cec = Commission.objects.create(
        geography=geo, code="CEC", level=CommissionLevel.CEC, name="Central Election Commission"
    )
    regions: list[Commission] = []
    tecs: list[Commission] = []
    pecs: list[Commission] = []
    station_no = 0
    for r_code, en, kk, ru, kind in REGIONS:
        unit = AdministrativeUnit.objects.create(
            geography=geo,
            code=r_code,
            level=UnitLevel.REGION,
            kind=kind,
            name_en=en,
            name_kk=kk,
            name_ru=ru,
            urban=True,
        )
        region = Commission.objects.create(
            geography=geo,
            code=r_code,
            level=CommissionLevel.TEC_REGION,
            parent=cec,
            unit=unit,
            name=f"{en} territorial election commission",
        )
        region.region = region
        region.save(update_fields=["region"])
        regions.append(region)
        for d in (1, 2):
            d_code = f"{r_code}-0{d}"
            district = AdministrativeUnit.objects.create(
                geography=geo,
                code=d_code,
                level=UnitLevel.DISTRICT,
                kind=UnitKind.CITY_DISTRICT,
                parent=unit,
                name_en=f"{en} district {d}",
                name_kk=f"{kk} {d}-аудан",
                name_ru=f"{ru}, район {d}",
                urban=True,
            )
            tec = Commission.objects.create(
                geography=geo,
                code=d_code,
                level=CommissionLevel.TEC_DISTRICT,
                parent=region,
                region=region,
                unit=district,
                name=f"{en} district {d} territorial commission",
            )
            tecs.append(tec)
            for _s in (1, 2):
                station_no += 1
                s_code = f"{r_code}-{station_no:04d}"
                station = PollingStation.objects.create(
                    geography=geo,
                    code=s_code,
                    number=station_no,
                    kind=StationKind.REGULAR,
                    unit=district,
                    name=f"Polling station No. {station_no}",
                    address="School No. 1",
                    urban=True,
                )
                pec = Commission.objects.create(
                    geography=geo,
                    code=s_code,
                    level=CommissionLevel.PEC,
                    parent=tec,
                    region=region,
                    tec=tec,
                    unit=district,
                    station=station,
                    name=f"Precinct commission No. {station_no}",
                )
                pecs.append(pec)
    for i, pec in enumerate(pecs):
        for j, (role, gender) in enumerate(
            [
                (MemberRole.CHAIR, Gender.FEMALE),
                (MemberRole.SECRETARY, Gender.MALE),
                (MemberRole.MEMBER, Gender.FEMALE),
            ]
        ):
            Member.objects.create(
                commission=pec,
                full_name=MEMBER_NAME if j == 0 else f"Member {i}-{j}",
                role=role,
                nominated_by="Amanat",
                gender=gender,
                term_start=dt.date(2020, 1, 1),
                term_end=dt.date(2025, 1, 1),
            )
    for i, pec in enumerate(pecs[:7]):
        figures = STATION_FIGURES[i]
        assert pec.station is not None and pec.tec is not None and pec.region is not None
        protocol = Protocol.objects.create(
            election=election,
            station=pec.station,
            commission=pec,
            tec=pec.tec,
            region=pec.region,
            status=ProtocolStatus.ACCEPTED if i < 6 else ProtocolStatus.SUBMITTED,
            submitted_at=at,
            decided_at=at if i < 6 else None,
        )
        version = ProtocolVersion.objects.create(
            protocol=protocol,
            number=1,
            source=VersionSource.PEC_ENTRY,
            created_at=at,
            **lines_for(figures),
        )
        for option, votes in zip(options, figures[2], strict=True):
            ProtocolVote.objects.create(version=version, option=option, votes=votes)
        protocol.current = version
        protocol.save(update_fields=["current"])
    tally_recompute(election=election)
    return SmallElection(election, geo, cec, regions, tecs, pecs, options)
