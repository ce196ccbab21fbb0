"""Checkpoints, stored Merkle nodes and proofs on the database."""

import datetime as dt
import stat

import pytest
from django.db import transaction

from psephos.ledger.errors import LedgerCorrupt, ProofUnavailable, SigningKeyInvalid
from psephos.ledger.models import Event, MerkleNode, SignedTreeHead
from psephos.ledger.rules.chain import event_leaf
from psephos.ledger.rules.merkle import (
    MerkleLevels,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from psephos.ledger.rules.signing import tree_head_message, verify
from psephos.ledger.selectors import consistency_proof_get, inclusion_proof_get, public_key
from psephos.ledger.services.checkpoints import checkpoint_create, checkpoint_due, tree_extend
from psephos.ledger.services.events import event_record

pytestmark = pytest.mark.django_db


def memory_tree():
    return MerkleLevels(
        [
            leaf_hash(event_leaf(h))
            for h in Event.objects.order_by("seq").values_list("hash", flat=True)
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_event_record_refuses_outside_a_transaction():
    with pytest.raises(RuntimeError, match="must run inside the service's transaction"):
        event_record(actor="system:test", role="system", action="x", object_key="k", payload={})
    assert Event.objects.count() == 0


def test_checkpoint_signs_the_root_of_every_event_and_logs_itself(add_events, key_dir):
    add_events(5)
    sth = checkpoint_create()
    assert sth.tree_size == 5
    assert sth.root_hash == memory_tree().root(5).hex()
    public, kid = public_key()
    assert sth.key_id == kid
    message = tree_head_message(
        tree_size=5, root_hash=sth.root_hash, timestamp=sth.timestamp.isoformat(), key_id=kid
    )
    assert verify(public, message, sth.signature)
    stored = SignedTreeHead.objects.get()
    assert verify(
        public,
        tree_head_message(
            tree_size=5,
            root_hash=stored.root_hash,
            timestamp=stored.timestamp.isoformat(),
            key_id=kid,
        ),
        stored.signature,
    )
    last = Event.objects.order_by("-seq").first()
    assert (last.seq, last.action, last.object_key) == (
        6,
        "ledger.checkpoint",
        "ledger/tree-head/5",
    )
    assert last.payload["root_hash"] == sth.root_hash
    key_file = key_dir / "ledger-ed25519.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700


def test_the_key_file_is_created_once_and_reused(add_events, key_dir):
    first = public_key()
    assert public_key() == first
    (key_dir / "ledger-ed25519.key").unlink()
    assert public_key() != first


def test_a_key_from_the_environment_wins(monkeypatch, key_dir):
    monkeypatch.setenv("PSEPHOS_SIGNING_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
    assert public_key()[0] == "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="
    assert not (key_dir / "ledger-ed25519.key").exists()


def test_a_malformed_key_is_refused_without_showing_it(monkeypatch, add_events):
    add_events(2)
    monkeypatch.setenv("PSEPHOS_SIGNING_KEY", "c2hvcnQ=")
    with pytest.raises(SigningKeyInvalid) as info:
        checkpoint_create()
    assert info.value.message == (
        "The signing key in PSEPHOS_SIGNING_KEY is not usable: "
        "the signing key has 5 bytes; an Ed25519 key has 32."
    )
    assert SignedTreeHead.objects.count() == 0
    assert Event.objects.count() == 2


def test_stored_nodes_grow_incrementally_and_give_every_proof(add_events):
    sizes = []
    for n in (1, 4, 6, 1, 11):
        add_events(n)
        sizes.append(checkpoint_create().tree_size)
    assert sizes == [1, 6, 13, 15, 27]
    tree = memory_tree()
    for size in sizes:
        root = tree.root(size)
        for seq in range(1, size + 1):
            proof = inclusion_proof_get(seq=seq, tree_size=size)
            assert proof.root_hash == root.hex()
            assert proof.audit_path == [p.hex() for p in tree.inclusion_proof(seq - 1, size)]
            assert verify_inclusion(
                seq - 1,
                size,
                bytes.fromhex(proof.leaf_hash),
                [bytes.fromhex(p) for p in proof.audit_path],
                root,
            )
    for first in sizes:
        for second in sizes:
            if first <= second:
                c = consistency_proof_get(first=first, second=second)
                assert verify_consistency(
                    first,
                    second,
                    tree.root(first),
                    tree.root(second),
                    [bytes.fromhex(p) for p in c.proof],
                )


def test_proofs_default_to_the_latest_tree_head(add_events):
    add_events(3)
    checkpoint_create()
    proof = inclusion_proof_get(seq=2)
    assert (proof.tree_size, proof.leaf_index) == (3, 1)


def test_proofs_beyond_the_tree_are_refused(add_events):
    with pytest.raises(ProofUnavailable, match="No signed tree head exists yet"):
        inclusion_proof_get(seq=1)
    add_events(3)
    checkpoint_create()
    with pytest.raises(ProofUnavailable) as info:
        inclusion_proof_get(seq=1, tree_size=9)
    assert info.value.message == (
        "Tree size 9 is beyond the latest checkpoint (3 events); ask for a size up to 3."
    )
    with pytest.raises(ProofUnavailable, match=r"Event 4 is not in the tree of 3 events\."):
        inclusion_proof_get(seq=4, tree_size=3)
    with pytest.raises(ProofUnavailable, match="need 1 ≤ first ≤ second"):
        consistency_proof_get(first=0, second=3)


def test_tree_extension_stops_at_a_gap(add_events):
    add_events(4)
    Event.objects.filter(seq=2).delete()
    with pytest.raises(LedgerCorrupt, match=r"Event 2 is missing from the ledger\."):
        with transaction.atomic():
            tree_extend(to_size=4)
    assert MerkleNode.objects.count() == 0


def test_checkpoint_is_due_only_when_something_new_happened(add_events):
    assert checkpoint_due()
    add_events(2)
    checkpoint_create()
    assert not checkpoint_due()
    add_events(1)
    assert checkpoint_due()


def test_catching_up_in_chunks_gives_the_same_tree(add_events, monkeypatch):
    from psephos.ledger.services import checkpoints

    monkeypatch.setattr(checkpoints, "CATCH_UP_CHUNK", 3)
    add_events(11)
    assert checkpoints.tree_catch_up() == 11
    assert checkpoints.tree_size_stored() == 11
    sth = checkpoint_create()
    assert sth.root_hash == memory_tree().root(11).hex()
    assert MerkleNode.objects.count() == 11 + 5 + 2 + 1


def test_a_clock_set_back_never_stamps_an_event_before_the_last_one():
    from psephos.core import clock
    from psephos.ledger.selectors import ledger_time
    from psephos.ledger.services.events import events_record_many
    from psephos.ledger.services.verification import ledger_verify

    late = dt.datetime(2026, 12, 7, 21, tzinfo=dt.UTC)
    night = dt.datetime(2022, 11, 20, 15, tzinfo=dt.UTC)
    with transaction.atomic():
        with clock.fixed(night):
            assert ledger_time() == night  # an empty ledger: the clock's reading
            first = event_record(
                actor="system:test", role="system", action="x", object_key="k", payload={}
            )
        with clock.fixed(late):
            second = event_record(
                actor="system:test", role="system", action="x", object_key="k", payload={}
            )
        with clock.fixed(night):  # set back: a replay after a later event
            assert ledger_time() == late
            third = event_record(
                actor="system:test", role="system", action="x", object_key="k", payload={}
            )
            seqs = events_record_many(
                actor="system:test", role="system", events=[("y", "k", {}), ("y", "k", {})]
            )
            assert events_record_many(actor="system:test", role="system", events=[]) == range(0)
        with clock.fixed(late + dt.timedelta(hours=1)):
            last = event_record(
                actor="system:test", role="system", action="x", object_key="k", payload={}
            )
    stored = list(Event.objects.order_by("seq").values_list("at", flat=True))
    assert (first.at, second.at, third.at) == (night, late, late)
    assert stored == [night, late, late, late, late, last.at]
    # The numbers given, in order: the many's own, between the one before and the one after.
    assert list(seqs) == [third.seq + 1, third.seq + 2] == [last.seq - 2, last.seq - 1]
    assert list(Event.objects.filter(seq__in=seqs).values_list("action", flat=True)) == ["y", "y"]
    assert last.at == late + dt.timedelta(hours=1)
    report = ledger_verify()
    assert report.fault is None, report.fault
