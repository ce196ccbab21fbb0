"""Evidence indicators: a share measured from counts another app's selector gathered.

An indicator is defined by its key, the recommendations it measures and its definition; its
value is the share numerator/denominator. With no denominator (nothing to count) or no data
source the result is “not measurable” with the reason, never zero. Pure Python: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal


@dataclass(frozen=True)
class Measured:
    numerator: int
    denominator: int
    share: Decimal  # 0..1, four decimal places


@dataclass(frozen=True)
class NotMeasurable:
    reason: str  # a stable code: "no_data_source" or "nothing_to_count"


def share_measure(numerator: int | None, denominator: int | None) -> Measured | NotMeasurable:
    """The share numerator/denominator, or why it cannot be measured.

    None for either count means psephos holds no data source for it; a zero denominator means
    the election has nothing of that kind yet. A numerator outside 0..denominator is a bug in
    the caller and raises ValueError.
    """
    if numerator is None or denominator is None:
        return NotMeasurable("no_data_source")
    if denominator == 0:
        return NotMeasurable("nothing_to_count")
    if not 0 <= numerator <= denominator:
        raise ValueError(f"numerator {numerator} outside 0..{denominator}")
    share = (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_EVEN
    )
    return Measured(numerator, denominator, share)


@dataclass(frozen=True)
class MedianHours:
    hours: Decimal  # the median delay in hours
    count: int  # how many delays it is the median of


def median_measure(hours: Decimal | None, count: int | None) -> MedianHours | NotMeasurable:
    """The median ``hours`` of ``count`` delays, or why it cannot be measured: no source
    (None) or nothing to count (no delays) — never a median of zero made up from nothing."""
    if count is None:
        return NotMeasurable("no_data_source")
    if count == 0 or hours is None:
        return NotMeasurable("nothing_to_count")
    return MedianHours(hours, count)
