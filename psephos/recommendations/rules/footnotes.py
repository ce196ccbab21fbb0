"""ODIHR's own follow-up of earlier recommendations, as the two 2022 reports footnote it.

[R] fn80 (the referendum report, Warsaw 5 Oct 2022) and [P] fn96 (the presidential report,
Warsaw 14 Jul 2023) list earlier recommendations by number under “fully”, “mostly” and
“partially implemented”. A recommendation that the earlier footnote listed and the later
one, assessing the same report, does not is “not listed” then: not “not implemented”.
Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FULLY = "fully"
MOSTLY = "mostly"
PARTIALLY = "partially"
NOT_LISTED = "not_listed"


@dataclass(frozen=True)
class EarlierReport:
    key: str
    title: str
    election: str


@dataclass(frozen=True)
class Footnote:
    key: str  # stable: “<report>-fn<number>”
    source: str  # the citation, “[R] fn80”
    in_report: str  # the key of the report whose footnote it is
    assessed_on: dt.date
    levels: dict[str, dict[str, tuple[int, ...]]]  # assessed report key → level → numbers


EARLIER_REPORTS = (
    EarlierReport(
        "odihr-kz-2016-parliamentary",
        "ODIHR final report, 2016 parliamentary elections",
        "kz-2016-parliamentary",
    ),
    EarlierReport(
        "odihr-kz-2019-presidential",
        "ODIHR final report, 2019 early presidential election",
        "kz-2019-presidential",
    ),
    EarlierReport(
        "odihr-kz-2021-parliamentary",
        "ODIHR final report, 2021 parliamentary elections",
        "kz-2021-parliamentary",
    ),
)

R_FN80 = Footnote(
    key="odihr-kz-2022-referendum-fn80",
    source="[R] fn80",
    in_report="odihr-kz-2022-referendum",
    assessed_on=dt.date(2022, 10, 5),
    levels={
        "odihr-kz-2016-parliamentary": {
            MOSTLY: (2, 5, 9, 14),
            PARTIALLY: (1, 4, 8, 12, 16, 17, 18, 19, 22),
        },
        "odihr-kz-2019-presidential": {
            MOSTLY: (15,),
            PARTIALLY: (1, 6, 7, 8, 9, 12, 13, 14, 18, 19, 23, 26, 29, 31),
        },
        "odihr-kz-2021-parliamentary": {
            FULLY: (7, 23),
            MOSTLY: (4, 10, 15, 24),
            PARTIALLY: (8, 9, 12),
        },
    },
)

P_FN96 = Footnote(
    key="odihr-kz-2022-presidential-fn96",
    source="[P] fn96",
    in_report="odihr-kz-2022-presidential",
    assessed_on=dt.date(2023, 7, 14),
    levels={
        "odihr-kz-2019-presidential": {
            MOSTLY: (12,),
            PARTIALLY: (1, 4, 6, 7, 8, 9, 13, 14, 15, 23, 24, 26, 31),
        },
        "odihr-kz-2021-parliamentary": {
            FULLY: (7, 8, 10),
            MOSTLY: (4, 9, 15, 23),
            PARTIALLY: (2, 3, 12, 13, 25),
        },
        "odihr-kz-2022-referendum": {
            MOSTLY: (8,),
            PARTIALLY: (11,),
        },
    },
)

FOOTNOTES = (R_FN80, P_FN96)


def footnote_levels(footnote: Footnote, report: str) -> dict[int, str]:
    """Number → level of ``report``'s recommendations in ``footnote`` (empty if not assessed)."""
    return {n: level for level, numbers in footnote.levels.get(report, {}).items() for n in numbers}


def footnote_not_listed(earlier: Footnote, later: Footnote, report: str) -> tuple[int, ...]:
    """Numbers ``earlier`` listed for ``report`` that ``later`` leaves out, if it assesses it."""
    before, after = footnote_levels(earlier, report), footnote_levels(later, report)
    if not after:
        return ()
    return tuple(sorted(n for n in before if n not in after))


@dataclass(frozen=True)
class Change:
    number: int
    before: str  # a level, or NOT_LISTED when the earlier assessment did not list it
    after: str


def level_changes(before: dict[int, str], after: dict[int, str]) -> list[Change]:
    """Every number whose level differs between two assessments; absent is NOT_LISTED."""
    numbers = sorted(set(before) | set(after))
    return [
        Change(n, before.get(n, NOT_LISTED), after.get(n, NOT_LISTED))
        for n in numbers
        if before.get(n, NOT_LISTED) != after.get(n, NOT_LISTED)
    ]
