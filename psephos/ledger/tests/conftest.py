"""Fixtures of the ledger tests: a signing key in a temporary directory, events, a country."""

from __future__ import annotations

import os

import pytest
from django.db import transaction

from psephos.ledger.models import Event, LedgerHead
from psephos.ledger.rules.hashing import digest, event_hash
from psephos.ledger.services.events import event_record
from psephos.results.models import Protocol
from psephos.results.services.protocols import protocol_accept, protocol_submit
from psephos.results.tests.factories import good_lines, small_country

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _own_key_dir(key_dir):
    """Keep every test's signing key in its own directory (the root conftest's ``key_dir``)."""


@pytest.fixture
def add_events():
    """Return a function that appends ``n`` test events and returns the last one."""

    def add(n: int, *, action: str = "test.event", start: int = 0):
        last = None
        with transaction.atomic():
            for i in range(start, start + n):
                last = event_record(
                    actor="system:test",
                    role="system",
                    action=action,
                    object_key=f"test/{i}",
                    payload={"i": i, "text": "Алматы"},
                )
        return last

    return add


def chain_rewrite(*, seq: int, payload: dict) -> None:
    """Rewrite event ``seq``'s payload and every hash after it, as a database
    administrator would, so that the hash chain alone still holds."""
    with transaction.atomic():
        prev = Event.objects.get(seq=seq - 1).hash
        for event in Event.objects.filter(seq__gte=seq).order_by("seq"):
            if event.seq == seq:
                event.payload = payload
                event.payload_digest = digest(event.payload)
            event.prev_hash = prev
            event.hash = event_hash(
                seq=event.seq,
                at=event.at.isoformat(),
                actor=event.actor,
                role=event.role,
                action=event.action,
                object_key=event.object_key,
                payload_digest=event.payload_digest,
                prev_hash=prev,
            )
            event.save()
            prev = event.hash
        LedgerHead.objects.filter(id=1).update(hash=prev)


@pytest.fixture
def country():
    """A small country with 5 of its 8 stations accepted through the results services."""
    c = small_country()
    keys = c.option_keys()
    for i, pec in enumerate(c.pecs[:6]):
        protocol_submit(
            user=c.users[pec.code],
            election=c.election,
            station_code=pec.code,
            lines=good_lines(keys, scale=i + 1),
        )
        if i < 5:
            protocol_accept(
                user=c.users[pec.tec.code],
                protocol=Protocol.objects.get(election=c.election, station=pec.station),
            )
    return c
