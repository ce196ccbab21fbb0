"""Coordinates of simple inline SVG charts (no library, no JavaScript).

Pure functions; nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

STEPS = (Decimal(1), Decimal(2), Decimal(5), Decimal(10))


def polyline(values: list[Decimal], *, top: Decimal, width: int, height: int) -> str:
    """Return SVG polyline points of ``values`` spread over ``width``, scaled to ``top``."""
    if not values or top <= 0:
        return ""
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - float(v / top) * height:.1f}" for i, v in enumerate(values)
    )


@dataclass(frozen=True, slots=True)
class Axis:
    """A value axis from 0 to ``top`` with round ``ticks``, labelled in ``unit`` (KZT)."""

    top: Decimal
    ticks: list[Decimal]
    unit: int  # 1, 1,000 or 1,000,000: the labels are the ticks divided by it

    def at(self, value: Decimal, length: float) -> float:
        """Return where ``value`` falls along an axis ``length`` long."""
        return float(value / self.top) * length if self.top > 0 else 0.0

    def labels(self) -> list[int]:
        """Return the ticks in the axis' unit (whole numbers: the steps are round)."""
        return [int(t / self.unit) for t in self.ticks]


def value_axis(largest: Decimal, *, ticks: int = 4) -> Axis:
    """Return an axis reaching at least ``largest`` in about ``ticks`` steps of 1, 2 or 5 × 10ⁿ.

    The unit is a million when a step is at least a million, a thousand when at least
    a thousand, else one tenge; an axis of nothing is 0 to 1.
    """
    if largest <= 0:
        return Axis(Decimal(1), [Decimal(0), Decimal(1)], 1)
    raw = largest / ticks
    magnitude = Decimal(10) ** max(raw.adjusted(), 0)
    step = next(m * magnitude for m in STEPS if m * magnitude >= raw)
    count = int((largest / step).to_integral_value(rounding=ROUND_CEILING))
    unit = 1_000_000 if step >= 1_000_000 else 1_000 if step >= 1_000 else 1
    return Axis(step * count, [step * i for i in range(count + 1)], unit)


def timeline(
    series: Sequence[Sequence[tuple[dt.date, Decimal]]],
    *,
    first: dt.date,
    last: dt.date,
    top: Decimal,
    width: float,
    height: float,
) -> list[str]:
    """Return SVG polyline points of each running total, on one date axis and one scale.

    Each series is its (day, running total) points; a day is placed between ``first``
    and ``last`` over ``width``, a value from the bottom of ``height`` up to ``top``.
    """
    span = max((last - first).days, 1)

    def x(day: dt.date) -> float:
        return (day - first).days / span * width

    def y(value: Decimal) -> float:
        return height - (float(value / top) * height if top > 0 else 0.0)

    return [" ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in points) for points in series]
