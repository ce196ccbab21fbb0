"""The media API's typed shapes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class ToneOut(Schema):
    negative: int
    neutral: int
    positive: int


class SubjectCoverageOut(Schema):
    subject: str
    news_volume: int
    news_share: float
    all_volume: int
    all_share: float
    tone_volume: ToneOut
    tone_items: ToneOut
    paid_items: int
    free_airtime_volume: int


class CoverageTestOut(Schema):
    expected: dict[str, float]
    actual: dict[str, float]
    deviation: float
    passed: bool


class OutletCoverageOut(Schema):
    outlet: str
    scope: str
    news_volume: int
    all_volume: int
    subjects: list[SubjectCoverageOut]
    incumbent_institutional: int
    incumbent_candidate: int
    women: int
    men: int
    women_share: float | None
    paid_volume: int
    voter_information_volume: int
    equal: CoverageTestOut | None
    equitable: CoverageTestOut | None


class OutletOut(Schema):
    key: str
    medium: str
    name_en: str
    name_kk: str
    name_ru: str
    state_owned: bool
    ownership: str
    reach: int | None


class AgreementOut(Schema):
    items: int
    volume_units: int
    volume_alpha: float | None
    tone_units: int
    tone_alpha: float | None


class PlanReportOut(Schema):
    plan: str
    election: str
    starts_on: dt.date
    ends_on: dt.date
    window: list[int]  # the span of the daily windows
    windows: list[list[int]]  # each daily window, [start, end) minutes after local midnight
    timezone: str
    items: int
    # The report is computed when asked, from the items stored then (ISO 8601, local).
    computed_at: str
    last_imported_at: str | None
    period_ended_at: str
    incumbent: str
    tolerance: int
    criterion: str
    weights: dict[str, int]
    outlets: list[OutletOut]
    agreement: AgreementOut
    coverage: list[OutletCoverageOut]


class AirtimeVolumeOut(Schema):
    tv: int  # seconds
    radio: int  # seconds
    articles: int


class AirtimeCandidateOut(Schema):
    candidate: str
    entitled: AirtimeVolumeOut
    allocated: AirtimeVolumeOut
    aired: AirtimeVolumeOut
    coded: AirtimeVolumeOut


class AirtimeOutletUseOut(Schema):
    candidate: str
    outlet: str
    medium: str
    allocated: int
    by_outlet: int
    by_monitor: int
    used: int
    off_draw: int


class AirtimeUseReportOut(Schema):
    state: str  # none (no slot offered), offered, committed, drawn
    candidates: list[AirtimeCandidateOut]
    outlets: list[AirtimeOutletUseOut]
    disagreements: list[str]


class PaidRateOut(Schema):
    outlet: str
    placement: str
    unit: str  # second or placement
    price: Decimal  # tenge per unit
    published_on: dt.date


class PaidAdOut(Schema):
    ad: str
    outlet: str
    candidate: str
    placement: str
    aired_on: dt.date
    seconds: int | None
    placements: int | None
    price: Decimal
    rate_price: Decimal | None
    rate_unit: str
    rate_published_on: dt.date | None
    quantity: int | None
    expected: Decimal | None
    difference: Decimal | None  # paid − expected
    status: str  # published_rate, differs, no_rate, no_seconds


class PaidTotalOut(Schema):
    candidate: str
    ads: int
    seconds: int
    placements: int
    paid: Decimal
    flagged: int


class PaidReportOut(Schema):
    rates: list[PaidRateOut]
    ads: list[PaidAdOut]
    totals: list[PaidTotalOut]


class DebateParticipantOut(Schema):
    candidate: str
    answer: str  # attended, represented, declined, absent, not_invited


class DebateOut(Schema):
    key: str
    held_at: dt.datetime
    outlet: str
    participants: list[DebateParticipantOut]


class MediaOut(Schema):
    election: str
    plans: list[PlanReportOut]
    airtime: AirtimeUseReportOut
    paid: PaidReportOut
    debates: list[DebateOut]


class AirtimeSlotOut(Schema):
    slot: str
    outlet: str
    medium: str
    starts_at: dt.datetime
    seconds: int | None
    articles: int | None
    candidate: str


class AirtimeDrawOut(Schema):
    election: str
    state: str  # offered, committed, drawn
    commitment: str
    inputs_sha256: str
    candidates: list[str]
    committed_at: dt.datetime | None
    seed: str
    drawn_at: dt.datetime | None
    decision: str
    verified: bool | None
    verify: str
    slots: list[AirtimeSlotOut]


class CodingsUploadIn(Schema):
    csv: str = Field(max_length=20_000_000)  # the coding form's CSV (import-items columns)
    file_name: str = Field(default="device.csv", pattern=r"^[A-Za-z0-9._-]{1,100}$")


class CodingsUploadOut(Schema):
    items: int  # coded items stored
    checks: int  # of which blind second codings
    sha256: str  # of the uploaded file, as in the coded_items.import event
