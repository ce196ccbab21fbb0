"""``core.expressions.Later`` (the results evidence compares acceptance and publication with
it): a date-time moved later by whole seconds, compared in the database exactly to
the microsecond on both engines (SQLite as text, PostgreSQL as an interval)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import DateTimeField, Value

from psephos.core import clock
from psephos.core.expressions import Later
from psephos.ledger.models import Event
from psephos.ledger.services.events import event_record

pytestmark = pytest.mark.django_db
TWO_HOURS = dt.timedelta(hours=2)
US = dt.timedelta(microseconds=1)


def _event_at(at: dt.datetime) -> Event:
    with clock.fixed(at), transaction.atomic():
        return event_record(
            actor="system:test", role="system", action="t", object_key="t", payload={}
        )


@pytest.mark.parametrize(
    ("start", "after", "within"),
    [
        (dt.datetime(2022, 11, 20, 15, tzinfo=dt.UTC), TWO_HOURS, True),
        (dt.datetime(2022, 11, 20, 15, tzinfo=dt.UTC), TWO_HOURS + US, False),
        (dt.datetime(2022, 11, 20, 15, 0, 0, 500_000, tzinfo=dt.UTC), TWO_HOURS, True),
        (dt.datetime(2022, 11, 20, 15, 0, 0, 500_000, tzinfo=dt.UTC), TWO_HOURS + US, False),
        (dt.datetime(2022, 11, 20, 23, 59, 59, 999_999, tzinfo=dt.UTC), TWO_HOURS - US, True),
        (dt.datetime(2022, 12, 31, 23, 0, 0, 1, tzinfo=dt.UTC), TWO_HOURS, True),
    ],
)
def test_a_time_at_most_the_shift_later_is_within(
    start: dt.datetime, after: dt.timedelta, within: bool
) -> None:
    event = _event_at(start + after)
    shifted = Later(Value(start, output_field=DateTimeField()), TWO_HOURS)

    assert Event.objects.filter(pk=event.pk, at__lte=shifted).exists() is within


def test_only_whole_seconds_forward() -> None:
    for delta in (dt.timedelta(seconds=-1), dt.timedelta(milliseconds=1)):
        with pytest.raises(ValueError, match="whole number of seconds"):
            Later("at", delta)
