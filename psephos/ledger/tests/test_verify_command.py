"""``psephos ledger verify`` names the first bad event; ``psephos ledger checkpoint`` signs."""

import base64
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from psephos.ledger.models import Event, SignedTreeHead
from psephos.ledger.services.checkpoints import checkpoint_create
from psephos.ledger.services.verification import ledger_verify

from .conftest import chain_rewrite

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("ledger", *args, stdout=out)
    return out.getvalue()


def fails_with(message):
    with pytest.raises(CommandError) as info:
        run("verify")
    assert str(info.value) == f"ledger verification failed: {message}"


def test_an_intact_ledger_verifies(add_events):
    add_events(6)
    checkpoint_create()
    add_events(2)
    checkpoint_create()
    assert run("verify") == (
        "ledger OK: 10 events in an unbroken chain, 2 signed tree heads verified; "
        "the accepted protocols of 0 election(s) equal their ledger events; "
        "the stored tallies of 0 election(s) equal the sums of their accepted protocols "
        "and their seals\n"
    )


def test_an_empty_ledger_verifies():
    assert run("verify") == (
        "ledger OK: 0 events in an unbroken chain, 0 signed tree heads verified; "
        "the accepted protocols of 0 election(s) equal their ledger events; "
        "the stored tallies of 0 election(s) equal the sums of their accepted protocols "
        "and their seals\n"
    )


def test_a_row_edited_in_the_database_is_named(add_events):
    add_events(6)
    Event.objects.filter(seq=4).update(actor="someone-else")
    fails_with("event 4: its fields do not match its hash (row edited)")


def test_a_payload_edited_in_the_database_is_named(add_events):
    add_events(6)
    Event.objects.filter(seq=3).update(payload={"i": 2, "text": "Астана"})
    fails_with("event 3: the payload does not match its digest")


def test_a_deleted_event_is_named(add_events):
    add_events(6)
    Event.objects.filter(seq=2).delete()
    fails_with("event 2 is missing: the next event in the ledger is 3")


def test_reordered_events_are_named(add_events):
    add_events(6)
    Event.objects.filter(seq=3).update(seq=-3)
    Event.objects.filter(seq=4).update(seq=3)
    Event.objects.filter(seq=-3).update(seq=4)
    fails_with("event 3: its previous-hash is not the hash of event 2")


def test_events_deleted_at_the_end_are_detected(add_events):
    add_events(6)
    Event.objects.filter(seq__gte=5).delete()
    fails_with("The ledger head records 6 events but 4 are stored: events after 4 were deleted.")


def test_a_chain_rewritten_after_a_checkpoint_is_named(add_events):
    add_events(5)
    checkpoint_create()
    # Rewrite event 2 and every hash after it so that the chain alone still holds.
    chain_rewrite(seq=2, payload={"i": 1, "text": "forged"})
    report = ledger_verify()
    assert (report.fault_seq, report.fault_code) == (2, "leaf_mismatch")
    fails_with(
        "Event 2 differs from the leaf fixed in the Merkle tree at a checkpoint: "
        "the chain was rewritten from this event on."
    )


def test_a_tree_head_edited_in_the_database_is_detected(add_events):
    add_events(3)
    sth = checkpoint_create()
    SignedTreeHead.objects.filter(pk=sth.pk).update(root_hash="0" * 64)
    fails_with("The signed tree head of size 3 does not verify under the published key.")


def test_a_tree_head_under_another_key_is_detected(add_events, monkeypatch):
    add_events(3)
    checkpoint_create()
    monkeypatch.setenv("PSEPHOS_SIGNING_KEY", base64.b64encode(b"\x07" * 32).decode())
    fails_with("The signed tree head of size 3 does not verify under the published key.")


def test_checkpoint_command_signs_and_if_due_skips(add_events):
    add_events(2)
    out = run("checkpoint")
    assert out.startswith("signed tree head: size 2 root ")
    assert run("checkpoint", "--if-due") == "no new events since the latest signed tree head\n"
    add_events(1)
    assert run("checkpoint", "--every", "0", "--times", "2").count("signed tree head: size 4") == 1
    assert SignedTreeHead.objects.count() == 2


def test_a_protocol_edited_in_the_database_is_named(country):
    from psephos.results.models import Protocol, ProtocolVersion, ProtocolVote

    checkpoint_create()  # anchored: a ledger without a signed tree head is not OK
    assert "the accepted protocols of 1 election(s) equal their ledger events" in run("verify")
    protocol = Protocol.objects.get(station__code="KZ-01-0102")
    ProtocolVersion.objects.filter(pk=protocol.current_id).update(ballots_valid=9999)
    ProtocolVote.objects.filter(version_id=protocol.current_id, option__key="tokayev").update(
        votes=401
    )
    fails_with(
        "protocol kz-test-presidential/KZ-01-0102 (version 1) differs from event 8 "
        "(protocol.accept): ballots_valid is 9999 in the database but 1200 in the ledger, "
        "tokayev is 401 in the database but 400 in the ledger"
    )


def test_a_protocol_accepted_behind_the_ledgers_back_is_named(country):
    from psephos.results.models import Protocol

    Protocol.objects.filter(station__code="KZ-02-0102").update(status="accepted")
    fails_with(
        "protocol kz-test-presidential/KZ-02-0102 is accepted in the database, but the "
        "ledger holds no acceptance event with its figures"
    )


def test_a_validly_signed_tree_head_over_another_root_is_detected(add_events):
    """The signature holds (made with the real key); only the root comparison catches it."""
    from psephos.core import clock
    from psephos.ledger.rules.signing import key_id, public_key_base64, sign, tree_head_message
    from psephos.ledger.services.keys import signing_key_load

    add_events(3)
    key = signing_key_load()
    kid = key_id(public_key_base64(key))
    at = clock.now()
    root = "ab" * 32
    SignedTreeHead.objects.create(
        tree_size=3,
        root_hash=root,
        timestamp=at,
        key_id=kid,
        signature=sign(
            key,
            tree_head_message(tree_size=3, root_hash=root, timestamp=at.isoformat(), key_id=kid),
        ),
    )
    assert ledger_verify().fault_code == "root_mismatch"
    fails_with("The signed tree head of size 3 does not match the events' Merkle root.")
