"""Input and output schemas of the voters API (one pair per endpoint)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from .enums import AdditionBasis, CorrectionKind


class SelfCheckIn(Schema):
    election: str
    iin: str = Field(max_length=32)


class SelfCheckOut(Schema):
    masked_name: str
    station_code: str
    station_name: str
    station_address: str
    list_on_display_from: dt.date | None = Field(
        None,
        description="First day the station's list is on public display; null before the lists exist.",
    )


class MarkIn(Schema):
    election: str
    station: str
    iin: str = Field(max_length=32)
    certificate_serial: str | None = Field(default=None, max_length=16)
    addition: AdditionBasis | None = None
    document: str = Field(
        default="",
        max_length=100,
        description="For an addition on proof of residence: the document presented (kind and number).",
    )
    surname: str = Field(default="", max_length=100)
    given_name: str = Field(default="", max_length=100)
    patronymic: str = Field(default="", max_length=100)


class MarkOut(Schema):
    mark: int
    station: str
    at: dt.datetime
    source: str


class CertificateIn(Schema):
    election: str
    station: str
    iin: str = Field(max_length=32)
    serial: str = Field(max_length=16)


class CertificateOut(Schema):
    serial: str
    status: str
    issued_by: str
    issued_at: dt.datetime


class CertificateLostIn(Schema):
    election: str
    station: str


class PlaceOfStayIn(Schema):
    election: str
    station: str
    iin: str = Field(max_length=32)


class EntryOut(Schema):
    entry: int
    station: str
    source: str
    basis: str


class CountsOut(Schema):
    voters_on_list: int
    additions: int
    certificate_arrivals: int
    ballots_issued: int
    voted_with_certificate: int


class AdditionsRowOut(Schema):
    """One station's election-day additions, for its TEC's review (no voter data)."""

    station: str
    residence: int
    unregistered: int
    total: int
    flagged: bool


class ListRowOut(Schema):
    entry: int
    surname: str
    given_name: str
    patronymic: str
    birth_date: dt.date
    source: str
    marked: bool


class ExtractOut(Schema):
    entries: int


class CorrectionIn(Schema):
    election: str
    station: str
    iin: str = Field(max_length=32)
    kind: CorrectionKind
    note: str = Field(default="", max_length=2000)


class CorrectionDecisionIn(Schema):
    station: str
    election: str
    granted: bool
    reasons: str = Field(max_length=2000)


class CorrectionOut(Schema):
    request: int
    kind: str
    status: str
    received_at: dt.datetime
    due_at: dt.datetime
    decided_at: dt.datetime | None
    reasons: str
