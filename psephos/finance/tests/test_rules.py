"""The pure money rules: amounts, IBANs, donor identifiers and the check at entry."""

from __future__ import annotations

from decimal import Decimal

import pytest

from psephos.finance.rules.donors import donor_id_valid
from psephos.finance.rules.iban import iban_make, iban_valid
from psephos.finance.rules.limits import MoneyRules, ReceiptFacts, Totals, receipt_violations
from psephos.finance.rules.money import AmountProblem, amount_parse, multiple

D = Decimal
RULES = MoneyRules(
    cap_total=multiple(D("60000"), 27_000),
    cap_own_and_body=multiple(D("60000"), 12_000),
    cap_donations=multiple(D("60000"), 15_000),
    donor_limit_citizen=D("100.00"),
    donor_limit_entity=None,
    prohibited=frozenset({"foreign", "charity", "in_kind", "anonymous"}),
)


def test_the_2022_caps_are_the_reports_figures() -> None:
    assert (RULES.cap_total, RULES.cap_own_and_body, RULES.cap_donations) == (
        D("1620000000.00"),
        D("720000000.00"),
        D("900000000.00"),
    )


@pytest.mark.parametrize(
    ("text", "value", "code"),
    [
        ("1000", D("1000.00"), None),
        ("0.10", D("0.10"), None),
        ("2.500", D("2.50"), None),
        ("2.505", None, "too_many_decimals"),
        ("-1", None, "negative"),
        ("0", None, "zero"),
        ("1,000", None, "not_a_number"),
        ("NaN", None, "not_a_number"),
        ("", None, "not_a_number"),
    ],
)
def test_amounts(text: str, value: Decimal | None, code: str | None) -> None:
    if code is None:
        assert amount_parse(text) == value
    else:
        with pytest.raises(AmountProblem) as problem:
            amount_parse(text)
        assert problem.value.code == code


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        (iban_make("KZ", "125KZT5004100100"), True),
        ("KZ86125KZT5004100100", True),
        ("KZ87125KZT5004100100", False),
        ("KZ86125KZT500410010", False),
        ("kz86125kzt5004100100", False),
    ],
)
def test_ibans(iban: str, valid: bool) -> None:
    assert iban_valid(iban) is valid


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("800304303212", True),
        ("800304303213", False),
        ("12345678901", False),
        ("abcdefghijkl", False),
    ],
)
def test_donor_ids(text: str, valid: bool) -> None:
    assert donor_id_valid(text) is valid


def totals(total: str = "0", own: str = "0", donations: str = "0", donor: str = "0") -> Totals:
    return Totals(D(total), D(own), D(donations), {"d": D(donor)})


@pytest.mark.parametrize(
    ("facts", "before", "rules"),
    [
        (ReceiptFacts(D("50"), "citizen"), totals(), []),
        (ReceiptFacts(D("50"), "foreign"), totals(), ["source_foreign"]),
        (ReceiptFacts(D("50"), "charity", in_kind=True), totals(), ["source_charity", "in_kind"]),
        (ReceiptFacts(D("50"), "citizen", donor_identified=False), totals(), ["anonymous"]),
        (ReceiptFacts(D("51"), "citizen"), totals(donor="50"), ["donor_limit_citizen"]),
        (ReceiptFacts(D("50"), "citizen"), totals(donor="50"), []),
        (ReceiptFacts(D("5000"), "legal_entity"), totals(donor="50"), []),  # limit unknown
        (ReceiptFacts(D("0.01"), "own"), totals(own="720000000"), ["cap_own_and_body"]),
        (ReceiptFacts(D("0.01"), "legal_entity"), totals(donations="900000000"), ["cap_donations"]),
        (
            ReceiptFacts(D("1"), "nominating_body"),
            totals(total="1620000000", own="700000000"),
            ["cap_total"],
        ),
    ],
)
def test_receipt_violations(facts: ReceiptFacts, before: Totals, rules: list[str]) -> None:
    found = receipt_violations(facts, before, RULES, "d")
    assert [v.rule for v in found] == rules


def test_a_violation_carries_its_numbers() -> None:
    (v,) = receipt_violations(ReceiptFacts(D("60"), "citizen"), totals(donor="70"), RULES, "d")
    assert v.as_data() == {
        "rule": "donor_limit_citizen",
        "limit": "100.00",
        "before": "70",
        "amount": "60",
        "excess": "30.00",
    }


def test_the_profile_overrides_an_unknown_limit_and_the_prohibited_sources() -> None:
    from psephos.elections.rules.profiles import PresidentialProfile, override_problem, profile_with

    key = "kz-presidential-2022"
    assert PresidentialProfile().finance_donor_limit_citizen_minimum_wages is None
    profile = profile_with(
        key,
        {
            "finance_donor_limit_citizen_minimum_wages": 1000,
            "finance_prohibited_sources": ["foreign", "anonymous"],
        },
    )
    assert isinstance(profile, PresidentialProfile)
    assert profile.finance_donor_limit_citizen_minimum_wages == 1000
    assert profile.finance_prohibited_sources == frozenset({"foreign", "anonymous"})
    assert override_problem(key, "finance_donor_limit_citizen_minimum_wages", "x") == "wrong_type"
    assert override_problem(key, "finance_donor_limit_entity_minimum_wages", None) is None
    assert override_problem(key, "finance_prohibited_sources", "foreign") == "wrong_type"
