"""Output schemas of the commissions API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class DecisionOut(Schema):
    number: str
    date: dt.date
    subject_kk: str
    subject_ru: str
    subject_en: str
    reasons: str
    members: int
    present: int
    votes_for: int
    votes_against: int
    abstentions: int
    document_sha256: str
    session: str | None
    confirmed_at: dt.datetime | None


class DecisionsOut(Schema):
    geography: str
    commission: str
    decisions: list[DecisionOut]
