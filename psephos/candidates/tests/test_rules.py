"""The pure rules: eligibility completeness, line verdicts, thresholds, sampling, file reading."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.candidates.rules.eligibility import (
    Assessment,
    CriteriaRules,
    Criterion,
    Problem,
    assessment_complete,
    criteria_applied,
    eligible,
)
from psephos.candidates.rules.sheet_files import FileProblem, signature_file_read
from psephos.candidates.rules.signatures import (
    PatternRules,
    Reason,
    RegisterFacts,
    SignatureRow,
    line_reasons,
    name_masked,
    required_signatures,
    sample_indices,
    threshold_check,
    valid_upper_bound,
)

from .conftest import ENTERED

VOTING = dt.date(2022, 11, 20)
LANG = Assessment("kazakh_language", "met", "test", examiners=("A",), held_on=dt.date(2022, 9, 26))


def full(**changes: Assessment) -> list[Assessment]:
    base = {c: Assessment(c, "met", f"doc {c}") for c in ENTERED}
    base["kazakh_language"] = LANG
    base.update(changes)
    return list(base.values())


def test_every_criterion_is_a_switch() -> None:
    assert criteria_applied(CriteriaRules()) == list(Criterion)
    relaxed = CriteriaRules(
        citizen_by_birth=False,
        residence_years=0,
        public_service_years=0,
        medical=False,
        nomination_valid=False,
    )
    assert criteria_applied(relaxed) == [
        Criterion.AGE,
        Criterion.KAZAKH_LANGUAGE,
        Criterion.HIGHER_EDUCATION,
        Criterion.NO_CRIMINAL_RECORD,
    ]


@pytest.mark.parametrize(
    ("assessments", "born", "incumbent", "problems", "is_eligible"),
    [
        (full(), dt.date(1960, 1, 1), False, [], True),
        # 40 on voting day exactly: met; a day younger: failed, with the computed reason.
        (full(), dt.date(1982, 11, 20), False, [], True),
        (full(), dt.date(1982, 11, 21), False, [], False),
        (
            full(public_service=Assessment("public_service", "failed", "CV")),
            dt.date(1960, 1, 1),
            False,
            [Problem("public_service", "reason_missing")],
            False,
        ),
        (
            full(public_service=Assessment("public_service", "failed", "CV", reason="3 years")),
            dt.date(1960, 1, 1),
            False,
            [],
            False,
        ),
        (
            [a for a in full() if a.criterion != "medical"],
            dt.date(1960, 1, 1),
            False,
            [Problem("medical", "missing")],
            True,
        ),
        (
            full(kazakh_language=Assessment("kazakh_language", "met", "test")),
            dt.date(1960, 1, 1),
            False,
            [Problem("kazakh_language", "language_record_missing")],
            True,
        ),
        (
            full(kazakh_language=Assessment("kazakh_language", "exempt", "incumbent")),
            dt.date(1960, 1, 1),
            False,
            [Problem("kazakh_language", "exempt_not_allowed")],
            True,
        ),
        # The incumbent is exempt from the language test.
        (
            [a for a in full() if a.criterion != "kazakh_language"],
            dt.date(1953, 5, 17),
            True,
            [],
            True,
        ),
        (
            full(medical=Assessment("medical", "met", " ")),
            dt.date(1960, 1, 1),
            False,
            [Problem("medical", "evidence_missing")],
            True,
        ),
        (
            [*full(), Assessment("age", "failed", "x", reason="y")],
            dt.date(1960, 1, 1),
            False,
            [Problem("age", "age_disagrees")],
            True,
        ),
        (
            [*full(), Assessment("medical", "met", "again")],
            dt.date(1960, 1, 1),
            False,
            [Problem("medical", "duplicate")],
            True,
        ),
        (
            [*full(), Assessment("wealth", "met", "x")],
            dt.date(1960, 1, 1),
            False,
            [Problem("wealth", "not_applied")],
            True,
        ),
    ],
)
def test_an_assessment_is_complete_only_with_every_criterion_and_reason(
    assessments: list[Assessment],
    born: dt.date,
    incumbent: bool,
    problems: list[Problem],
    is_eligible: bool,
) -> None:
    ordered, found = assessment_complete(
        CriteriaRules(), assessments, birth_date=born, voting_day=VOTING, incumbent=incumbent
    )
    assert found == problems
    assert eligible(ordered) is is_eligible
    if not found:
        assert [a.criterion for a in ordered] == list(Criterion)


def test_the_age_is_computed_with_its_evidence() -> None:
    ordered, _ = assessment_complete(
        CriteriaRules(),
        full(),
        birth_date=dt.date(1982, 11, 21),
        voting_day=VOTING,
        incumbent=False,
    )
    assert ordered[0] == Assessment(
        "age", "failed", "born 1982-11-21: 39 on 2022-11-20", reason="under 40"
    )


def row(sheet: int, line: int, iin: str, **kw: object) -> SignatureRow:
    values: dict[str, object] = {
        "surname": "Ivanova",
        "given_name": "Anna",
        "birth_date": dt.date(1970, 1, 1),
        "address": "Street 1",
        "unit": "KZ-01",
        "signed": dt.datetime(2022, 9, 27),
        "signed_has_time": False,
        "collector": "C1",
    }
    values.update(kw)
    return SignatureRow(sheet=sheet, line=line, iin=iin, **values)  # type: ignore[arg-type]


FACTS = RegisterFacts("IVANOVA", "Anna", dt.date(1970, 1, 1), "KZ-01", True)
WINDOW = (dt.date(2022, 9, 25), dt.date(2022, 10, 2))


@pytest.mark.parametrize(
    ("the_row", "key", "facts", "expected"),
    [
        (row(1, 1, "x"), "k", FACTS, []),
        (row(1, 1, "x"), None, FACTS, [Reason.IIN_INVALID]),
        (row(1, 1, "x"), "other", FACTS, [Reason.NOT_IN_REGISTER]),
        (
            row(1, 1, "x"),
            "k",
            RegisterFacts("Ivanova", "Anna", dt.date(1970, 1, 1), "KZ-01", False),
            [Reason.NOT_ELIGIBLE],
        ),
        (row(1, 1, "x", unit="KZ-02"), "k", FACTS, [Reason.WRONG_UNIT]),
        (row(1, 1, "x", surname="Petrova"), "k", FACTS, [Reason.NAME_MISMATCH]),
        (row(1, 1, "x", surname=" ivanova "), "k", FACTS, []),
        (row(1, 1, "x", birth_date=dt.date(1970, 1, 2)), "k", FACTS, [Reason.BIRTH_DATE_MISMATCH]),
        (row(1, 1, "x", signed=dt.datetime(2022, 10, 3)), "k", FACTS, [Reason.OUTSIDE_WINDOW]),
        (
            row(1, 1, "x", signed=dt.datetime(2022, 9, 24, 23, 59), signed_has_time=True),
            None,
            FACTS,
            [Reason.IIN_INVALID, Reason.OUTSIDE_WINDOW],
        ),
    ],
)
def test_each_line_gets_every_reason_that_applies(
    the_row: SignatureRow, key: str | None, facts: RegisterFacts, expected: list[Reason]
) -> None:
    reasons = line_reasons(
        [the_row],
        [key],
        {"k": facts},
        window=WINDOW,
        earlier_signers=set(),
        patterns=PatternRules(),
    )
    assert reasons == [expected]


def test_the_second_signature_of_a_voter_is_a_duplicate_within_and_across_files() -> None:
    rows = [row(1, 1, "x"), row(2, 1, "x"), row(2, 2, "y")]
    facts = {"k": FACTS, "j": FACTS}
    reasons = line_reasons(
        rows, ["k", "k", "j"], facts, window=WINDOW, earlier_signers={"j"}, patterns=PatternRules()
    )
    assert reasons == [[], [Reason.DUPLICATE], [Reason.DUPLICATE]]


def test_one_hand_patterns_are_flagged() -> None:
    at = dt.datetime(2022, 9, 27, 10, 15)
    same = [row(1, n, "x", signed=at, signed_has_time=True) for n in (1, 2, 3)]
    other = row(1, 4, "x", signed=at, signed_has_time=True, collector="C2")
    reasons = line_reasons(
        [*same, other],
        ["a", "b", "c", "d"],
        {},
        window=WINDOW,
        earlier_signers=set(),
        patterns=PatternRules(one_hand_lines=3),
    )
    assert reasons == [[Reason.NOT_IN_REGISTER, Reason.ONE_HAND_TIMESTAMP]] * 3 + [
        [Reason.NOT_IN_REGISTER]
    ]

    iins = ["700101400011", "700101400021", "700101400031", "700101400091"]
    rows = [row(1, n, iin) for n, iin in enumerate(iins, start=1)]
    keys = ["a", "b", "c", "d"]
    facts = dict.fromkeys(keys, FACTS)
    reasons = line_reasons(
        rows,
        keys,
        facts,
        window=WINDOW,
        earlier_signers=set(),
        patterns=PatternRules(sequential_run=3),
    )
    assert reasons == [[Reason.SEQUENTIAL_IINS]] * 3 + [[]]


def test_the_2022_national_minimum_is_118_273() -> None:
    assert required_signatures(11_827_277, 100) == 118_273
    assert required_signatures(100, 100) == 1
    assert required_signatures(101, 100) == 2


@pytest.mark.parametrize(
    ("by_unit", "passed", "problems"),
    [
        ({"A": 5, "B": 5, "C": 0}, True, ()),
        ({"A": 9, "B": 1, "C": 0}, False, ("unit_spread",)),
        ({"A": 4, "B": 4, "C": 0}, False, ("national_minimum",)),
        ({"A": 4, "B": 0, "C": 0}, False, ("national_minimum", "unit_spread")),
    ],
)
def test_the_threshold_needs_the_minimum_and_the_unit_spread(
    by_unit: dict[str, int], passed: bool, problems: tuple[str, ...]
) -> None:
    t = threshold_check(by_unit, required=10, min_units=2, min_valid_per_unit=2)
    assert (t.passed, t.problems) == (passed, problems)


def test_the_sample_is_reproducible_from_its_seed() -> None:
    first = sample_indices(1000, 10, "seed:abc")
    assert first == sample_indices(1000, 10, "seed:abc")
    assert first != sample_indices(1000, 10, "seed:abd")
    assert len(set(first)) == 10 and first == sorted(first)
    assert sample_indices(3, 10, "s") == [0, 1, 2]


def test_the_upper_bound_is_wilsons_one_sided() -> None:
    # 90 valid of 100 checked, 95 % one-sided (z = 1.6449): Wilson upper bound 0.93928.
    assert valid_upper_bound(90, 100, 1000, 0.95) == 939
    assert valid_upper_bound(100, 100, 1000, 0.95) == 1000
    assert valid_upper_bound(0, 0, 1000, 0.95) == 1000


HEADER = "sheet,line,iin,surname,given_name,birth_date,address,unit,signed,collector\n"


def test_a_file_is_read_into_rows() -> None:
    data = (HEADER + "1,1,123,Ivanova,Anna,1970-01-01,Street,KZ-01,2022-09-27T10:15,C1\n").encode()
    rows, problems = signature_file_read(data, xlsx=False)
    assert problems == []
    assert rows == [
        SignatureRow(
            1,
            1,
            "123",
            "Ivanova",
            "Anna",
            dt.date(1970, 1, 1),
            "Street",
            "KZ-01",
            dt.datetime(2022, 9, 27, 10, 15),
            True,
            "C1",
        )
    ]


def test_every_problem_of_a_malformed_file_has_its_line_and_column() -> None:
    data = (
        HEADER
        + "1,1,123,Ivanova,Anna,1970-13-01,Street,KZ-01,2022-09-27,C1\n"
        + "x,2,123,Ivanova,,1970-01-01,Street,KZ-01,yesterday,C1\n"
        + "1,3,123,Ivanova,Anna,1970-01-01,Street,KZ-01,2022-09-27,C1\n"
        + "1,3,124,Ivanova,Anna,1970-01-01,Street,KZ-01,2022-09-27,C1\n"
        + "1,4,125,Ivanova,Anna,1970-01-01,Street,KZ-02,2022-09-27,C1\n"
    ).encode()
    _rows, problems = signature_file_read(data, xlsx=False)
    assert problems == [
        FileProblem(2, "birth_date", "date"),
        FileProblem(3, "given_name", "required"),
        FileProblem(3, "sheet", "integer"),
        FileProblem(3, "signed", "datetime"),
        FileProblem(5, "line", "repeated"),
        FileProblem(6, "unit", "sheet_units"),
    ]
    assert signature_file_read(b"sheet,line\n1,1\n", xlsx=False)[1][0] == FileProblem(
        1, "iin", "header"
    )
    assert signature_file_read(b"\xff\xfe", xlsx=False)[1] == [FileProblem(1, "*", "encoding")]
    assert signature_file_read(b"", xlsx=False)[1] == [FileProblem(1, "*", "empty")]
    assert signature_file_read(b"not a zip", xlsx=True)[1] == [FileProblem(1, "*", "encoding")]


@pytest.mark.parametrize(
    ("surname", "given_name", "masked"),
    [
        ("Abenov", "Bolat", "A***** B."),
        ("Ли", "Ольга", "Л* О."),
        ("  Ким ", "", "К**"),
        ("O", "Aigerim", "O A."),
        ("", "Aigerim", ""),
    ],
)
def test_a_proxy_sees_the_signer_masked(surname: str, given_name: str, masked: str) -> None:
    assert name_masked(surname, given_name) == masked
