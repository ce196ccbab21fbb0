"""The evidence figures are measured once per ledger head: the pages and the API read them
from the cache until a new ledger event lands, then measure again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache

from psephos.commissions.models import Session
from psephos.commissions.sessions import session_announce
from psephos.core import clock
from psephos.recommendations.evidence import evidence_cached, evidence_for_election
from tests.support.country import country_tiny

pytestmark = [pytest.mark.django_db, pytest.mark.once]

SESSIONS = "sessions-announced-24h"
STARTS = dt.datetime(2022, 11, 2, 10, tzinfo=dt.UTC)


def sessions_figure(evidence: list[Any]) -> tuple[object, ...]:
    (e,) = [e for e in evidence if e.indicator.key == SESSIONS]
    v = e.value
    return (e.measurable, getattr(v, "numerator", None), getattr(v, "denominator", None))


def test_the_cached_figures_hold_until_a_new_ledger_event_lands(
    django_assert_num_queries: Any,
) -> None:
    cache.clear()
    country = country_tiny()
    election, tec = country.election, country.tecs[0]
    assert election is not None
    assert sessions_figure(evidence_cached(election=election)) == (False, None, None)

    # A row written behind the ledger's back is not seen: the figures come from the cache,
    # and reading them costs one query (the ledger head).
    Session.objects.create(
        commission=tec,
        number="1",
        starts_at=STARTS,
        agenda="Agenda",
        announced_at=STARTS - dt.timedelta(hours=2),
    )
    with django_assert_num_queries(1):
        cached = evidence_cached(election=election)
    assert sessions_figure(cached) == (False, None, None)
    assert sessions_figure(evidence_for_election(election=election)) == (True, 0, 1)

    # A session announced through the service appends session.announce: a new head, and
    # the figures are measured again (both sessions, one announced 24 h ahead).
    with clock.fixed(STARTS - dt.timedelta(hours=48)):
        session_announce(
            user=country.users[tec.code],
            commission=tec,
            number="2",
            starts_at=STARTS,
            agenda="Agenda",
            notice_hours=24,
        )
    assert sessions_figure(evidence_cached(election=election)) == (True, 1, 2)
