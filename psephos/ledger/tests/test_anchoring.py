"""Tree heads signed by the server itself, UNANCHORED ledgers, and heads kept outside.

An administrator with the database (and even the signing key) can delete the last
events or rewrite the chain and every stored head; a tree head mirrored outside the
database still catches it (``psephos ledger verify --tree-head FILE``).
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.core import clock
from psephos.ledger.models import Event, LedgerHead, MerkleNode, SignedTreeHead
from psephos.ledger.services import checkpoints
from psephos.ledger.services.checkpoints import checkpoint_create

from .conftest import chain_rewrite

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadence(settings, monkeypatch):
    """Return a function that sets the automatic cadence (events, seconds); no polling pause."""
    monkeypatch.setattr(checkpoints, "_auto", checkpoints._AutoState())
    settings.LEDGER_CHECKPOINT_POLL_SECONDS = 0.0

    def set_cadence(events: int, seconds: float) -> None:
        settings.LEDGER_CHECKPOINT_EVENTS = events
        settings.LEDGER_CHECKPOINT_SECONDS = seconds

    return set_cadence


def committed(add_events, django_capture_on_commit_callbacks, n: int, start: int = 0) -> None:
    """Append ``n`` events in one transaction and run what runs after its commit."""
    with django_capture_on_commit_callbacks(execute=True):
        add_events(n, start=start)


def heads() -> list[tuple[int, str]]:
    return list(SignedTreeHead.objects.order_by("tree_size").values_list("tree_size", "key_id"))


def test_a_head_is_signed_after_every_n_events(
    add_events, cadence, django_capture_on_commit_callbacks
):
    cadence(3, 0)
    committed(add_events, django_capture_on_commit_callbacks, 2)
    assert SignedTreeHead.objects.count() == 0
    committed(add_events, django_capture_on_commit_callbacks, 1, start=2)
    assert [size for size, _k in heads()] == [3]
    checkpoint_event = Event.objects.get(seq=4)
    assert (checkpoint_event.action, checkpoint_event.actor) == (
        "ledger.checkpoint",
        "system:checkpoint",
    )
    # The head's own event is not three new events: no head after it.
    committed(add_events, django_capture_on_commit_callbacks, 1, start=3)
    assert [size for size, _k in heads()] == [3]
    committed(add_events, django_capture_on_commit_callbacks, 1, start=4)
    assert [size for size, _k in heads()] == [3, 6]


def test_a_head_is_signed_when_anything_new_is_m_seconds_old(
    add_events, cadence, django_capture_on_commit_callbacks, monkeypatch
):
    cadence(0, 300)
    start = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: start)
    committed(add_events, django_capture_on_commit_callbacks, 2)
    assert [size for size, _k in heads()] == [2]  # nothing anchored yet: at once
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(seconds=299))
    committed(add_events, django_capture_on_commit_callbacks, 1, start=2)
    assert [size for size, _k in heads()] == [2]
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(seconds=300))
    committed(add_events, django_capture_on_commit_callbacks, 1, start=3)
    assert [size for size, _k in heads()] == [2, 5]


def test_no_automatic_head_when_both_settings_are_zero(
    add_events, cadence, django_capture_on_commit_callbacks
):
    cadence(0, 0)
    committed(add_events, django_capture_on_commit_callbacks, 5)
    assert SignedTreeHead.objects.count() == 0


def test_a_broken_key_never_fails_the_committed_request(
    add_events, cadence, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    cadence(1, 0)
    monkeypatch.setenv("PSEPHOS_SIGNING_KEY", "not base64!")
    committed(add_events, django_capture_on_commit_callbacks, 1)
    assert (Event.objects.count(), SignedTreeHead.objects.count()) == (1, 0)
    assert "automatic ledger checkpoint failed: ledger_signing_key_invalid" in caplog.text


def verify(*args: str) -> str:
    out = StringIO()
    call_command("ledger", "verify", *args, stdout=out)
    return out.getvalue()


def verify_fails(*args: str) -> str:
    with pytest.raises(CommandError) as info:
        verify(*args)
    return str(info.value)


def test_events_without_a_signed_head_are_unanchored(add_events):
    add_events(4)
    assert verify_fails() == (
        "ledger UNANCHORED: 4 events in an unbroken chain, but no signed tree head covers "
        "them, so deleting or rewriting events would go unnoticed. Sign one (psephos ledger "
        "checkpoint), publish it and keep a copy outside the database; then verify with "
        "--tree-head FILE."
    )
    checkpoint_create()
    add_events(2, start=4)
    assert verify() == (
        "note: 3 event(s) after the latest signed tree head (size 4) are not yet anchored; "
        "the next checkpoint covers them.\n"
        "ledger OK: 7 events in an unbroken chain, 1 signed tree heads verified; the "
        "accepted protocols of 0 election(s) equal their ledger events; the stored tallies "
        "of 0 election(s) equal the sums of their accepted protocols and their seals\n"
    )


def test_deleting_every_head_too_makes_the_ledger_unanchored(add_events):
    add_events(6)
    checkpoint_create()
    Event.objects.filter(seq__gte=5).delete()
    LedgerHead.objects.filter(id=1).update(seq=4, hash=Event.objects.get(seq=4).hash)
    MerkleNode.objects.all().delete()
    SignedTreeHead.objects.all().delete()
    assert verify_fails().startswith("ledger UNANCHORED: 4 events in an unbroken chain")


def mirror(tmp_path, client: Client | None = None):
    """Save the public tree-head feed to a file, as an observer's mirror would."""
    feed = (client or Client()).get("/api/v1/ledger/tree-heads").json()
    path = tmp_path / "tree-heads.json"
    path.write_text(json.dumps(feed))
    return path


