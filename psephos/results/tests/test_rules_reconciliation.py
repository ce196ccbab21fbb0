"""Every control relation of the protocol, as a table (no database)."""

from __future__ import annotations

import dataclasses

import pytest

from psephos.results.rules.lines import ProtocolLines
from psephos.results.rules.reconciliation import check_protocol

KEYS = ["a", "b", "against-all"]

# 1000 on the list; 700 received = 650 issued + 50 cancelled; 640 found = 630 valid + 10 invalid.
GOOD = ProtocolLines(
    voters_on_list=1000,
    ballots_received=700,
    ballots_issued=650,
    ballots_issued_mobile=20,
    voted_with_certificate=5,
    ballots_cancelled=50,
    ballots_found=640,
    ballots_invalid=10,
    ballots_valid=630,
    ballots_both_marked=0,
    votes={"a": 100, "b": 500, "against-all": 30},
)


def test_good_protocol_reconciles():
    assert check_protocol(GOOD, option_keys=KEYS) == []


def test_zero_protocol_reconciles():
    assert check_protocol(ProtocolLines.zero(KEYS), option_keys=KEYS) == []


@pytest.mark.parametrize(
    ("changes", "relations", "message", "numbers"),
    [
        (
            {"ballots_received": 701},
            ["R1"],
            "Ballots received (701) must equal ballots issued (650) + ballots cancelled (50) = 700.",
            {"ballots_received": 701, "ballots_issued": 650, "ballots_cancelled": 50},
        ),
        (
            {"voters_on_list": 649},
            ["R2"],
            "Ballots issued (650) must not exceed voters on the list (649).",
            {"ballots_issued": 650, "voters_on_list": 649},
        ),
        (
            {
                "ballots_found": 651,
                "ballots_valid": 641,
                "votes": {"a": 111, "b": 500, "against-all": 30},
            },
            ["R3"],
            "Ballots found in the boxes (651) must not exceed ballots issued (650).",
            {"ballots_found": 651, "ballots_issued": 650},
        ),
        (
            {"votes": {"a": 101, "b": 500, "against-all": 30}},
            ["R4"],
            "Valid ballots (630) must equal the votes for all options (631) = 631.",
            {"ballots_valid": 630, "votes_total": 631, "ballots_both_marked": 0},
        ),
        (
            {"ballots_invalid": 11},
            ["R5"],
            "Ballots found in the boxes (640) must equal valid (630) + invalid (11) = 641.",
            {"ballots_found": 640, "ballots_valid": 630, "ballots_invalid": 11},
        ),
        (
            {"voted_with_certificate": 651},
            ["R7"],
            "Voters with an absentee certificate (651) must not exceed ballots issued (650).",
            {"voted_with_certificate": 651, "ballots_issued": 650},
        ),
        (
            {"ballots_issued_mobile": 651},
            ["R9"],
            "Ballots issued outside the station (651) must not exceed ballots issued (650).",
            {"ballots_issued_mobile": 651, "ballots_issued": 650},
        ),
        (
            {"ballots_cancelled": -1, "ballots_received": 649},
            ["R10"],
            "Every count must be zero or more: ballots_cancelled = -1.",
            {"ballots_cancelled": -1},
        ),
        (
            {"votes": {"a": 100, "b": 500, "against-all": 30, "c": 0}},
            ["R0"],
            "The options must be exactly the ballot's: votes for unknown options c.",
            {},
        ),
        (
            {"votes": {"a": 130, "b": 500}},
            ["R0"],
            "The options must be exactly the ballot's: missing votes for against-all.",
            {},
        ),
    ],
)
def test_each_relation(changes, relations, message, numbers):
    breaches = check_protocol(dataclasses.replace(GOOD, **changes), option_keys=KEYS)
    assert [b.relation for b in breaches] == relations
    assert breaches[0].message == message
    assert breaches[0].numbers == numbers


@pytest.mark.parametrize(
    ("changes", "relations"),
    [
        # Boundaries hold with equality.
        ({"voters_on_list": 650}, []),
        ({"ballots_issued_mobile": 650, "voted_with_certificate": 650}, []),
        ({"ballots_found": 650, "ballots_invalid": 20}, []),
        # A negative vote is named with its option key, and still breaks R4.
        ({"votes": {"a": -1, "b": 601, "against-all": 30}}, ["R10"]),
        # One protocol can break many relations; all are listed in order.
        (
            {"ballots_received": 1, "voters_on_list": 1, "ballots_found": 9999},
            ["R1", "R2", "R3", "R5"],
        ),
    ],
)
def test_boundaries_and_combinations(changes, relations):
    breaches = check_protocol(dataclasses.replace(GOOD, **changes), option_keys=KEYS)
    assert [b.relation for b in breaches] == relations


def test_negative_vote_message_names_the_option():
    bad = dataclasses.replace(GOOD, votes={"a": -1, "b": 601, "against-all": 30})
    (breach,) = check_protocol(bad, option_keys=KEYS)
    assert breach.message == "Every count must be zero or more: votes.a = -1."


# A referendum's protocol: 68 valid = 50 yes + 15 no + 3 with both options marked.
YES_NO = ProtocolLines(
    voters_on_list=100,
    ballots_received=80,
    ballots_issued=70,
    ballots_cancelled=10,
    ballots_found=70,
    ballots_invalid=2,
    ballots_valid=68,
    ballots_both_marked=3,
    votes={"yes": 50, "no": 15},
)


def test_referendum_both_marked_count_inside_valid():
    yes_no = ["yes", "no"]
    lines = YES_NO
    assert check_protocol(lines, option_keys=yes_no) == []
    wrong = dataclasses.replace(lines, ballots_both_marked=4)
    (breach,) = check_protocol(wrong, option_keys=yes_no)
    assert breach.message == (
        "Valid ballots (68) must equal the votes for all options (65) "
        "+ ballots with both options marked (4) = 69."
    )


def test_both_marked_refused_on_a_candidate_ballot():
    lines = dataclasses.replace(
        GOOD, ballots_both_marked=5, votes={"a": 95, "b": 500, "against-all": 30}
    )
    assert check_protocol(lines, option_keys=KEYS) == []
    (breach,) = check_protocol(lines, option_keys=KEYS, both_marked_allowed=False)
    assert breach.relation == "R12"
    assert breach.numbers == {"ballots_both_marked": 5}


# Cases that kill the mutants a Cosmic Ray run left alive (scripts/mutation.sh
# reconciliation, docs/security.md).
def test_the_sum_in_the_valid_ballots_message_adds_both_marked() -> None:
    """65 + 1 = 66; ``65 | 1`` would say 65 (4 on 65 happened to give the same 69)."""
    lines = dataclasses.replace(YES_NO, ballots_both_marked=1)
    (breach,) = check_protocol(lines, option_keys=["yes", "no"])
    assert breach.message == (
        "Valid ballots (68) must equal the votes for all options (65) "
        "+ ballots with both options marked (1) = 66."
    )


def test_the_options_are_named_never_positional() -> None:
    """A list of keys passed by position could be taken for another argument."""
    with pytest.raises(TypeError):
        check_protocol(GOOD, KEYS)  # type: ignore[misc]


def test_a_breach_cannot_change() -> None:
    (breach,) = check_protocol(dataclasses.replace(GOOD, voters_on_list=649), option_keys=KEYS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        breach.relation = "R0"  # type: ignore[misc]
