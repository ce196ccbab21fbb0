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
from psephos.results.enums import ProtocolStatus
from psephos.results.services.tabulation import tally_recompute
from psephos.results.tests.factories import district_make, protocol_store, region_make, station_make
from psephos.territory.enums import UnitKind
from psephos.territory.models import Geography

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
        unit, region = region_make(
            geography=geo,
            cec=cec,
            code=r_code,
            names=(en, kk, ru),
            kind=kind,
            commission_name=f"{en} territorial election commission",
            urban=True,
        )
        regions.append(region)
        for d in (1, 2):
            d_code = f"{r_code}-0{d}"
            district, tec = district_make(
                region_unit=unit,
                region=region,
                code=d_code,
                names=(f"{en} district {d}", f"{kk} {d}-аудан", f"{ru}, район {d}"),
                kind=UnitKind.CITY_DISTRICT,
                commission_name=f"{en} district {d} territorial commission",
                urban=True,
            )
            tecs.append(tec)
            for _s in (1, 2):
                station_no += 1
                s_code = f"{r_code}-{station_no:04d}"
                pecs.append(
                    station_make(
                        district_unit=district,
                        tec=tec,
                        code=s_code,
                        number=station_no,
                        station_name=f"Polling station No. {station_no}",
                        commission_name=f"Precinct commission No. {station_no}",
                        address="School No. 1",
                        urban=True,
                    )
                )
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
        protocol_store(
            election=election,
            pec=pec,
            lines=lines_for(figures),
            votes=list(zip(options, figures[2], strict=True)),
            status=ProtocolStatus.ACCEPTED if i < 6 else ProtocolStatus.SUBMITTED,
            submitted_at=at,
            decided_at=at if i < 6 else None,
            created_at=at,
        )
    tally_recompute(election=election)
    return SmallElection(election, geo, cec, regions, tecs, pecs, options)
