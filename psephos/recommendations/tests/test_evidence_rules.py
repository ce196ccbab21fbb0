"""The evidence share rule: exact values and “not measurable”, never zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from psephos.recommendations.rules.evidence import (
    Measured,
    MedianHours,
    NotMeasurable,
    median_measure,
    share_measure,
)


def test_share_is_exact_to_four_places() -> None:
    assert share_measure(96, 101) == Measured(96, 101, Decimal("0.9505"))
    assert share_measure(0, 5) == Measured(0, 5, Decimal("0.0000"))
    assert share_measure(3, 3) == Measured(3, 3, Decimal("1.0000"))


def test_no_source_or_nothing_to_count_is_not_measurable() -> None:
    assert share_measure(None, 10) == NotMeasurable("no_data_source")
    assert share_measure(4, None) == NotMeasurable("no_data_source")
    assert share_measure(0, 0) == NotMeasurable("nothing_to_count")


def test_numerator_outside_range_is_refused() -> None:
    with pytest.raises(ValueError, match=r"numerator 6 outside 0\.\.5"):
        share_measure(6, 5)
    with pytest.raises(ValueError, match=r"numerator -1 outside 0\.\.5"):
        share_measure(-1, 5)


def test_median_is_kept_with_its_count_or_not_measurable() -> None:
    assert median_measure(Decimal("5.00"), 3) == MedianHours(Decimal("5.00"), 3)
    assert median_measure(Decimal("0.00"), 2) == MedianHours(Decimal("0.00"), 2)
    assert median_measure(None, 0) == NotMeasurable("nothing_to_count")
    assert median_measure(None, None) == NotMeasurable("no_data_source")
