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


def events_record_many(
    *, actor: str, role: str, events: list[tuple[str, str, dict[str, Any]]]
) -> int:
    """Append many events (action, object key, payload) in order, in the caller's transaction.

    The hash chain is computed exactly as ``event_record`` would, one event after
    another, but the rows are written in bulk. Return the number appended.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events_record_many must run inside the service's transaction")
    if not events:
        return 0
    head, _created = LedgerHead.objects.select_for_update().get_or_create(
        id=1, defaults={"seq": 0, "hash": GENESIS}
    )
    at = clock.now()
    at_text = at.isoformat()
    seq, prev = head.seq, head.hash
    rows: list[Event] = []
    for action, object_key, payload in events:
        seq += 1
        payload_digest = digest(payload)
        h = event_hash(
            seq=seq,
            at=at_text,
            actor=actor,
            role=role,
            action=action,
            object_key=object_key,
            payload_digest=payload_digest,
            prev_hash=prev,
        )
        rows.append(
            Event(
                seq=seq,
                at=at,
                actor=actor,
                role=role,
                action=action,
                object_key=object_key,
                payload=payload,
                payload_digest=payload_digest,
                prev_hash=prev,
                hash=h,
            )
        )
        prev = h
    Event.objects.bulk_create(rows, batch_size=2000)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    return len(rows)
