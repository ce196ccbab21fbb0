"""The source rules and caps of a candidate's fund, checked against running totals.

``receipt_violations`` is the whole check at entry: it takes a receipt, the fund's
running totals before it and the money rules resolved for the fund, and returns every
rule the receipt breaks with the numbers (limit, total before, amount, excess).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

OWN = "own"
BODY = "nominating_body"
CITIZEN = "citizen"
LEGAL_ENTITY = "legal_entity"
#: The sources a fund may receive from when the profile prohibits none of them.
PERMITTED = (OWN, BODY, CITIZEN, LEGAL_ENTITY)
#: Sources that are a category of donor in their own right and are prohibited by default.
PROHIBITED_KINDS = (
    "state_body",
    "state_funded",
    "local_government",
    "charity",
    "religious",
    "foreign_participation",
    "foreign",
)
SOURCES = PERMITTED + PROHIBITED_KINDS
DONATIONS = frozenset({CITIZEN, LEGAL_ENTITY})
OWN_AND_BODY = frozenset({OWN, BODY})


@dataclass(frozen=True, slots=True)
class MoneyRules:
    """A fund's limits in KZT (resolved from multiples by date) and prohibited sources."""

    cap_total: Decimal
    cap_own_and_body: Decimal
    cap_donations: Decimal
    donor_limit_citizen: Decimal | None  # None: not known, not enforced
    donor_limit_entity: Decimal | None
    prohibited: frozenset[str]


@dataclass(frozen=True, slots=True)
class ReceiptFacts:
    """What the check needs to know of one receipt."""

    amount: Decimal
    source: str
    in_kind: bool = False
    donor_identified: bool = True  # an IIN or BIN was given (own money: the candidate)


@dataclass(slots=True)
class Totals:
    """A fund's accepted receipts so far: in all, per group and per donor key."""

    total: Decimal = Decimal("0.00")
    own_and_body: Decimal = Decimal("0.00")
    donations: Decimal = Decimal("0.00")
    by_donor: dict[object, Decimal] = field(default_factory=dict)

    def add(self, facts: ReceiptFacts, donor: object | None) -> None:
        """Count an accepted receipt."""
        self.total += facts.amount
        if facts.source in OWN_AND_BODY:
            self.own_and_body += facts.amount
        elif facts.source in DONATIONS:
            self.donations += facts.amount
        if donor is not None:
            self.by_donor[donor] = self.by_donor.get(donor, Decimal("0.00")) + facts.amount


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule a receipt breaks; the numbers are ``None`` for a source rule."""

    rule: str
    limit: Decimal | None = None
    before: Decimal | None = None
    amount: Decimal | None = None

    @property
    def excess(self) -> Decimal | None:
        if self.limit is None or self.before is None or self.amount is None:
            return None
        return self.before + self.amount - self.limit

    def as_data(self) -> dict[str, str | None]:
        """Return the violation as JSON-ready strings (amounts exact)."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "rule": self.rule,
            "limit": text(self.limit),
            "before": text(self.before),
            "amount": text(self.amount),
            "excess": text(self.excess),
        }


def _cap(rule: str, limit: Decimal | None, before: Decimal, amount: Decimal) -> list[Violation]:
    if limit is None or before + amount <= limit:
        return []
    return [Violation(rule, limit, before, amount)]


def receipt_violations(
    facts: ReceiptFacts, totals: Totals, rules: MoneyRules, donor: object | None = None
) -> list[Violation]:
    """Return every rule ``facts`` breaks given the fund's ``totals`` before it.

    Source rules first (``source_<kind>``, ``in_kind``, ``anonymous``), then the caps
    (``cap_total``, ``cap_own_and_body``, ``cap_donations``) and the per-donor limit
    (``donor_limit_citizen`` / ``donor_limit_entity``) where the profile knows one.
    """
    out: list[Violation] = []
    if facts.source in rules.prohibited:
        out.append(Violation(f"source_{facts.source}"))
    if facts.in_kind and "in_kind" in rules.prohibited:
        out.append(Violation("in_kind"))
    if not facts.donor_identified and "anonymous" in rules.prohibited:
        out.append(Violation("anonymous"))
    amount = facts.amount
    out += _cap("cap_total", rules.cap_total, totals.total, amount)
    if facts.source in OWN_AND_BODY:
        out += _cap("cap_own_and_body", rules.cap_own_and_body, totals.own_and_body, amount)
    if facts.source in DONATIONS:
        out += _cap("cap_donations", rules.cap_donations, totals.donations, amount)
        if donor is not None:
            limit = (
                rules.donor_limit_citizen if facts.source == CITIZEN else rules.donor_limit_entity
            )
            rule = "donor_limit_citizen" if facts.source == CITIZEN else "donor_limit_entity"
            before = totals.by_donor.get(donor, Decimal("0.00"))
            out += _cap(rule, limit, before, amount)
    return out
