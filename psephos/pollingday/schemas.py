"""Typed input and output of the election-day API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from .enums import BoxKind, CountStep, LogKind, MemberRole


class MemberIn(Schema):
    role: MemberRole
    issues_ballots: bool


class BoxIn(Schema):
    kind: BoxKind
    serial: str = Field(max_length=32)
    seals: list[str] = Field(max_length=10)


class OpeningIn(Schema):
    opened_at: dt.datetime
    ballots_received: int = Field(ge=0, le=1_000_000)
    ballots_announced: bool
    members: list[MemberIn] = Field(max_length=40)
    observers_present: int = Field(0, ge=0, le=1000)
    proxies_present: int = Field(0, ge=0, le=1000)
    media_present: int = Field(0, ge=0, le=1000)
    boxes: list[BoxIn] = Field(max_length=20)


class MemberOut(Schema):
    role: str
    issues_ballots: bool


class BoxOut(Schema):
    kind: str
    serial: str
    seals: list[str]


class OpeningOut(Schema):
    station: str
    recorded: bool
    opened_at: dt.datetime | None
    ballots_received: int | None
    ballots_announced: bool | None
    members: list[MemberOut]
    observers_present: int
    proxies_present: int
    media_present: int
    boxes: list[BoxOut]
    late: bool
    gaps: list[str]
    event_seq: int | None


class TurnoutIn(Schema):
    """A station's turnout at a reporting time; no figures where the station marks voters."""

    slot: dt.time
    voted: int | None = Field(None, ge=0, le=1_000_000)
    registered: int | None = Field(None, ge=0, le=1_000_000)


class TurnoutReportOut(Schema):
    station: str
    slot: str
    voted: int
    registered: int
    percent: Decimal
    source: str
    event_seq: int | None


class PointOut(Schema):
    slot: str
    voted: int
    registered: int
    percent: Decimal
    stations: int


class CurveOut(Schema):
    code: str
    name: str
    points: list[PointOut]


class LateOut(Schema):
    station: str
    slot: str


class TurnoutOut(Schema):
    times: list[str]
    stations: int
    national: CurveOut
    regions: list[CurveOut]
    districts: list[CurveOut]
    late: list[LateOut]


class CountStepIn(Schema):
    step: CountStep
    figure: int | None = Field(None, ge=0, le=1_000_000)
    piles: dict[str, int] | None = Field(None, max_length=50)
    observers_present: int | None = Field(None, ge=0, le=1000, description="at this step")


class StepOut(Schema):
    step: str
    label: str
    figure: int
    piles: dict[str, int]
    at: dt.datetime
    event_seq: int | None
    observers_present: int | None


class RelationOut(Schema):
    relation: str
    message: str
    numbers: dict[str, int]
    line: str


class CountOut(Schema):
    station: str
    steps: list[StepOut]
    next_step: str | None
    next_label: str
    lines: dict[str, int]
    marks: int | None
    relations: list[RelationOut]


class GroupOut(Schema):
    sex: str
    band: str
    registered: int
    voted: int
    percent: Decimal


class LogEntryIn(Schema):
    """A log book entry; ``occurred_at`` defaults to now."""

    kind: LogKind
    text: str = Field(max_length=4000)
    occurred_at: dt.datetime | None = None


class LogEntryOut(Schema):
    number: int
    kind: str
    occurred_at: dt.datetime
    text: str
    recorded_at: dt.datetime
    event_seq: int


class ProtocolQrIn(Schema):
    text: str = Field(max_length=4000, description="the decoded text of the protocol's QR code")
    pending: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict,
        description=(
            "figures keyed from the paper for the lines the code holds as null (psephos did "
            "not know them when it printed the protocol), by line name"
        ),
    )


class ProtocolQrOut(Schema):
    state: str = Field(description="awaiting_second, mismatch or submitted")
    station: str
    entries: int
    differences: list[str]
    version: int | None


class MobileApplicationIn(Schema):
    grounds: str = Field(max_length=16, description="health, caring or remote")
    text: str = Field("", max_length=2000, description="who and where, as written; not public")
    received_at: dt.datetime | None = Field(None, description="default now")


class MobileApplicationOut(Schema):
    station: str
    number: int
    grounds: str
    received_at: dt.datetime
    event_seq: int


class MobileTripIn(Schema):
    box_serial: str = Field(max_length=32)
    members: list[MemberRole] = Field(max_length=20)
    left_at: dt.datetime
    returned_at: dt.datetime


class MobileBallotIn(Schema):
    application: int = Field(ge=1)
    trip: int = Field(ge=1)
    issued_at: dt.datetime | None = Field(None, description="default now")
    iin: str | None = Field(
        None,
        max_length=12,
        description="the voter's IIN, required where the station keeps its list in psephos: "
        "the list entry is marked as voted by the mobile box (never published)",
    )


class MobileTripOut(Schema):
    number: int
    box_serial: str
    members: list[str]
    left_at: dt.datetime
    returned_at: dt.datetime
    ballots: int


class MobileRelationOut(Schema):
    relation: str
    message: str
    numbers: dict[str, int]


class MobileOut(Schema):
    station: str
    deadline: str = Field(description="the profile's switch: eve_noon, days_15 or day_noon")
    deadline_local: dt.datetime
    applications: int
    by_grounds: dict[str, int]
    trips: list[MobileTripOut]
    ballots: int = Field(description="ballots marked as issued outside the station")
    protocol_mobile: int | None
    relations: list[MobileRelationOut]
