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

from psephos.commissions.enums import Gender, MemberRole
from psephos.commissions.models import Commission
from psephos.commissions.services import MemberSpec
from psephos.elections.enums import ElectionKind, ElectionStatus, OptionKind
from psephos.elections.models import Election, Option
from psephos.elections.services import OptionSpec
from psephos.results.enums import ProtocolStatus
from psephos.results.services.tabulation import tally_recompute
from psephos.results.tests.factories import protocol_store
from psephos.territory.enums import UnitKind
from psephos.territory.models import Geography
from tests.support.country import DistrictPlan, ElectionPlan, RegionPlan, StationPlan, country_build

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


def _plan() -> list[RegionPlan]:
    """Return the two cities, two districts each, two numbered stations per district."""
    numbers = iter(range(1, 9))
    regions = []
    for r_code, en, kk, ru, kind in REGIONS:
        districts = []
        for d in (1, 2):
            stations = [
                StationPlan(
                    code=f"{r_code}-{n:04d}",
                    number=n,
                    name=f"Polling station No. {n}",
                    commission_name=f"Precinct commission No. {n}",
                    address="School No. 1",
                    urban=True,
                )
                for n in (next(numbers), next(numbers))
            ]
            districts.append(
                DistrictPlan(
                    code=f"{r_code}-0{d}",
                    names=(f"{en} district {d}", f"{kk} {d}-аудан", f"{ru}, район {d}"),
                    commission_name=f"{en} district {d} territorial commission",
                    stations=stations,
                    kind=UnitKind.CITY_DISTRICT,
                    urban=True,
                )
            )
        regions.append(
            RegionPlan(
                code=r_code,
                names=(en, kk, ru),
                commission_name=f"{en} territorial election commission",
                districts=districts,
                kind=kind,
                urban=True,
            )
        )
    return regions


def _members(regions: list[RegionPlan]) -> list[MemberSpec]:
    """Return a chair, a secretary and a member for every PEC (the chair is MEMBER_NAME)."""
    codes = [s.code for r in regions for d in r.districts for s in d.stations]
    return [
        MemberSpec(
            commission_code=code,
            full_name=MEMBER_NAME if j == 0 else f"Member {i}-{j}",
            role=role,
            nominated_by="Amanat",
            gender=gender,
            term_start=dt.date(2020, 1, 1),
            term_end=dt.date(2025, 1, 1),
        )
        for i, code in enumerate(codes)
        for j, (role, gender) in enumerate(
            [
                (MemberRole.CHAIR, Gender.FEMALE),
                (MemberRole.SECRETARY, Gender.MALE),
                (MemberRole.MEMBER, Gender.FEMALE),
            ]
        )
    ]


ELECTION = ElectionPlan(
    key=KEY,
    kind=ElectionKind.PRESIDENTIAL,
    names=(
        "Early presidential election 2022",
        "2022 жылғы мерзімінен бұрын президент сайлауы",
        "Внеочередные президентские выборы 2022 года",
    ),
    date=dt.date(2022, 11, 20),
    profile_key="kz-presidential-2022",
    options=[
        OptionSpec(
            key=key,
            kind=OptionKind.AGAINST_ALL if key == "against_all" else OptionKind.CANDIDATE,
            name_en=en,
            name_kk=kk,
            name_ru=ru,
        )
        for key, en, kk, ru in OPTIONS
    ],
    contest_key="president",
    contest_names=("President", "Президент", "Президент"),
)


def build_small_election() -> SmallElection:
    """Create the election, its commission tree and protocols, and tabulate it."""
    at = timezone.make_aware(dt.datetime(2022, 11, 20, 22, 0))
    regions = _plan()
    country = country_build(
        regions=regions,
        election=ELECTION,
        geography_key="kz-2022-20",
        geography_name="Kazakhstan, 20 units",
        members=_members(regions),
    )
    election, geo, options = country.election, country.geography, country.options
    assert election is not None
    # Counting is where election night finds it; no service moves an election there yet.
    Election.objects.filter(pk=election.pk).update(status=ElectionStatus.COUNTING)
    election.refresh_from_db()
    cec, regions_, tecs, pecs = country.cec, country.regions, country.tecs, country.pecs
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
    return SmallElection(election, geo, cec, regions_, tecs, pecs, options)
