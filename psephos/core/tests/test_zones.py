"""Instants in a zone's own time with its offset (ISO 8601)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from psephos.core.zones import in_zone, iso_in_zone

UTC_EVENING = dt.datetime(2022, 11, 11, 14, 0, tzinfo=dt.UTC)


def test_an_instant_is_given_with_the_zones_offset_on_its_day() -> None:
    assert iso_in_zone(UTC_EVENING, "Asia/Almaty") == "2022-11-11T20:00:00+06:00"
    # Kazakhstan moved to +05:00 on 1 March 2024: the offset is the day's.
    later = dt.datetime(2024, 6, 1, 14, 0, tzinfo=dt.UTC)
    assert iso_in_zone(later, ZoneInfo("Asia/Almaty")) == "2024-06-01T19:00:00+05:00"
    local = in_zone(UTC_EVENING, "Asia/Almaty")
    assert local == UTC_EVENING and local is not None and local.hour == 20


def test_none_stays_empty_and_a_naive_time_is_refused() -> None:
    assert in_zone(None, "Asia/Almaty") is None
    assert iso_in_zone(None, "Asia/Almaty") == ""
    with pytest.raises(ValueError, match="aware"):
        in_zone(dt.datetime(2022, 11, 11, 14, 0), "Asia/Almaty")
