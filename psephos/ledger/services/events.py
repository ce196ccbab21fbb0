"""Append events to the ledger."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from psephos.core import clock
from psephos.ledger.models import Event, LedgerHead
from psephos.ledger.rules.hashing import GENESIS, digest, event_hash


def event_record(
    *, actor: str, role: str, action: str, object_key: str, payload: dict[str, Any]
) -> Event:
    """Append one event in the caller's transaction and return it.

    Precondition: called inside ``transaction.atomic`` by the service whose state
    change the event records, so the change and its event commit together.
    The public payload must hold no personal data.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record must run inside the service's transaction")
    head, _created = LedgerHead.objects.select_for_update().get_or_create(
        id=1, defaults={"seq": 0, "hash": GENESIS}
    )
    at = clock.now()
    seq = head.seq + 1
    payload_digest = digest(payload)
    h = event_hash(
        seq=seq,
        at=at.isoformat(),
        actor=actor,
        role=role,
        action=action,
        object_key=object_key,
        payload_digest=payload_digest,
        prev_hash=head.hash,
    )
    event = Event.objects.create(
        seq=seq,
        at=at,
        actor=actor,
        role=role,
        action=action,
        object_key=object_key,
        payload=payload,
        payload_digest=payload_digest,
        prev_hash=head.hash,
        hash=h,
    )
    head.seq, head.hash = seq, h
    head.save(update_fields=["seq", "hash"])
    return event
