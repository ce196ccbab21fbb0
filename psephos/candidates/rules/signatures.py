"""Signature verification: every line against the register, the thresholds, sampling.

Pure Python. The reason codes are a fixed list (docs/candidates.md): a line may get
several. The invalidation grounds of the 2022 CEC resolution ([P] fn48: one voter
twice for the same candidate, one person signing for several voters) are
``duplicate`` and the two one-hand patterns; the others are the register checks.
A signer is identified by an opaque key (the register's keyed IIN value), never by
the IIN itself, so these rules never see more than the service gives them.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple


class Reason(StrEnum):
    IIN_INVALID = "iin_invalid"
    NOT_IN_REGISTER = "not_in_register"
    NOT_ELIGIBLE = "not_eligible"
    WRONG_UNIT = "wrong_unit"
    OUTSIDE_WINDOW = "outside_window"
    NAME_MISMATCH = "name_mismatch"
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"
    DUPLICATE = "duplicate"
    ONE_HAND_TIMESTAMP = "one_hand_timestamp"
    SEQUENTIAL_IINS = "sequential_iins"
    # Found on the paper by a document reviewer, not by the verifier (services.reviews).
    ONE_SIGNER = "one_signer"


class SignatureRow(NamedTuple):
    """One line of a signature sheet as read from the file.

    A named tuple, not a frozen dataclass: a file of 400,000 lines builds as many rows,
    and a frozen dataclass sets each of its eleven fields through ``object.__setattr__``
    (about seven times the cost of a tuple's construction).
    """

    sheet: int
    line: int
    iin: str
    surname: str
    given_name: str
    birth_date: dt.date
    address: str
    unit: str
    signed: dt.datetime
    signed_has_time: bool  # False when the file gave a date only
    collector: str


@dataclass(frozen=True, slots=True)
class RegisterFacts:
    """What the register says about a signer, as the service looked it up."""

    surname: str
    given_name: str
    birth_date: dt.date
    unit: str  # the first-level unit of the voter's station
    eligible: bool  # on voting day (age, incapacity, prison, as the profile says)


@dataclass(frozen=True, slots=True)
class PatternRules:
    one_hand_lines: int = 3
    sequential_run: int = 3


def normalised(name: str) -> str:
    """Return a name as compared with the register: case and ``ё``/``е`` folded, spaces collapsed."""
    return " ".join(name.casefold().replace("ё", "е").split())


#: ``normalised`` remembered: a file repeats a few thousand names and collectors over
#: hundreds of thousands of lines.
_folded = lru_cache(maxsize=1 << 16)(normalised)


def line_reasons[K: Hashable](
    rows: Sequence[SignatureRow],
    keys: Sequence[K | None],
    facts: dict[K, RegisterFacts],
    *,
    window: tuple[dt.date, dt.date],
    earlier_signers: set[K],
    patterns: PatternRules,
) -> list[list[Reason]]:
    """Return the reasons each row is invalid (an empty list: valid), in row order.

    ``keys[i]`` is row ``i``'s signer key (None when the IIN fails its check);
    ``facts`` maps a key found in the register to its record; ``earlier_signers``
    holds the keys already counted for this nominee from earlier files. The first
    occurrence of a signer counts; every later one is a ``duplicate``.
    """
    reasons: list[list[Reason]] = [[] for _ in rows]
    seen: set[K] = set(earlier_signers)
    for i, (row, key) in enumerate(zip(rows, keys, strict=True)):
        found = reasons[i]
        if key is None:
            found.append(Reason.IIN_INVALID)
        else:
            record = facts.get(key)
            if record is None:
                found.append(Reason.NOT_IN_REGISTER)
            else:
                if not record.eligible:
                    found.append(Reason.NOT_ELIGIBLE)
                if record.unit != row.unit:
                    found.append(Reason.WRONG_UNIT)
                if (
                    record.surname != row.surname
                    and _folded(record.surname) != _folded(row.surname)
                ) or (
                    record.given_name != row.given_name
                    and _folded(record.given_name) != _folded(row.given_name)
                ):
                    found.append(Reason.NAME_MISMATCH)
                if record.birth_date != row.birth_date:
                    found.append(Reason.BIRTH_DATE_MISMATCH)
            if key in seen:
                found.append(Reason.DUPLICATE)
            seen.add(key)
        if not window[0] <= row.signed.date() <= window[1]:
            found.append(Reason.OUTSIDE_WINDOW)
    _one_hand(rows, reasons, patterns.one_hand_lines)
    _sequential(rows, keys, reasons, patterns.sequential_run)
    return reasons


def _one_hand(rows: Sequence[SignatureRow], reasons: list[list[Reason]], minimum: int) -> None:
    """Flag every line of a collector who took ``minimum`` or more signatures at one instant."""
    groups: dict[tuple[str, dt.datetime], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if row.signed_has_time:
            groups[(_folded(row.collector), row.signed)].append(i)
    for members in groups.values():
        if len(members) >= minimum:
            for i in members:
                reasons[i].append(Reason.ONE_HAND_TIMESTAMP)


def _sequential(
    rows: Sequence[SignatureRow],
    keys: Sequence[Hashable | None],
    reasons: list[list[Reason]],
    minimum: int,
) -> None:
    """Flag runs of ``minimum`` or more consecutive lines of a sheet whose IINs count up by one.

    Consecutive IINs share a birth date and differ by one in the serial, which real
    signers met door to door almost never do.
    """
    places = list(map(attrgetter("sheet", "line"), rows))
    order = sorted(range(len(rows)), key=places.__getitem__)
    run: list[int] = []

    def close() -> None:
        if len(run) >= minimum:
            for i in run:
                reasons[i].append(Reason.SEQUENTIAL_IINS)

    previous: tuple[int, int, int] | None = None  # sheet, line, serial prefix
    for i in order:
        row = rows[i]
        digits = row.iin[:11]
        serial = int(digits) if keys[i] is not None and digits.isdigit() else None
        if (
            serial is not None
            and previous is not None
            and previous[0] == row.sheet
            and previous[1] == row.line - 1
            and serial == previous[2] + 1
        ):
            run.append(i)
        else:
            close()
            run[:] = [i] if serial is not None else []
        previous = (row.sheet, row.line, serial) if serial is not None else None
    close()


def required_signatures(voters: int, basis_points: int) -> int:
    """Return the national minimum: ``basis_points``/10,000 of the voters, rounded up.

    1 % of 11,827,277 voters = 118,272.77 → 118,273 (kazakhstan-rules.md §4).
    """
    return -(-voters * basis_points // 10_000)


@dataclass(frozen=True, slots=True)
class Threshold:
    required: int
    valid: int
    min_units: int
    min_valid_per_unit: int
    units_meeting: int
    passed: bool
    problems: tuple[str, ...]  # "national_minimum", "unit_spread"


def threshold_check(
    valid_by_unit: dict[str, int],
    *,
    required: int,
    min_units: int,
    min_valid_per_unit: int,
) -> Threshold:
    """Return whether the valid signatures meet the national minimum and the per-unit rule."""
    valid = sum(valid_by_unit.values())
    meeting = sum(1 for n in valid_by_unit.values() if n >= min_valid_per_unit)
    problems = []
    if valid < required:
        problems.append("national_minimum")
    if meeting < min_units:
        problems.append("unit_spread")
    return Threshold(
        required, valid, min_units, min_valid_per_unit, meeting, not problems, tuple(problems)
    )


def sample_indices(total: int, size: int, seed: str) -> list[int]:
    """Return ``size`` distinct line indices out of ``total``, drawn from the published seed.

    Anyone with the seed and the file reproduces the sample (``random.Random`` with a
    string seed is stable across Python versions).
    """
    return sorted(random.Random(seed).sample(range(total), min(size, total)))


def valid_upper_bound(valid: int, checked: int, collected: int, confidence: float) -> int:
    """Return the one-sided Wilson score upper bound of the valid lines among ``collected``.

    The share of valid lines in a sample of ``checked`` is bounded above at the given
    confidence (one-sided, z from the normal quantile) and scaled to the lines
    collected. A nominee is refused on a sample only when this bound is below the
    requirement, so sampling error never costs a nominee registration.
    """
    if checked == 0:
        return collected
    z = statistics.NormalDist().inv_cdf(confidence)
    p = valid / checked
    denominator = 1 + z * z / checked
    centre = p + z * z / (2 * checked)
    spread = z * math.sqrt(p * (1 - p) / checked + z * z / (4 * checked * checked))
    upper = min(1.0, (centre + spread) / denominator)
    return math.floor(upper * collected)


def reason_counts(reasons: Sequence[Sequence[Reason]]) -> Counter[str]:
    """Return how many lines carry each reason (a line with two reasons counts in both)."""
    counts: Counter[str] = Counter()
    for found in reasons:
        counts.update(r.value for r in found)
    return counts


@dataclass(frozen=True, slots=True)
class SignatureVerdict:
    """Whether the signatures allow registration, and whether they allow a refusal."""

    estimate: int  # valid lines, or their point estimate over all lines collected
    upper_bound: int  # the most valid lines the sample allows (= valid when all checked)
    register: bool
    refuse: bool


def signature_verdict(
    *,
    collected: int,
    checked: int,
    valid: int,
    required: int,
    unit_spread: bool,
    confidence: float,
) -> SignatureVerdict:
    """Return what the signatures allow the commission to decide.

    Every line checked: register when the valid lines meet ``required`` and the unit
    spread; refuse otherwise. A sample: register on the point estimate; refuse only
    when the upper confidence bound is below the requirement (``valid_upper_bound``)
    or the spread fails; between the two, neither: check more lines.
    """
    if checked >= collected:
        estimate = upper = valid
    else:
        estimate = valid * collected // checked if checked else 0
        upper = valid_upper_bound(valid, checked, collected, confidence)
    meets = estimate >= required and unit_spread
    return SignatureVerdict(
        estimate=estimate,
        upper_bound=upper,
        register=meets,
        refuse=upper < required or not unit_spread,
    )


def name_masked(surname: str, given_name: str) -> str:
    """Return a signer's name as a nominee's proxy sees it: ``Abenov``, ``Bolat`` → ``A***** B.``.

    The surname's first letter and one star for each further letter, then the given
    name's initial: enough to find the line on the paper sheet, not to name the person.
    """
    surname, given_name = surname.strip(), given_name.strip()
    if not surname:
        return ""
    masked = surname[0] + "*" * (len(surname) - 1)
    return f"{masked} {given_name[0]}." if given_name else masked
