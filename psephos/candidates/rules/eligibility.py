"""Passive suffrage: which criteria the profile applies and whether an assessment is complete.

Pure Python. Each criterion is a switch of the rule profile (kazakhstan-rules.md §4:
age 40, citizen by birth, Kazakh tested by the Linguistic Commission with the
incumbent exempt, higher education, 15 years' residence, 5 years of public service,
no criminal record, medical tests) and, last, the nominating decision itself (valid
unless annulled, as a civil court did for one 2022 nominee, [P] fn46). The assessment of a nominee is complete when
every applied criterion has exactly one outcome with its evidence, every failed
one names its reason, and the language test (unless exempt) names its examiners and
date: ODIHR noted that the 2022 refusals did not say which criterion was failed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from psephos.voters.rules.eligibility import age_on


class Criterion(StrEnum):
    AGE = "age"
    CITIZEN_BY_BIRTH = "citizen_by_birth"
    KAZAKH_LANGUAGE = "kazakh_language"
    HIGHER_EDUCATION = "higher_education"
    RESIDENCE = "residence"
    PUBLIC_SERVICE = "public_service"
    NO_CRIMINAL_RECORD = "no_criminal_record"
    MEDICAL = "medical"
    NOMINATION_VALID = "nomination_valid"


MET, FAILED, EXEMPT = "met", "failed", "exempt"


@dataclass(frozen=True, slots=True)
class CriteriaRules:
    """The profile's candidate switches (``elections.rules.profiles``); 0 years = off."""

    minimum_age: int = 40
    citizen_by_birth: bool = True
    kazakh_language: bool = True
    language_incumbent_exempt: bool = True
    higher_education: bool = True
    residence_years: int = 15
    public_service_years: int = 5
    no_criminal_record: bool = True
    medical: bool = True
    nomination_valid: bool = True


@dataclass(frozen=True, slots=True)
class Assessment:
    """The outcome of one criterion for one nominee, with what it rests on."""

    criterion: str
    outcome: str  # MET, FAILED or EXEMPT
    evidence: str
    reason: str = ""  # required when FAILED
    examiners: tuple[str, ...] = ()  # the Linguistic Commission's members
    held_on: dt.date | None = None  # the language test's date


@dataclass(frozen=True, slots=True)
class Problem:
    criterion: str
    code: str


def criteria_applied(rules: CriteriaRules) -> list[Criterion]:
    """Return the criteria the profile applies, in the order of the law."""
    on = {
        Criterion.AGE: rules.minimum_age > 0,
        Criterion.CITIZEN_BY_BIRTH: rules.citizen_by_birth,
        Criterion.KAZAKH_LANGUAGE: rules.kazakh_language,
        Criterion.HIGHER_EDUCATION: rules.higher_education,
        Criterion.RESIDENCE: rules.residence_years > 0,
        Criterion.PUBLIC_SERVICE: rules.public_service_years > 0,
        Criterion.NO_CRIMINAL_RECORD: rules.no_criminal_record,
        Criterion.MEDICAL: rules.medical,
        Criterion.NOMINATION_VALID: rules.nomination_valid,
    }
    return [c for c in Criterion if on[c]]


def assessment_complete(
    rules: CriteriaRules,
    assessments: list[Assessment],
    *,
    birth_date: dt.date,
    voting_day: dt.date,
    incumbent: bool,
) -> tuple[list[Assessment], list[Problem]]:
    """Return the assessments in the law's order (age computed) and every problem.

    The age is computed from the birth date; a given age outcome must agree. The
    language criterion is ``exempt`` for the incumbent where the profile says so, and
    only then. An empty problem list means the assessment may be stored; the nominee
    is eligible when no outcome is ``failed``.
    """
    applied = criteria_applied(rules)
    problems: list[Problem] = []
    given: dict[str, Assessment] = {}
    for a in assessments:
        if a.criterion not in {c.value for c in applied}:
            problems.append(Problem(a.criterion, "not_applied"))
        elif a.criterion in given:
            problems.append(Problem(a.criterion, "duplicate"))
        else:
            given[a.criterion] = a
    age = age_on(birth_date, voting_day)
    age_outcome = MET if age >= rules.minimum_age else FAILED
    exempt = incumbent and rules.language_incumbent_exempt
    result: list[Assessment] = []
    for c in applied:
        found = given.get(c.value)
        if c == Criterion.AGE:
            if found is not None and found.outcome != age_outcome:
                problems.append(Problem(c, "age_disagrees"))
            result.append(
                Assessment(
                    c,
                    age_outcome,
                    f"born {birth_date.isoformat()}: {age} on {voting_day.isoformat()}",
                    reason="" if age_outcome == MET else f"under {rules.minimum_age}",
                )
            )
            continue
        if c == Criterion.KAZAKH_LANGUAGE and exempt:
            result.append(Assessment(c, EXEMPT, found.evidence if found else "incumbent"))
            continue
        if found is None:
            problems.append(Problem(c, "missing"))
            continue
        a = found
        if a.outcome not in (MET, FAILED):
            problems.append(Problem(c, "exempt_not_allowed" if a.outcome == EXEMPT else "outcome"))
            continue
        if not a.evidence.strip():
            problems.append(Problem(c, "evidence_missing"))
        if a.outcome == FAILED and not a.reason.strip():
            problems.append(Problem(c, "reason_missing"))
        if c == Criterion.KAZAKH_LANGUAGE and (not a.examiners or a.held_on is None):
            problems.append(Problem(c, "language_record_missing"))
        result.append(a)
    return result, problems


def eligible(assessments: list[Assessment]) -> bool:
    """Return whether no criterion failed."""
    return all(a.outcome != FAILED for a in assessments)
