"""Merkle tree hashing, audit paths and consistency proofs of RFC 6962 §2.1 (no Django).

Leaves are byte strings; the tree is the one RFC 6962 defines:

- ``LH(d) = SHA-256(0x00 || d)`` for a leaf, ``NH(l, r) = SHA-256(0x01 || l || r)`` for a node;
- ``MTH({}) = SHA-256("")``; for n > 1 with k the largest power of two strictly below n,
  ``MTH(D[0:n]) = NH(MTH(D[0:k]), MTH(D[k:n]))``.

Every subtree that the RFC's recursion visits in a tree rooted at leaf 0 is made of
*complete aligned* subtrees: ``2**level`` leaves starting at a multiple of ``2**level``.
Proofs are therefore computed in two steps: the recursion yields leaf *ranges*, and the
hash of a range is folded from the hashes of complete aligned subtrees, looked up in a
``NodeLookup`` (an in-memory ``MerkleLevels`` or the database's stored nodes). A proof
thus costs O(log² n) hashes, whatever the size of the log.

Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()

Range = tuple[int, int]  # [start, end) in leaf indices
NodeKey = tuple[int, int]  # (level, index): leaves index * 2**level ... (index + 1) * 2**level - 1
NodeLookup = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """Return ``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """Return the largest power of two strictly less than ``n`` (n ≥ 2)."""
    if n < 2:
        raise ValueError(f"a tree of {n} leaves has no split point")
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """Return the Merkle tree hash of leaves given by their leaf hashes."""
    if not hashes:
        return EMPTY_ROOT
    return MerkleLevels(hashes).range_hash(0, len(hashes))


def mth(leaves: Sequence[bytes]) -> bytes:
    """Return ``MTH(D[0:n])`` of raw leaves, exactly as RFC 6962 defines it."""
    return root_from_leaf_hashes([leaf_hash(d) for d in leaves])


# -- proofs as ranges ------------------------------------------------------------------------


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """Return the leaf ranges whose hashes form ``PATH(index, D[0:size])``, leaf to root."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    out: list[Range] = []
    start, end, m = 0, size, index
    # Walk from the root down, then reverse: the RFC lists siblings from the leaf up.
    while end - start > 1:
        k = split_point(end - start)
        if m < k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start, m = start + k, m - k
    out.reverse()
    return out


def consistency_ranges(first: int, second: int) -> list[Range]:
    """Return the leaf ranges whose hashes form ``PROOF(first, D[0:second])``."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from a tree of {first} to one of {second} leaves")
    out: list[Range] = []
    start, end, m, complete = 0, second, first, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        out.append((start, end))
    out.reverse()
    return out


def aligned_nodes(start: int, end: int) -> list[NodeKey]:
    """Return the complete aligned subtrees that a range of the RFC's recursion splits into.

    The order is left to right; folding them from the right with ``node_hash``
    gives the range's hash.
    """
    out: list[NodeKey] = []
    while end - start > 0:
        n = end - start
        size = n if n & (n - 1) == 0 else split_point(n)
        if start % size:
            raise ValueError(f"range [{start}, {end}) is not a subtree of a tree rooted at 0")
        level = size.bit_length() - 1
        out.append((level, start >> level))
        start += size
    return out


def fold_range(start: int, end: int, node: NodeLookup) -> bytes:
    """Return the hash of leaves ``[start, end)`` from its complete aligned subtrees."""
    if end <= start:
        raise ValueError(f"empty range [{start}, {end})")
    parts = [node(level, index) for level, index in aligned_nodes(start, end)]
    acc = parts[-1]
    for part in reversed(parts[:-1]):
        acc = node_hash(part, acc)
    return acc


def nodes_for(ranges: Iterable[Range]) -> set[NodeKey]:
    """Return every complete aligned subtree needed to hash these ranges."""
    return {key for start, end in ranges for key in aligned_nodes(start, end)}


class MerkleLevels:
    """All complete aligned subtree hashes of a list of leaf hashes, held in memory."""

    def __init__(self, hashes: Sequence[bytes]) -> None:
        self._ranges: dict[Range, bytes] = {}
        self.levels: list[list[bytes]] = [list(hashes)]
        level = self.levels[0]
        while len(level) > 1:
            level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            self.levels.append(level)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def node(self, level: int, index: int) -> bytes:
        """Return the hash of the complete subtree ``(level, index)``."""
        return self.levels[level][index]

    def range_hash(self, start: int, end: int) -> bytes:
        """Return the hash of leaves ``[start, end)`` (memoised: proofs share most ranges)."""
        n = end - start
        if n > 0 and n & (n - 1) == 0 and start % n == 0:
            return self.levels[n.bit_length() - 1][start // n]
        found = self._ranges.get((start, end))
        if found is None:
            found = self._ranges[(start, end)] = fold_range(start, end, self.node)
        return found

    def root(self, size: int | None = None) -> bytes:
        """Return the tree hash of the first ``size`` leaves (all by default)."""
        size = self.size if size is None else size
        if size > self.size:
            raise ValueError(f"tree of {self.size} leaves has no prefix of {size}")
        return EMPTY_ROOT if size == 0 else self.range_hash(0, size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return [self.range_hash(a, b) for a, b in inclusion_ranges(index, size)]

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        return [self.range_hash(a, b) for a, b in consistency_ranges(first, second)]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """Return the audit path of raw leaf ``index`` in the tree of ``leaves``."""
    return MerkleLevels([leaf_hash(d) for d in leaves]).inclusion_proof(index, len(leaves))


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """Return the consistency proof from the first ``first`` raw leaves to all of ``leaves``."""
    return MerkleLevels([leaf_hash(d) for d in leaves]).consistency_proof(first, len(leaves))


# -- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) -------------------------------------------


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """Return the root that an audit path implies for a leaf hash; raise ValueError if malformed."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ValueError("the audit path is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("the audit path is shorter than the tree is deep")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Return whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree with ``root``."""
    try:
        return root_from_inclusion(index, size, leaf, proof) == root
    except ValueError:
        return False


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Return whether ``proof`` shows the tree ``first_root`` is a prefix of ``second_root``."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first tree is itself a node of the proof
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0
