"""The two 2022 elections as plain data: the annex figures and the published regional rates.

Figures come from kazakhstan-rules.md §13 ([P] Annex I, [R] Annex). Regional
rates come from §13.2 (presidential turnout at 22:00, with the final Almaty
city 28.7 % and Astana 48.7 % of [P] §XIV) and §13.4 (referendum turnout at
22:00 and the partial CRC vote shares). Everything tagged "invented" is a
modelling choice documented in docs/simulation.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from psephos.pollingday.rules.intraday_2022 import REGION_RATES, region_shares
from psephos.territory.data.kz_2022 import MAP_17, MAP_20, MapData


@dataclass(frozen=True, slots=True)
class OptionData:
    key: str
    kind: str  # candidate, against_all, yes, no
    name_en: str
    name_kk: str
    name_ru: str
    votes: int  # national total in the annex
    nominated_by: str = ""


@dataclass(frozen=True, slots=True)
class Scenario:
    """One election: identity, national annex totals, structure counts and regional rates."""

    key: str
    kind: str
    date: str
    profile_key: str
    name_en: str
    name_kk: str
    name_ru: str
    contest_key: str
    contest_en: str
    contest_kk: str
    contest_ru: str
    map: MapData
    options: tuple[OptionData, ...]
    voters_on_list: int
    ballots_invalid: int
    ballots_both_marked: int
    unreturned: int  # ballots issued but not found in the boxes (invented: 0, see docs)
    ballots_issued_mobile: int
    voted_with_certificate: int
    stations_regular: int
    stations_special: int
    stations_abroad: int
    abroad_turnout: float
    abroad_voters: int  # registered at the stations abroad
    abroad_issued: int  # ballots issued abroad; 0 when not published
    # Turnout per unit (ballots issued, or cast, over the list); ``turnout_fixed`` units keep
    # theirs exactly, the others are scaled by one factor so the national figure is exact.
    turnout: dict[str, float]
    turnout_fixed: frozenset[str]
    # Share of ballots (cast) per unit for option keys and "invalid"/"both_marked", where published.
    fixed_shares: dict[str, dict[str, float]] = field(default_factory=dict)
    # Invented relative propensities per unit (1.0 = national average) for the other units.
    propensity: dict[str, dict[str, float]] = field(default_factory=dict)
    # Option allocated last, as the remainder: the largest one.
    remainder_option: str = ""
    election_day_addition_stations: int = 0

    @property
    def ballots_valid(self) -> int:
        return sum(o.votes for o in self.options) + self.ballots_both_marked

    @property
    def ballots_found(self) -> int:
        return self.ballots_valid + self.ballots_invalid

    @property
    def ballots_issued(self) -> int:
        return self.ballots_found + self.unreturned

    @property
    def stations(self) -> int:
        return self.stations_regular + self.stations_special + self.stations_abroad


PRESIDENTIAL_OPTIONS = (
    OptionData(
        "abden",
        "candidate",
        "Karakat Abden",
        "Қарақат Әбден",
        "Каракат Абден",
        206_206,
        "National Alliance of Professional Social Workers",
    ),
    OptionData(
        "auesbayev",
        "candidate",
        "Nurlan Auesbayev",
        "Нұрлан Әуесбаев",
        "Нурлан Ауесбаев",
        176_116,
        "Nationwide Social Democratic Party",
    ),
    OptionData(
        "dayrabayev",
        "candidate",
        "Zhiguli Dayrabayev",
        "Жиғули Дайрабаев",
        "Жигули Дайрабаев",
        271_641,
        "Auyl party",
    ),
    OptionData(
        "kazhyken",
        "candidate",
        "Meiram Kazhyken",
        "Мейрам Қажыкен",
        "Мейрам Кажыкен",
        200_907,
        "Amanat Federation of Trade Unions",
    ),
    OptionData(
        "tokayev",
        "candidate",
        "Kassym-Jomart Tokayev",
        "Қасым-Жомарт Тоқаев",
        "Касым-Жомарт Токаев",
        6_456_392,
        "Amanat, Ak Zhol, People's Party of Kazakhstan and public associations",
    ),
    OptionData(
        "tursynbekova",
        "candidate",
        "Saltanat Tursynbekova",
        "Салтанат Тұрсынбекова",
        "Салтанат Турсынбекова",
        168_731,
        "Kazakh Analary – Dasturge Zhol public association",
    ),
    OptionData(
        "against-all", "against_all", "Against all", "Бәріне қарсымын", "Против всех", 460_484
    ),
)

# §13.2, 22:00 column; Almaty city and Astana take the final figures of [P] §XIV.
PRESIDENTIAL_TURNOUT = {
    "KZ-10": 0.8018,
    "KZ-11": 0.7887,
    "KZ-15": 0.7281,
    "KZ-19": 0.7210,
    "KZ-23": 0.7087,
    "KZ-27": 0.6867,
    "KZ-31": 0.7957,
    "KZ-33": 0.8142,
    "KZ-35": 0.7839,
    "KZ-39": 0.7928,
    "KZ-43": 0.8107,
    "KZ-47": 0.6699,
    "KZ-55": 0.7758,
    "KZ-59": 0.7901,
    "KZ-61": 0.8037,
    "KZ-62": 0.7548,
    "KZ-63": 0.7949,
    "KZ-71": 0.487,
    "KZ-75": 0.287,
    "KZ-79": 0.5979,
}

# Invented: "against all" and the minor candidates do better in the big cities, where
# turnout was low and the incumbent's share presumably lower; [P] gives no regional results.
PRESIDENTIAL_PROPENSITY = {
    "KZ-75": {"against-all": 2.2, "minor": 1.5, "invalid": 1.3},
    "KZ-71": {"against-all": 1.6, "minor": 1.3, "invalid": 1.1},
    "KZ-79": {"against-all": 1.1, "minor": 1.1, "invalid": 1.0},
}

PRESIDENTIAL = Scenario(
    key="kz-2022-presidential",
    kind="presidential",
    date="2022-11-20",
    profile_key="kz-presidential-2022",
    name_en="Early presidential election, 20 November 2022",
    name_kk="Қазақстан Республикасы Президентінің кезектен тыс сайлауы, 2022 жылғы 20 қараша",
    name_ru="Внеочередные выборы Президента Республики Казахстан, 20 ноября 2022 года",
    contest_key="president",
    contest_en="President of the Republic of Kazakhstan",
    contest_kk="Қазақстан Республикасының Президенті",
    contest_ru="Президент Республики Казахстан",
    map=MAP_20,
    options=PRESIDENTIAL_OPTIONS,
    voters_on_list=11_953_465,
    # [P] Annex I gives 8,300,046 receiving ballots and 7,940,477 valid: 359,569 between them.
    # Taken as invalid ballots found in the boxes, with no unreturned ballots (docs/simulation.md).
    ballots_invalid=359_569,
    ballots_both_marked=0,
    unreturned=0,
    ballots_issued_mobile=112_969,
    voted_with_certificate=13_282,
    stations_regular=9_556,
    stations_special=477,
    stations_abroad=68,
    abroad_turnout=11_360 / 12_841,  # Astana Times, E-day 2022
    abroad_voters=12_841,
    abroad_issued=11_360,
    turnout=PRESIDENTIAL_TURNOUT,
    turnout_fixed=frozenset({"KZ-71", "KZ-75"}),
    propensity=PRESIDENTIAL_PROPENSITY,
    remainder_option="tokayev",
    election_day_addition_stations=4_053 + 181,
)

REFERENDUM_OPTIONS = (
    OptionData("yes", "yes", "Yes", "Иә", "Да", 6_163_516),
    OptionData("no", "no", "No", "Жоқ", "Нет", 1_490_470),
)

# §13.4, 22:00 column (preliminary; scaled to the final national 68.05 %).
REFERENDUM_TURNOUT = {
    "KZ-AKM": 0.7381,
    "KZ-AKT": 0.5806,
    "KZ-ALM": 0.7283,
    "KZ-ATY": 0.6768,
    "KZ-ZAP": 0.6937,
    "KZ-ZHA": 0.6959,
    "KZ-KAR": 0.7739,
    "KZ-KUS": 0.7228,
    "KZ-KZY": 0.7989,
    "KZ-MAN": 0.6119,
    "KZ-PAV": 0.7553,
    "KZ-SEV": 0.7549,
    "KZ-YUZ": 0.8066,
    "KZ-VOS": 0.7749,
    "KZ-AST": 0.5706,
    "KZ-ALA": 0.3330,
    "KZ-SHY": 0.7253,
}

# §13.4 partial CRC shares (of ballots cast).
REFERENDUM_SHARES = {
    "KZ-ALA": {"no": 0.2741, "invalid": 0.046, "both_marked": 0.0277},
    "KZ-MAN": {"no": 0.2639},
    "KZ-AKT": {"no": 0.2471},
    "KZ-ATY": {"no": 0.2329},
    "KZ-ZAP": {"no": 0.2416},
    "KZ-KUS": {"no": 0.2087},
}

REFERENDUM = Scenario(
    key="kz-2022-referendum",
    kind="referendum",
    date="2022-06-05",
    profile_key="kz-referendum-2022",
    name_en="Republican referendum on amendments to the Constitution, 5 June 2022",
    name_kk="Қазақстан Республикасы Конституциясына өзгерістер енгізу туралы республикалық референдум, 2022 жылғы 5 маусым",
    name_ru="Республиканский референдум по поправкам в Конституцию Республики Казахстан, 5 июня 2022 года",
    contest_key="amendments",
    contest_en="Do you accept the amendments to the Constitution published on 6 May 2022?",
    contest_kk="2022 жылғы 6 мамырда жарияланған Конституцияға өзгерістерді қабылдайсыз ба?",
    contest_ru="Принимаете ли Вы изменения в Конституцию, опубликованные 6 мая 2022 года?",
    map=MAP_17,
    options=REFERENDUM_OPTIONS,
    voters_on_list=11_734_642,
    ballots_invalid=205_924,
    ballots_both_marked=125_859,
    unreturned=0,
    ballots_issued_mobile=0,  # not published for the referendum; invented below
    voted_with_certificate=14_538,
    stations_regular=10_012 - 544 - 65,
    stations_special=544,
    stations_abroad=65,
    abroad_turnout=0.75,  # invented: not published
    abroad_voters=11_350,  # [R] fn25
    abroad_issued=0,
    turnout=REFERENDUM_TURNOUT,
    turnout_fixed=frozenset(),
    fixed_shares=REFERENDUM_SHARES,
    remainder_option="yes",
)

# Invented: mobile voting is not in the referendum annex; 1.4 % of ballots cast, the
# presidential share (112,969 / 8,300,046 = 1.36 %), rounded.
REFERENDUM_MOBILE_SHARE = 0.014

SCENARIOS: dict[str, Scenario] = {PRESIDENTIAL.key: PRESIDENTIAL, REFERENDUM.key: REFERENDUM}

# Registered voters per unit, thousands: relative weights only (invented from 2022 population
# estimates; Turkistan 1,177,507 and Ulytau 138,277 are the CEC figures of 1 Jan 2023, and
# Almaty city 1,129,117 the referendum figure of §13.4). Totals are fixed by the annex.
VOTER_WEIGHTS = {
    "KZ-10": 430,
    "KZ-11": 560,
    "KZ-15": 590,
    "KZ-19": 950,
    "KZ-23": 410,
    "KZ-27": 460,
    "KZ-31": 720,
    "KZ-33": 470,
    "KZ-35": 830,
    "KZ-39": 620,
    "KZ-43": 470,
    "KZ-47": 400,
    "KZ-55": 550,
    "KZ-59": 420,
    "KZ-61": 1177,
    "KZ-62": 138,
    "KZ-63": 540,
    "KZ-71": 830,
    "KZ-75": 1129,
    "KZ-79": 640,
    # The 17-unit map: merged units add up their parts.
    "KZ-AKM": 560,
    "KZ-AKT": 590,
    "KZ-ALM": 950 + 470,
    "KZ-ATY": 410,
    "KZ-ZAP": 460,
    "KZ-ZHA": 720,
    "KZ-KAR": 830 + 138,
    "KZ-KUS": 620,
    "KZ-KZY": 470,
    "KZ-MAN": 400,
    "KZ-PAV": 550,
    "KZ-SEV": 420,
    "KZ-YUZ": 1177,
    "KZ-VOS": 540 + 430,
    "KZ-AST": 810,
    "KZ-ALA": 1129,
    "KZ-SHY": 630,
}


@cache
def _intraday_shares() -> dict[str, float]:
    return region_shares({c: float(VOTER_WEIGHTS[c]) for c in REGION_RATES})


def regular_voter_shares(scenario: Scenario) -> dict[str, float] | None:
    """Return each unit's share of the voters at regular stations, where fixed (else None).

    DERIVED for the presidential election: the CEC's intraday releases (§13.2) give each
    region's rate and the national one at five times but no registered voters per region.
    The regions' regular stations (those that report turnout) take ``region_shares`` —
    the smallest relative change of ``VOTER_WEIGHTS`` under which the five national
    figures are the regional ones weighted by the regions' voters — so the simulated
    register reproduces the published national line as well as the regional ones
    (docs/pollingday.md). The referendum's units keep ``VOTER_WEIGHTS`` for all voters.
    """
    if scenario.key == PRESIDENTIAL.key:
        return _intraday_shares()
    return None


def voter_weights(scenario: Scenario) -> dict[str, float]:
    """Return the relative registered voters per unit (the regular shares where fixed)."""
    shares = regular_voter_shares(scenario)
    if shares is not None:
        return shares
    return {r.code: float(VOTER_WEIGHTS[r.code]) for r in scenario.map.regions}
