"""The append-only event log."""

from __future__ import annotations

from django.db import models


class LedgerHead(models.Model):
    """Single row holding the last event's sequence number, hash and time; locked to append.

    ``at`` is the last event's time (None before the first): the next event is stamped no
    earlier (``rules.chain.event_time``).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    at = models.DateTimeField(null=True)


class Event(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    role = models.CharField(max_length=32)
    action = models.CharField(max_length=64)
    object_key = models.CharField(max_length=200)
    payload = models.JSONField()
    payload_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_key"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_key}"


class MerkleNode(models.Model):
    """The hash of one complete aligned subtree of the ledger's Merkle tree (RFC 6962).

    ``key`` packs the level and index (``level << 48 | index``): the subtree covers
    leaves ``index * 2**level`` to ``(index + 1) * 2**level - 1``, the leaves being the
    events' chain hashes in sequence order. Nodes are written once, when a checkpoint
    folds new events into the tree, so any proof up to the latest signed tree head
    needs only O(log n) stored nodes.
    """

    key = models.BigIntegerField(primary_key=True)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"node {self.key >> 48}/{self.key & ((1 << 48) - 1)}"


class SignedTreeHead(models.Model):
    """A checkpoint: the Merkle root of the first ``tree_size`` events, signed with Ed25519."""

    tree_size = models.BigIntegerField()
    root_hash = models.CharField(max_length=64)
    timestamp = models.DateTimeField()
    key_id = models.CharField(max_length=64)
    signature = models.CharField(max_length=100)

    class Meta:
        ordering = ["-tree_size", "-id"]
        indexes = [models.Index(fields=["tree_size"])]

    def __str__(self) -> str:
        return f"STH {self.tree_size} {self.root_hash[:12]}"
