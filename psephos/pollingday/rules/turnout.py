"""Turnout through voting day: the reporting times, the checks of a report, the sums.

Pure Python. The reporting times are a switch of the day profile: Kazakhstan 2022
published figures at 10:00, 12:00, 16:00, 18:00 and 22:00 (kazakhstan-rules.md §13.2).
A report for a time is accepted from that time until ``window`` later, in the
station's local time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True, slots=True)
class DayProfile:
    """The election-day switches of one rule profile."""

    key: str
    report_times: tuple[dt.time, ...] = (
        dt.time(10, 0),
        dt.time(12, 0),
        dt.time(16, 0),
        dt.time(18, 0),
        dt.time(22, 0),
    )
    report_window: dt.timedelta = dt.timedelta(hours=1)


DAY_PROFILES = {
    "kz-presidential-2022": DayProfile("kz-presidential-2022"),
    "kz-referendum-2022": DayProfile("kz-referendum-2022"),
}


def report_times_parse(values: object) -> tuple[dt.time, ...] | None:
    """Return the profile switch's reporting times ("HH:MM" strings) in order, or None.

    ``None`` (the day profile's own times) when ``values`` is not a non-empty collection
    of well-formed times.
    """
    if not isinstance(values, frozenset | set | list | tuple) or not values:
        return None
    try:
        times = sorted({dt.time.fromisoformat(str(v)) for v in values})
    except ValueError:
        return None
    return tuple(times)


def day_profile_for(key: str, *, report_times: tuple[dt.time, ...] | None = None) -> DayProfile:
    """Return the day profile ``key`` (the default one for an unknown key), times switched."""
    profile = DAY_PROFILES.get(key, DayProfile(key))
    return replace(profile, report_times=report_times) if report_times else profile


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    facts: tuple[tuple[str, object], ...] = ()


def report_problems(
    *,
    profile: DayProfile,
    slot: dt.time,
    local_now: dt.datetime,
    voting_day: dt.date,
    voted: int,
    registered: int,
    previous_voted: int,
) -> list[Problem]:
    """Return why a turnout report cannot be accepted (an empty list when it can).

    ``slot_unknown``: not one of the profile's times; ``outside_window``: the station's
    clock is not within the slot's window; ``above_registered``: more voters than on the
    list; ``below_previous``: fewer voters than the station's previous report.
    """
    if slot not in profile.report_times:
        times = " ".join(t.strftime("%H:%M") for t in profile.report_times)
        return [Problem("slot_unknown", (("slot", slot.strftime("%H:%M")), ("times", times)))]
    problems: list[Problem] = []
    opens = dt.datetime.combine(voting_day, slot)
    closes = opens + profile.report_window
    if not opens <= local_now < closes:
        problems.append(
            Problem(
                "outside_window",
                (
                    ("opens", opens.strftime("%Y-%m-%d %H:%M")),
                    ("closes", closes.strftime("%H:%M")),
                    ("now", local_now.strftime("%Y-%m-%d %H:%M")),
                ),
            )
        )
    if voted > registered:
        problems.append(Problem("above_registered", (("voted", voted), ("registered", registered))))
    if voted < previous_voted:
        problems.append(Problem("below_previous", (("voted", voted), ("previous", previous_voted))))
    return problems


def percent(voted: int, registered: int) -> Decimal:
    """Return turnout in percent, rounded half up to two decimals (0 with nobody listed)."""
    if registered <= 0:
        return Decimal("0.00")
    return (Decimal(voted) * 100 / Decimal(registered)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def turnout_counts(
    *,
    registered: list[int],
    rates: list[Decimal],
    national: Decimal | None,
    tolerance: Decimal = Decimal("0.05"),
    floor: list[int] | None = None,
) -> list[int]:
    """Return voters per unit near ``rates`` (percent) whose sum gives ``national`` exactly.

    Each unit stays within ``tolerance`` points of its rate and at or above its ``floor``
    (the previous report); the national percentage, rounded to two decimals, equals
    ``national`` (``None``: each unit nearest its own rate, the nation as it follows).
    Raises ``ValueError`` when no such counts exist.
    """
    floor = floor or [0] * len(registered)
    lows = [
        max(f, _ceil((r - tolerance) * n / 100))
        for n, r, f in zip(registered, rates, floor, strict=True)
    ]
    highs = [
        min(n, _floor((r + tolerance) * n / 100)) for n, r in zip(registered, rates, strict=True)
    ]
    counts = [
        min(max(round(r * n / 100), lo), hi)
        for n, r, lo, hi in zip(registered, rates, lows, highs, strict=True)
    ]
    if any(lo > hi for lo, hi in zip(lows, highs, strict=True)):
        raise ValueError("a unit's rate cannot be met within the tolerance above its floor")
    if national is None:
        return counts
    total = sum(registered)
    # The national count that rounds to ``national``, nearest to the units' own sum.
    least = _ceil((national - Decimal("0.005")) * total / 100)
    most = _floor((national + Decimal("0.005")) * total / 100)
    if percent(most, total) != national:
        most -= 1
    target = min(max(sum(counts), least), most)
    if least > most or not sum(lows) <= target <= sum(highs):
        raise ValueError(f"national {national} cannot be met within the tolerance")
    gap = target - sum(counts)
    order = sorted(range(len(counts)), key=lambda i: -registered[i])
    while gap:
        for i in order:
            if gap > 0 and counts[i] < highs[i]:
                counts[i] += 1
                gap -= 1
            elif gap < 0 and counts[i] > lows[i]:
                counts[i] -= 1
                gap += 1
            if not gap:
                break
    return counts


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding="ROUND_CEILING"))


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding="ROUND_FLOOR"))


def spread(total: int, weights: list[int], *, floor: list[int]) -> list[int]:
    """Return ``total`` split over units in proportion to ``weights``, each at or above its floor
    and at most its weight (largest remainders). Raises ``ValueError`` when impossible."""
    if not sum(floor) <= total <= sum(weights):
        raise ValueError("total outside the floors and the weights")
    whole = sum(weights)
    exact = [Decimal(total) * w / whole if whole else Decimal(0) for w in weights]
    out = [min(w, max(f, int(e))) for e, w, f in zip(exact, weights, floor, strict=True)]
    order = sorted(range(len(out)), key=lambda i: -(exact[i] - int(exact[i])))
    while sum(out) != total:
        step = 1 if sum(out) < total else -1
        moved = False
        for i in order:
            if sum(out) == total:
                break
            if (step > 0 and out[i] < weights[i]) or (step < 0 and out[i] > floor[i]):
                out[i] += step
                moved = True
        if not moved:
            raise ValueError("cannot spread")
    return out


# Age bands of the turnout by sex and age (the reports say it was never published).
AGE_BANDS: tuple[tuple[int, int | None], ...] = (
    (18, 24),
    (25, 34),
    (35, 44),
    (45, 54),
    (55, 64),
    (65, None),
)


def age_band_births(day: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Return each age band on ``day`` as (label, born after, born on or before)."""
    out = []
    for low, high in AGE_BANDS:
        until = _years_before(day, low)
        after = _years_before(day, high + 1) if high is not None else dt.date(1, 1, 1)
        out.append((f"{low}-{high}" if high is not None else f"{low}+", after, until))
    return out


def _years_before(day: dt.date, years: int) -> dt.date:
    """Return the same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
