"""The pure chain check and Ed25519 signing rules."""

import base64
import datetime as dt

from psephos.ledger.rules.chain import check_chain, event_time
from psephos.ledger.rules.hashing import GENESIS, digest, event_hash
from psephos.ledger.rules.signing import (
    key_id,
    private_key_from_base64,
    public_key_base64,
    sign,
    tree_head_message,
    verify,
)


def make_chain(n):
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        payload = {"n": seq}
        fields = dict(
            seq=seq,
            at=f"2022-11-20T15:00:{seq:02d}+00:00",
            actor="system",
            role="system",
            action="test.event",
            object_key=f"obj/{seq}",
            payload_digest=digest(payload),
            prev_hash=prev,
        )
        h = event_hash(**fields)
        events.append({**fields, "payload": payload, "hash": h})
        prev = h
    return events


def test_an_intact_chain_holds():
    assert check_chain(make_chain(5)) == (5, None)


def test_an_edited_row_is_named():
    events = make_chain(5)
    events[2]["object_key"] = "obj/other"
    count, fault = check_chain(events)
    assert count == 2
    assert (fault.seq, fault.code) == (3, "row_edited")
    assert fault.message == "event 3: its fields do not match its hash (row edited)"


def test_an_edited_payload_is_named():
    events = make_chain(5)
    events[3]["payload"] = {"n": 99}
    _, fault = check_chain(events)
    assert (fault.seq, fault.code) == (4, "payload_edited")


def test_a_deleted_event_is_named():
    events = make_chain(5)
    del events[1]
    _, fault = check_chain(events)
    assert (fault.seq, fault.code) == (2, "missing")
    assert fault.message == "event 2 is missing: the next event in the ledger is 3"


def test_reordered_events_are_named():
    events = make_chain(5)
    events[1], events[2] = events[2], events[1]
    _, fault = check_chain(events)
    assert (fault.seq, fault.code) == (2, "missing")
    # Renumbering the swapped rows to hide the gap breaks their hashes instead.
    events = make_chain(5)
    events[1], events[2] = events[2], events[1]
    events[1]["seq"], events[2]["seq"] = 2, 3
    _, fault = check_chain(events)
    assert (fault.seq, fault.code) == (2, "broken_link")


KEY = base64.b64encode(bytes(range(32))).decode()


def test_tree_head_signature_verifies_with_the_right_key_only():
    private = private_key_from_base64(KEY)
    public = public_key_base64(private)
    kid = key_id(public)
    message = tree_head_message(
        tree_size=7, root_hash="ab" * 32, timestamp="2022-11-20T15:00:00+00:00", key_id=kid
    )
    signature = sign(private, message)
    assert verify(public, message, signature)
    other = public_key_base64(private_key_from_base64(base64.b64encode(b"\x01" * 32).decode()))
    assert not verify(other, message, signature)
    tampered = tree_head_message(
        tree_size=8, root_hash="ab" * 32, timestamp="2022-11-20T15:00:00+00:00", key_id=kid
    )
    assert not verify(public, tampered, signature)
    assert not verify(public, message, "not base64!")


def test_an_event_stamped_before_the_one_before_it_is_named():
    events = make_chain(5)
    events[3]["at"] = "2022-11-20T15:00:02+00:00"  # event 4 before event 3 (…:03)
    events[3]["hash"] = event_hash(
        **{k: events[3][k] for k in ("seq", "at", "actor", "role", "action", "object_key")},
        payload_digest=events[3]["payload_digest"],
        prev_hash=events[3]["prev_hash"],
    )
    events[4]["prev_hash"] = events[3]["hash"]
    events[4]["hash"] = event_hash(
        **{k: events[4][k] for k in ("seq", "at", "actor", "role", "action", "object_key")},
        payload_digest=events[4]["payload_digest"],
        prev_hash=events[4]["prev_hash"],
    )
    count, fault = check_chain(events)
    assert count == 3
    assert (fault.seq, fault.code) == (4, "time_backwards")
    assert fault.message == (
        "event 4 is stamped 2022-11-20T15:00:02+00:00, before event 3 (2022-11-20T15:00:03+00:00)"
    )


def test_equal_times_hold_and_a_clock_set_back_is_stamped_at_the_last_event():
    events = make_chain(3)
    for e in events:
        e["at"] = "2022-11-20T15:00:00+00:00"
    rehashed, prev = [], GENESIS
    for e in events:
        fields = {k: e[k] for k in ("seq", "at", "actor", "role", "action", "object_key")}
        h = event_hash(**fields, payload_digest=e["payload_digest"], prev_hash=prev)
        rehashed.append({**e, "prev_hash": prev, "hash": h})
        prev = h
    assert check_chain(rehashed) == (3, None)

    last = dt.datetime(2026, 12, 7, 21, tzinfo=dt.UTC)
    back = dt.datetime(2022, 11, 20, 15, tzinfo=dt.UTC)
    assert event_time(back, last) == last
    assert event_time(last, back) == last
    assert event_time(back, None) == back
