"""Query budgets of the protocol decision path: each row it needs is read once."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from psephos.commissions.models import Commission
from psephos.elections.models import Election
from psephos.elections.selectors import election_get
from psephos.results import selectors
from psephos.results.models import Protocol, Tally
from psephos.results.services.protocols import protocol_accept, protocol_submit
from psephos.results.services.tabulation import tally_recompute

from .factories import good_lines, small_country

pytestmark = pytest.mark.django_db

STATION = "KZ-01-0101"


def _selects_from(queries: list[dict[str, str]], model: type) -> int:
    """Count the SELECT statements whose main table is the model's."""
    table = connection.ops.quote_name(model._meta.db_table)
    pattern = re.compile(rf"^SELECT .*? FROM {re.escape(table)}( |$)", re.DOTALL)
    return sum(1 for q in queries if pattern.match(q["sql"]))


def test_accepting_a_protocol_reads_election_commission_and_protocol_once():
    country = small_country()
    tally_recompute(election=country.election)
    protocol_submit(
        user=country.users[STATION],
        election=country.election,
        station_code=STATION,
        lines=good_lines(country.option_keys()),
    )
    tec = country.users["KZ-01-01"]
    assert tec.commission is not None  # the operator's own commission is already loaded
    with CaptureQueriesContext(connection) as ctx:
        election = election_get(key=country.election.key)
        protocol = selectors.protocol_for_station(election=election, station_code=STATION)
        accepted = protocol_accept(user=tec, protocol=protocol)
        view = selectors.protocol_view_of(election=election, protocol=accepted)
    queries = ctx.captured_queries
    assert _selects_from(queries, Election) == 1
    assert _selects_from(queries, Commission) == 1
    assert _selects_from(queries, Protocol) == 1
    assert (view.station, view.status, view.version) == (STATION, "accepted", 1)
    assert Protocol.objects.get(pk=protocol.pk).status == "accepted"
    assert Tally.objects.get(election=election, commission__code="CEC").accepted == 1
