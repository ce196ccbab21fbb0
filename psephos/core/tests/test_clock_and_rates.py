"""The service clock's demo start and the shared rate counter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from psephos.core import clock
from psephos.core.ratelimit import rate_count, rate_hit


@pytest.fixture
def fresh_offset() -> object:
    clock._offset.cache_clear()
    yield
    clock._offset.cache_clear()


def test_clock_is_the_system_clock_by_default(settings: object, fresh_offset: object) -> None:
    settings.PSEPHOS_CLOCK_START = ""  # type: ignore[attr-defined]
    before = timezone.now()
    now = clock.now()
    assert before <= now <= timezone.now()


def test_demo_clock_starts_at_the_given_instant_and_runs(
    settings: object, fresh_offset: object
) -> None:
    settings.PSEPHOS_CLOCK_START = "2022-11-20T09:00:00+06:00"  # type: ignore[attr-defined]
    start = dt.datetime(2022, 11, 20, 3, 0, tzinfo=dt.UTC)
    first = clock.now()
    second = clock.now()
    assert start <= first <= second < start + dt.timedelta(minutes=5)


def test_demo_clock_needs_an_offset(settings: object, fresh_offset: object) -> None:
    settings.PSEPHOS_CLOCK_START = "2022-11-20T09:00:00"  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="PSEPHOS_CLOCK_START needs a UTC offset"):
        clock.now()


@pytest.mark.django_db
def test_rate_counts_per_scope_client_and_window(monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.core.models import RateCount

    t0 = dt.datetime(2022, 11, 20, 10, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: t0)
    assert [rate_hit(scope="a", client="x", window_seconds=60) for _ in range(3)] == [1, 2, 3]
    assert rate_hit(scope="a", client="y", window_seconds=60) == 1
    assert rate_hit(scope="b", client="x", window_seconds=60) == 1
    assert rate_count(scope="a", client="x", window_seconds=60) == 3
    assert rate_count(scope="a", client="z", window_seconds=60) == 0
    monkeypatch.setattr(clock, "now", lambda: t0 + dt.timedelta(seconds=60))
    assert rate_count(scope="a", client="x", window_seconds=60) == 0
    assert rate_hit(scope="a", client="x", window_seconds=60) == 1
    # A new window forgets the scope's ended ones, and no row names a client.
    assert sorted(RateCount.objects.values_list("scope", "count")) == [("a", 1), ("b", 1)]
    assert all(
        len(c) == 64 and c not in {"x", "y"}
        for c in RateCount.objects.values_list("client", flat=True)
    )
