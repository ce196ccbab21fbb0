"""Coverage reports: shares of volume, tone, women speakers, the equal-coverage test.

Pure Python over the rows one SQL ``GROUP BY`` gives (outlet, subject, programme, tone,
local day → volume, items, speakers). Every figure is computed per outlet and for all
outlets together, over the whole period and per week (weeks counted from the plan's
first day). A share is a subject's volume over the volume of every subject in the same
outlet and scope, in news and in all programmes (ODIHR's per-outlet shares, where the
incumbent's institutional coverage is a subject of its own).

Volumes are seconds (TV, radio), cm² (print) or characters (online), and a second and
a character cannot be added: "all outlets" (ALL_OUTLETS) adds the outlets together only
when every outlet counts in the same unit (``ReportSetup.units``); a plan that mixes
units gets one total per unit instead (``all_outlets_in(unit)``: all TV and radio, all
print, all online).

The equal-coverage test (the law: candidates covered in equal shares in news, [P] §X.A)
compares each candidate's share of the candidates' news volume with 1/n; the equitable
alternative (ODIHR P20) compares it with the candidate's weight over the sum of weights
under a stated criterion. A test passes when no candidate is further than the tolerance
from the expected share.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

ALL_OUTLETS = "*"


def all_outlets_in(unit: str) -> str:
    """Return the key of the total over the outlets counting their volume in ``unit``."""
    return f"{ALL_OUTLETS}{unit}"


def is_total(outlet: str) -> bool:
    """Return whether ``outlet`` is a total over outlets rather than one outlet."""
    return outlet.startswith(ALL_OUTLETS)


PERIOD = "period"
NEWS = "news"
PAID = "paid"
VOTER_INFORMATION = "voter_information"
FREE_AIRTIME = "free_airtime"
INCUMBENT_INSTITUTIONAL = "incumbent_institutional"


@dataclass(frozen=True, slots=True)
class CoverageRow:
    outlet: str
    subject: str
    programme: str
    tone: int
    day: dt.date
    volume: int
    items: int
    women: int
    men: int


@dataclass(frozen=True, slots=True)
class ReportSetup:
    starts_on: dt.date
    subjects: Sequence[str]  # in the order to show them
    candidates: Sequence[str]  # the subjects the equal-coverage test compares
    incumbent: str = ""
    weights: Mapping[str, int] = field(default_factory=dict)  # the equitable criterion
    tolerance: int = 500  # basis points of share
    units: Mapping[str, str] = field(default_factory=dict)  # outlet → volume unit


@dataclass(frozen=True, slots=True)
class SubjectCoverage:
    subject: str
    news_volume: int
    news_share: float
    all_volume: int
    all_share: float
    tone_volume: tuple[int, int, int]  # negative, neutral, positive (all programmes)
    tone_items: tuple[int, int, int]
    paid_items: int
    free_airtime_volume: int


@dataclass(frozen=True, slots=True)
class CoverageTest:
    expected: dict[str, float]  # candidate → expected share of the candidates' news volume
    actual: dict[str, float]
    deviation: float  # the largest |actual − expected|
    passed: bool


@dataclass(frozen=True, slots=True)
class OutletCoverage:
    outlet: str  # an outlet key, or ALL_OUTLETS
    scope: str  # PERIOD, or the first day of a week (ISO)
    news_volume: int
    all_volume: int
    subjects: list[SubjectCoverage]
    incumbent_institutional: int  # volume, all programmes
    incumbent_candidate: int
    women: int
    men: int
    women_share: float | None
    paid_volume: int
    voter_information_volume: int
    equal: CoverageTest | None
    equitable: CoverageTest | None


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def week_of(day: dt.date, starts_on: dt.date) -> str:
    """Return the first day (ISO) of the plan week that ``day`` falls in."""
    return (starts_on + dt.timedelta(days=(day - starts_on).days // 7 * 7)).isoformat()


def coverage_test(
    news: Mapping[str, int], weights: Mapping[str, int], tolerance: int
) -> CoverageTest | None:
    """Compare the candidates' shares of their news volume with their expected shares.

    ``weights`` gives each candidate's weight (1 each for the equal test). None when
    there are no candidates or the weights sum to 0.
    """
    total_weight = sum(weights.values())
    if not weights or total_weight <= 0:
        return None
    total = sum(news.get(c, 0) for c in weights)
    expected = {c: round(w / total_weight, 4) for c, w in weights.items()}
    actual = {c: _share(news.get(c, 0), total) for c in weights}
    deviation = round(max(abs(actual[c] - expected[c]) for c in weights), 4)
    return CoverageTest(expected, actual, deviation, deviation * 10000 <= tolerance)


def coverage_report(rows: Sequence[CoverageRow], setup: ReportSetup) -> list[OutletCoverage]:
    """Return the coverage of every outlet and of all outlets, over the period and per week.

    Order: outlets by key, then the totals (ALL_OUTLETS, or one per unit when the
    outlets' units differ); for each, the period first, then weeks.
    """
    one_unit = len({setup.units.get(row.outlet, "") for row in rows}) <= 1
    groups: dict[tuple[str, str], list[CoverageRow]] = defaultdict(list)
    for row in rows:
        week = week_of(row.day, setup.starts_on)
        total = ALL_OUTLETS if one_unit else all_outlets_in(setup.units.get(row.outlet, ""))
        for outlet in (row.outlet, total):
            groups[(outlet, PERIOD)].append(row)
            groups[(outlet, week)].append(row)
    keys = {o for o, _ in groups}
    outlets = sorted(o for o in keys if not is_total(o)) + sorted(o for o in keys if is_total(o))
    out: list[OutletCoverage] = []
    for outlet in outlets:
        scopes = sorted(s for o, s in groups if o == outlet and s != PERIOD)
        for scope in [PERIOD, *scopes]:
            out.append(_coverage(outlet, scope, groups[(outlet, scope)], setup))
    return out


def _coverage(
    outlet: str, scope: str, rows: Sequence[CoverageRow], setup: ReportSetup
) -> OutletCoverage:
    news: dict[str, int] = defaultdict(int)
    every: dict[str, int] = defaultdict(int)
    tone_volume: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    tone_items: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    paid_items: dict[str, int] = defaultdict(int)
    free: dict[str, int] = defaultdict(int)
    women = men = paid = voter_information = 0
    for r in rows:
        every[r.subject] += r.volume
        tone_volume[r.subject][r.tone + 1] += r.volume
        tone_items[r.subject][r.tone + 1] += r.items
        women += r.women
        men += r.men
        if r.programme == NEWS:
            news[r.subject] += r.volume
        elif r.programme == PAID:
            paid_items[r.subject] += r.items
            paid += r.volume
        elif r.programme == VOTER_INFORMATION:
            voter_information += r.volume
        elif r.programme == FREE_AIRTIME:
            free[r.subject] += r.volume
    news_total = sum(news.values())
    all_total = sum(every.values())
    subjects = [s for s in setup.subjects if s in every] + sorted(
        s for s in every if s not in setup.subjects
    )
    candidates = [c for c in setup.candidates]
    return OutletCoverage(
        outlet=outlet,
        scope=scope,
        news_volume=news_total,
        all_volume=all_total,
        subjects=[
            SubjectCoverage(
                subject=s,
                news_volume=news[s],
                news_share=_share(news[s], news_total),
                all_volume=every[s],
                all_share=_share(every[s], all_total),
                tone_volume=(tone_volume[s][0], tone_volume[s][1], tone_volume[s][2]),
                tone_items=(tone_items[s][0], tone_items[s][1], tone_items[s][2]),
                paid_items=paid_items[s],
                free_airtime_volume=free[s],
            )
            for s in subjects
        ],
        incumbent_institutional=every[INCUMBENT_INSTITUTIONAL],
        incumbent_candidate=every[setup.incumbent] if setup.incumbent else 0,
        women=women,
        men=men,
        women_share=round(women / (women + men), 4) if women + men else None,
        paid_volume=paid,
        voter_information_volume=voter_information,
        equal=coverage_test(news, dict.fromkeys(candidates, 1), setup.tolerance),
        equitable=coverage_test(
            news, {c: setup.weights.get(c, 0) for c in candidates}, setup.tolerance
        )
        if setup.weights
        else None,
    )
