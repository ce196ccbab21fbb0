"""The submission path's hand-written statements store and return what the ORM would."""

from __future__ import annotations

import pytest
from django.utils import timezone

from psephos.accounts.selectors import api_token_user
from psephos.accounts.services.tokens import api_token_create
from psephos.commissions.models import Commission
from psephos.core import clock
from psephos.core.sql import columns, from_row, qn
from psephos.elections.models import Election, Option
from psephos.elections.selectors import election_get
from psephos.ledger.models import Event, LedgerHead
from psephos.results.models import Protocol, ProtocolVersion
from psephos.results.services.protocols import protocol_submit

from .factories import country_tabulated, good_lines

pytestmark = pytest.mark.django_db

STATION = "KZ-01-0101"


@pytest.fixture
def country():
    return country_tabulated()


def _fields(obj: object, model: type) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}


def test_returned_protocol_and_stored_rows_match_the_orm(country):
    returned = protocol_submit(
        user=country.users[STATION],
        election=country.election,
        station_code=STATION,
        lines=good_lines(country.option_keys()),
    )
    stored = Protocol.objects.get(pk=returned.pk)
    assert _fields(returned, Protocol) == _fields(stored, Protocol)
    assert timezone.is_aware(stored.submitted_at)
    assert (returned.commission.code, returned.tec.code, returned.region.code) == (
        stored.commission.code,
        stored.tec.code,
        stored.region.code,
    )
    version = ProtocolVersion.objects.get(protocol=stored)
    assert _fields(returned.current, ProtocolVersion) == _fields(version, ProtocolVersion)
    assert version.created_by_id == country.users[STATION].pk
    assert version.created_at == stored.submitted_at


def test_ledger_head_follows_the_last_event(country):
    protocol_submit(
        user=country.users[STATION],
        election=country.election,
        station_code=STATION,
        lines=good_lines(country.option_keys()),
    )
    last, before = Event.objects.order_by("-seq")[:2]
    head = LedgerHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (last.seq, last.hash)
    assert last.prev_hash == before.hash
    assert last.seq == before.seq + 1
    assert last.action == "protocol.submit"


def test_from_row_builds_the_same_instance_as_the_orm(country):
    Election.objects.filter(pk=country.election.pk).update(certified_at=clock.now())
    orm = Election.objects.get(pk=country.election.pk)
    plain = election_get(key=orm.key)
    assert _fields(plain, Election) == _fields(orm, Election)
    assert timezone.is_aware(plain.certified_at)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns(Option, 'o')} FROM {qn(Option._meta.db_table)} o ORDER BY o.id"
        )
        rows = [from_row(Option, row) for row in cursor.fetchall()]
    assert [_fields(o, Option) for o in rows] == [
        _fields(o, Option) for o in Option.objects.order_by("id")
    ]


def test_token_user_has_its_commission_code_and_loads_other_fields(country):
    user = country.users[STATION]
    _token, raw = api_token_create(user=user)
    found = api_token_user(raw=raw)
    assert found is not None
    assert (found.pk, found.username, found.role, found.commission_id) == (
        user.pk,
        user.username,
        user.role,
        user.commission_id,
    )
    assert found.commission.code == Commission.objects.get(pk=user.commission_id).code
    assert found.is_active is True
    assert found.date_joined == user.date_joined
