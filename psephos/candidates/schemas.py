"""Output schemas of the candidates API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class BodyOut(Schema):
    key: str
    kind: str
    name_en: str
    name_kk: str
    name_ru: str


class CriterionOut(Schema):
    criterion: str
    outcome: str
    reason: str


class UnitSignaturesOut(Schema):
    unit: str
    collected: int
    checked: int
    valid: int
    reasons: dict[str, int]


class SignaturesOut(Schema):
    collected: int
    checked: int
    valid: int
    required: int
    units_meeting: int
    min_units: int
    min_valid_per_unit: int
    passed: bool
    reasons: dict[str, int]
    units: list[UnitSignaturesOut]


class RegistrationDecisionOut(Schema):
    number: str
    decided_on: dt.date
    outcome: str
    reasons: str
    votes_for: int
    votes_against: int
    votes_abstained: int


class NominationOut(Schema):
    key: str
    name_en: str
    name_kk: str
    name_ru: str
    sex: str
    body: BodyOut
    status: str
    submitted_at: dt.datetime
    criteria: list[CriterionOut]
    signatures: SignaturesOut
    decisions: list[RegistrationDecisionOut]


class CandidatesOut(Schema):
    election: str
    nominations: list[NominationOut]
