"""RFC 6962 Merkle tree: known answers, the seven-leaf example, and proofs checked both ways."""

import hashlib

import pytest

from psephos.ledger.rules.merkle import (
    EMPTY_ROOT,
    MerkleLevels,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    mth,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

# The leaves of the reference test vectors used by Certificate Transparency implementations.
LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}


def reference_mth(d):
    """MTH exactly as RFC 6962 §2.1 writes it, recursively."""
    n = len(d)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + reference_mth(d[:k]) + reference_mth(d[k:])).digest()


def reference_path(m, d):
    n = len(d)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*reference_path(m, d[:k]), reference_mth(d[k:])]
    return [*reference_path(m - k, d[k:]), reference_mth(d[:k])]


def reference_subproof(m, d, flag):
    n = len(d)
    if m == n:
        return [] if flag else [reference_mth(d)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*reference_subproof(m, d[:k], flag), reference_mth(d[k:])]
    return [*reference_subproof(m - k, d[k:], False), reference_mth(d[:k])]


def test_empty_tree_hash_is_sha256_of_empty_string():
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert mth([]) == EMPTY_ROOT
    assert root_from_leaf_hashes([]) == EMPTY_ROOT


def test_one_leaf_tree_hash_is_the_leaf_hash():
    assert mth([b"psephos"]) == hashlib.sha256(b"\x00psephos").digest()
    assert mth([b""]).hex() == ROOTS[1]


def test_leaf_and_node_hashes_are_domain_separated():
    assert leaf_hash(b"ab") == hashlib.sha256(b"\x00ab").digest()
    assert node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()
    assert leaf_hash(b"\x01" + b"ab") != node_hash(b"a", b"b")


@pytest.mark.parametrize("n", sorted(ROOTS))
def test_roots_match_the_known_answers(n):
    assert mth(LEAVES[:n]).hex() == ROOTS[n]
    assert MerkleLevels([leaf_hash(x) for x in LEAVES]).root(n).hex() == ROOTS[n]


# RFC 6962 §2.1.3: the seven-leaf tree
#            hash
#           /    \
#          k      l
#         / \    / \
#        g   h  i   j
#       / \ / \/ \  |
#       a b c d e f d6
D = [f"d{i}".encode() for i in range(7)]
a, b, c, d, e, f, j = (leaf_hash(x) for x in D)
g, h, i = node_hash(a, b), node_hash(c, d), node_hash(e, f)
k, l = node_hash(g, h), node_hash(i, j)  # noqa: E741 (the RFC names the node l)
ROOT7 = node_hash(k, l)


def test_seven_leaf_tree_hash():
    assert mth(D) == ROOT7 == reference_mth(D)


@pytest.mark.parametrize(
    ("m", "path"),
    [(0, [b, h, l]), (3, [c, g, l]), (4, [f, j, k]), (6, [i, k])],
    ids=["d0", "d3", "d4", "d6"],
)
def test_seven_leaf_audit_paths(m, path):
    assert inclusion_proof(m, D) == path
    assert verify_inclusion(m, 7, leaf_hash(D[m]), path, ROOT7)


def test_seven_leaf_consistency_proofs():
    hash0, hash1, hash2 = mth(D[:3]), mth(D[:4]), mth(D[:6])
    assert hash1 == k
    assert hash2 == node_hash(k, i)
    assert consistency_proof(3, D) == [c, d, g, l]
    assert consistency_proof(4, D) == [l]
    assert consistency_proof(6, D) == [i, j, k]
    assert verify_consistency(3, 7, hash0, ROOT7, [c, d, g, l])
    assert verify_consistency(4, 7, hash1, ROOT7, [l])
    assert verify_consistency(6, 7, hash2, ROOT7, [i, j, k])


def test_proofs_equal_the_rfc_recursion_and_verify_for_every_size_up_to_33():
    leaves = [f"leaf-{n}".encode() for n in range(33)]
    levels = MerkleLevels([leaf_hash(x) for x in leaves])
    for n in range(1, 34):
        root = levels.root(n)
        assert root == reference_mth(leaves[:n])
        for m in range(n):
            path = levels.inclusion_proof(m, n)
            assert path == reference_path(m, leaves[:n]), (m, n)
            assert verify_inclusion(m, n, leaf_hash(leaves[m]), path, root)
            assert not verify_inclusion(m, n, leaf_hash(b"forged"), path, root)
        for m in range(1, n + 1):
            proof = levels.consistency_proof(m, n)
            assert proof == reference_subproof(m, leaves[:n], True), (m, n)
            assert verify_consistency(m, n, levels.root(m), root, proof)
            if m < n:
                assert not verify_consistency(m, n, levels.root(m), leaf_hash(b"x"), proof)
                assert not verify_consistency(m, n, leaf_hash(b"x"), root, proof)


def test_inclusion_proof_with_a_changed_sibling_fails():
    path = inclusion_proof(3, D)
    assert not verify_inclusion(3, 7, leaf_hash(D[3]), [path[0], h, path[2]], ROOT7)


def test_inclusion_proof_of_the_wrong_length_fails():
    assert not verify_inclusion(0, 7, a, [b, h], ROOT7)
    assert not verify_inclusion(0, 7, a, [b, h, l, l], ROOT7)
    assert not verify_inclusion(7, 7, a, [b, h, l], ROOT7)


def test_consistency_proof_rejects_empty_proof_and_bad_sizes():
    assert not verify_consistency(3, 7, mth(D[:3]), ROOT7, [])
    assert not verify_consistency(0, 7, EMPTY_ROOT, ROOT7, [])
    assert not verify_consistency(8, 7, ROOT7, ROOT7, [])
    assert verify_consistency(7, 7, ROOT7, ROOT7, [])


def test_proof_requests_outside_the_tree_raise():
    with pytest.raises(ValueError, match="leaf 7 is not in a tree of 7 leaves"):
        inclusion_proof(7, D)
    with pytest.raises(ValueError, match="no consistency proof from a tree of 8 to one of 7"):
        consistency_proof(8, D)
