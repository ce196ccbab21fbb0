"""Paid advertising: each outlet's published rates, the ads each candidate bought, and the
equal-access check (the law: equal access to paid airtime and space, [P] §X.A).

Pure Python. A rate is an outlet's published price for one placement (e.g. a prime-time
spot, a front-page banner), per second or per placement, from the day it was published.
An ad is what a candidate bought: outlet, placement, day, seconds or number of
placements, and the price paid. ``price_check`` finds the rate in force on the ad's day
(the latest published on or before it) and computes the price the rate gives; an ad
whose price differs, or for which no rate was published, is flagged with the numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .coding import Problem
from .table import amount, day, integer, table_read

UNITS = ("second", "placement")
RATE_COLUMNS = ("outlet", "placement", "unit", "price", "published_on")
AD_COLUMNS = (
    "ad",
    "outlet",
    "candidate",
    "placement",
    "aired_on",
    "seconds",
    "placements",
    "price",
)
AD_REQUIRED = frozenset({"ad", "outlet", "candidate", "placement", "aired_on", "price"})
_SLUG_MAX = 64


@dataclass(frozen=True, slots=True)
class Rate:
    outlet: str
    placement: str
    unit: str  # second or placement
    price: Decimal  # tenge per unit
    published_on: dt.date


@dataclass(frozen=True, slots=True)
class Ad:
    ad: str
    outlet: str
    candidate: str
    placement: str
    aired_on: dt.date
    seconds: int | None
    placements: int | None
    price: Decimal


def _slug(cells: Mapping[str, str], column: str, line: int, problems: list[Problem]) -> str:
    value = cells[column]
    if value and (len(value) > _SLUG_MAX or not value.replace("-", "").replace("_", "").isalnum()):
        problems.append(Problem(line, column, "key"))
    return value


def rates_read(
    data: bytes, outlets: frozenset[str], published: frozenset[tuple[str, str, dt.date]]
) -> tuple[list[Rate], list[Problem]]:
    """Read a CSV of published rates; ``published`` are (outlet, placement, day) stored.

    Codes besides the table's: ``no_such_outlet``, ``unknown_choice`` (unit), ``key``,
    ``recorded`` (that rate is stored), ``repeated_rate`` (on an earlier line).
    """
    cells, problems = table_read(data, RATE_COLUMNS, frozenset(RATE_COLUMNS))
    rates: list[Rate] = []
    seen = set(published)
    for n, c in cells:
        found: list[Problem] = []
        if c["outlet"] and c["outlet"] not in outlets:
            found.append(Problem(n, "outlet", "no_such_outlet"))
        placement = _slug(c, "placement", n, found)
        if c["unit"] and c["unit"] not in UNITS:
            found.append(Problem(n, "unit", "unknown_choice"))
        price = amount(c, "price", n, found)
        on = day(c, "published_on", n, found)
        if on is not None:
            key = (c["outlet"], placement, on)
            if key in seen:
                code = "recorded" if key in published else "repeated_rate"
                found.append(Problem(n, "published_on", code))
            seen.add(key)
        problems.extend(found)
        if not found and price is not None and on is not None and all(c.values()):
            rates.append(Rate(c["outlet"], placement, c["unit"], price, on))
    return rates, problems


def ads_read(
    data: bytes, outlets: frozenset[str], candidates: frozenset[str], stored: frozenset[str]
) -> tuple[list[Ad], list[Problem]]:
    """Read a CSV of paid ads; ``stored`` are the ad keys recorded before.

    Codes besides the table's: ``no_such_outlet``, ``unknown_candidate``, ``key``,
    ``volume_missing`` (neither seconds nor placements), ``recorded``, ``repeated_ad``.
    """
    cells, problems = table_read(data, AD_COLUMNS, AD_REQUIRED)
    ads: list[Ad] = []
    seen = set(stored)
    for n, c in cells:
        found: list[Problem] = []
        key = _slug(c, "ad", n, found)
        if key and key in seen:
            found.append(Problem(n, "ad", "recorded" if key in stored else "repeated_ad"))
        seen.add(key)
        if c["outlet"] and c["outlet"] not in outlets:
            found.append(Problem(n, "outlet", "no_such_outlet"))
        if c["candidate"] and c["candidate"] not in candidates:
            found.append(Problem(n, "candidate", "unknown_candidate"))
        placement = _slug(c, "placement", n, found)
        on = day(c, "aired_on", n, found)
        seconds = integer(c, "seconds", n, found)
        placements = integer(c, "placements", n, found)
        if not c["seconds"] and not c["placements"]:
            found.append(Problem(n, "seconds", "volume_missing"))
        price = amount(c, "price", n, found)
        problems.extend(found)
        if not found and on is not None and price is not None:
            ads.append(
                Ad(key, c["outlet"], c["candidate"], placement, on, seconds, placements, price)
            )
    return ads, problems


@dataclass(frozen=True, slots=True)
class AdCheck:
    """An ad against the rate in force: ``status`` is ``published_rate``, ``differs``,
    ``no_rate`` (no rate for that outlet and placement published by the ad's day) or
    ``no_seconds`` (a rate per second, an ad recorded without its seconds)."""

    ad: Ad
    rate: Rate | None
    quantity: int | None  # seconds or placements, as the rate's unit counts
    expected: Decimal | None
    difference: Decimal | None  # paid − expected
    status: str


def price_check(ads: Sequence[Ad], rates: Sequence[Rate]) -> list[AdCheck]:
    """Check every ad's price against the published rate in force on its day."""
    by_placement: dict[tuple[str, str], list[Rate]] = {}
    for r in sorted(rates, key=lambda r: r.published_on):
        by_placement.setdefault((r.outlet, r.placement), []).append(r)
    out: list[AdCheck] = []
    for ad in ads:
        history = by_placement.get((ad.outlet, ad.placement), [])
        rate = next((r for r in reversed(history) if r.published_on <= ad.aired_on), None)
        quantity = None
        if rate is not None:
            quantity = ad.seconds if rate.unit == "second" else ad.placements or 1
        if rate is None or quantity is None:
            status = "no_rate" if rate is None else "no_seconds"
            out.append(AdCheck(ad, rate, quantity, None, None, status))
            continue
        expected = rate.price * quantity
        difference = ad.price - expected
        out.append(
            AdCheck(
                ad,
                rate,
                quantity,
                expected,
                difference,
                "published_rate" if difference == 0 else "differs",
            )
        )
    return out