def forget_heads_and_resign() -> None:
    """Drop the stored tree and heads and sign anew with the real key (a full insider)."""
    MerkleNode.objects.all().delete()
    SignedTreeHead.objects.all().delete()
    checkpoint_create()


def test_a_mirrored_head_agrees_with_an_intact_ledger(add_events, tmp_path):
    add_events(5)
    checkpoint_create()
    path = mirror(tmp_path)
    add_events(3, start=5)
    checkpoint_create()
    assert verify("--tree-head", str(path)).startswith(
        "ledger OK: 10 events in an unbroken chain, 2 signed tree heads verified, "
        "1 tree head(s) from outside the database agree;"
    )


def test_a_tail_deleted_with_every_stored_head_is_caught_by_the_mirror(add_events, tmp_path):
    add_events(8)
    checkpoint_create()
    path = mirror(tmp_path)
    Event.objects.filter(seq__gte=6).delete()
    LedgerHead.objects.filter(id=1).update(seq=5, hash=Event.objects.get(seq=5).hash)
    forget_heads_and_resign()
    assert verify().startswith("ledger OK: 6 events")  # the database alone cannot tell
    assert verify_fails("--tree-head", str(path)) == (
        "ledger verification failed: Tree head 1 of the file covers 8 events but the "
        "database holds 6: events after 6 were deleted and the head rewound."
    )


def test_a_chain_rewritten_with_every_stored_head_is_caught_by_the_mirror(add_events, tmp_path):
    add_events(8)
    checkpoint_create()
    path = mirror(tmp_path)
    chain_rewrite(seq=3, payload={"i": 2, "text": "forged"})
    forget_heads_and_resign()
    assert verify().startswith("ledger OK: 10 events")  # the database alone cannot tell
    assert verify_fails("--tree-head", str(path)) == (
        "ledger verification failed: Tree head 1 of the file (size 8) does not match the "
        "Merkle root of the stored events: the chain was rewritten before event 8."
    )


def test_a_bundles_tree_head_file_is_accepted(add_events, tmp_path):
    add_events(3)
    sth = checkpoint_create()
    one = tmp_path / "tree-head.json"
    one.write_text(json.dumps(Client().get("/api/v1/ledger/tree-heads").json()[0]))
    assert verify("--tree-head", str(one)).startswith(
        "ledger OK: 4 events in an unbroken chain, 1 signed tree heads verified, "
        "1 tree head(s) from outside the database agree;"
    )
    forged = json.loads(one.read_text()) | {"tree_size": sth.tree_size - 1}
    one.write_text(json.dumps(forged))
    assert verify_fails("--tree-head", str(one)) == (
        "ledger verification failed: Tree head 1 of the file (size 2) does not verify "
        "under the ledger's public key."
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "expected a signed tree head, a list of them"),
        ('[{"tree_size": 1}]', "Tree head 1 of the file is not a signed tree head"),
    ],
)
def test_a_tree_head_file_that_is_not_one_is_named(add_events, tmp_path, content, message):
    add_events(1)
    checkpoint_create()
    path = tmp_path / "heads.json"
    path.write_text(content)
    assert message in verify_fails("--tree-head", str(path))


def test_the_portal_publishes_the_keys_fingerprint():
    key = Client().get("/api/v1/ledger/public-key").json()
    page = Client().get("/").content.decode()
    assert f'<code id="key-fingerprint">{key["key_id"]}</code>' in page
    assert 'href="/api/v1/ledger/tree-heads"' in page
