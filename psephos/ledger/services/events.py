"""Append events to the ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.dateparse import parse_datetime

from psephos.core import clock
from psephos.core.sql import db_value, insert_many
from psephos.ledger.models import Event, LedgerHead
from psephos.ledger.rules.chain import event_time
from psephos.ledger.rules.hashing import GENESIS, digest, event_hash


def event_record(
    *, actor: str, role: str, action: str, object_key: str, payload: dict[str, Any]
) -> Event:
    """Append one event in the caller's transaction and return it.

    Its time is ``clock.now()``, or the last event's time if the clock reads earlier
    (``rules.chain.event_time``: the ledger's times never go back).

    Precondition: called inside ``transaction.atomic`` by the service whose state
    change the event records, so the change and its event commit together.
    The public payload must hold no personal data.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("event_record must run inside the service's transaction")
    seq, prev_hash, last_at = _head_advance(connection)
    at = event_time(clock.now(), last_at)
    payload_digest = digest(payload)
    h = event_hash(
        seq=seq,
        at=at.isoformat(),
        actor=actor,
        role=role,
        action=action,
        object_key=object_key,
        payload_digest=payload_digest,
        prev_hash=prev_hash,
    )
    event = Event(
        seq=seq,
        at=at,
        actor=actor,
        role=role,
        action=action,
        object_key=object_key,
        payload=payload,
        payload_digest=payload_digest,
        prev_hash=prev_hash,
        hash=h,
    )
    _event_insert(connection, event)
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_SET, [h, _HEAD_AT.get_db_prep_save(at, connection)])
    transaction.on_commit(_anchor)
    return event


def _anchor(added: int = 1) -> None:
    """Sign a tree head if the cadence says so (after commit; see ``checkpoint_auto``)."""
    from psephos.ledger.services.checkpoints import checkpoint_auto

    checkpoint_auto(added=added)


# Every state change appends one event, so ``event_record`` runs three plain statements
# instead of the ORM's: ``UPDATE … RETURNING`` advances the head's sequence number and
# returns the previous hash and time while taking the row lock (PostgreSQL; SQLite's write
# lock is the transaction's), the event's INSERT, and the head's new hash and time. The
# chain is the same as before: the event with number ``seq`` links to the hash the head
# held, and the head ends with that event's number, hash and time. Table and column names come from ``_meta``;
# every value is a query parameter.
_HEAD = LedgerHead._meta.db_table
_HEAD_ADVANCE = (
    f'UPDATE "{_HEAD}" SET "seq" = "seq" + 1 WHERE "id" = 1 RETURNING "seq", "hash", "at"'  # noqa: S608
)
_HEAD_SET = f'UPDATE "{_HEAD}" SET "hash" = %s, "at" = %s WHERE "id" = 1'  # noqa: S608
_HEAD_AT = LedgerHead._meta.get_field("at")
_EVENT_FIELDS = [f for f in Event._meta.concrete_fields if not f.primary_key]
_EVENT_INSERT = (
    f'INSERT INTO "{Event._meta.db_table}" ({", ".join(f'"{f.column}"' for f in _EVENT_FIELDS)})'  # noqa: S608
    f' VALUES ({", ".join(["%s"] * len(_EVENT_FIELDS))}) RETURNING "id"'
)


def _head_advance(connection: BaseDatabaseWrapper) -> tuple[int, str, dt.datetime | None]:
    """Lock the head, add one to its sequence number; return the new number, the old hash
    and the last event's time (None before the first)."""
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(_HEAD_ADVANCE)
            row = cursor.fetchone()
        if row is not None:
            return int(row[0]), str(row[1]), _aware(row[2])
        LedgerHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS}
        )
    raise RuntimeError("the ledger head could not be created")  # pragma: no cover


def _aware(value: object) -> dt.datetime | None:
    """A time read back by a plain cursor as an aware UTC datetime (SQLite gives UTC text)."""
    if value is None:
        return None
    at = parse_datetime(value) if isinstance(value, str) else value
    assert isinstance(at, dt.datetime)
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def _event_insert(connection: BaseDatabaseWrapper, event: Event) -> None:
    """INSERT a new event with every field prepared as ``save()`` would; set its id."""
    params = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in _EVENT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_EVENT_INSERT, params)
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias


_BULK_FIELDS = (
    "seq", "at", "actor", "role", "action", "object_key", "payload", "payload_digest",
    "prev_hash", "hash",
)  # fmt: skip


def events_record_many(
    *, actor: str, role: str, events: list[tuple[str, str, dict[str, Any]]]
) -> range:
    """Append many events (action, object key, payload) in order, in the caller's transaction.

    The hash chain is computed exactly as ``event_record`` would, one event after
    another, but the rows are written in bulk. Return the sequence numbers given, in the
    order of ``events`` (``len`` is the number appended, ``[0]`` the first; empty for no
    events): a caller that keeps an event's number beside its row needs no second look at
    the ledger.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events_record_many must run inside the service's transaction")
    if not events:
        return range(0)
    head, _created = LedgerHead.objects.select_for_update().get_or_create(
        id=1, defaults={"seq": 0, "hash": GENESIS}
    )
    at = event_time(clock.now(), head.at)
    at_text = at.isoformat()
    at_db = db_value(Event, "at", at)
    first = head.seq + 1
    seq, prev = head.seq, head.hash
    rows: list[tuple[Any, ...]] = []
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
        rows.append((seq, at_db, actor, role, action, object_key, payload, payload_digest, prev, h))
        prev = h
    # One prepared statement for the whole batch: no Event instance per row.
    insert_many(Event, _BULK_FIELDS, rows)
    head.seq, head.hash, head.at = seq, prev, at
    head.save(update_fields=["seq", "hash", "at"])
    count = len(rows)
    transaction.on_commit(lambda: _anchor(count))
    return range(first, seq + 1)
