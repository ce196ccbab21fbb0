"""API input and output schemas of the results path (one pair per endpoint).

A station's protocol is declared once, as the read model's ``ProtocolView``
(``selectors.protocols``): the API serialises that dataclass as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from psephos.results.rules.lines import ProtocolLines
from psephos.results.selectors.protocols import ProtocolView

# Natural keys as they appear in URLs: nothing that a database could choke on (NUL, control bytes).
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
Code = Annotated[str, Field(pattern=CODE_PATTERN, description="a natural key, e.g. KZ-75-0412")]
OptionKey = Annotated[str, Field(pattern=r"^[-A-Za-z0-9_]{1,64}$")]
# Free text without NUL bytes (PostgreSQL text and jsonb refuse them).
Text = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^[^\x00]*$")]

# A count on a station protocol: a JSON integer (not a string, not 1.0, not true), 0 … 10⁹.
Count = Annotated[int, Field(strict=True, ge=0, le=1_000_000_000)]


class ProtocolIn(Schema):
    """The figures of a precinct results protocol; every line is required."""

    model_config = ConfigDict(extra="forbid")

    voters_on_list: Count
    ballots_received: Count
    ballots_issued: Count
    ballots_issued_mobile: Count
    voted_with_certificate: Count
    ballots_cancelled: Count
    ballots_found: Count
    ballots_invalid: Count
    ballots_valid: Count
    ballots_both_marked: Count = 0
    votes: dict[OptionKey, Count] = Field(
        description="Votes per option key, one entry for every option on the ballot."
    )

    def to_lines(self) -> ProtocolLines:
        """Return the figures as the results services take them."""
        data = self.dict()
        votes = data.pop("votes")
        return ProtocolLines(**data, votes=votes)


class ReturnIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Text


class ElectionOut(Schema):
    key: str
    kind: str
    name: str
    date: dt.date
    status: str
    certified_at: dt.datetime | None


class OptionOut(Schema):
    key: str
    name: str
    kind: str
    votes: int
    share: float | None = Field(description="Share of the valid votes, 0–1.")


class ProgressOut(Schema):
    expected: int
    received: int
    accepted: int


class CommissionRefOut(Schema):
    code: str
    name: str
    level: str


class SummaryOut(Schema):
    election: str
    code: str
    name: str
    level: str
    registered: int
    ballots_issued: int
    ballots_found: int
    turnout: float | None
    valid: int
    invalid: int
    both_marked: int
    lines: dict[str, int]
    options: list[OptionOut]
    progress: ProgressOut
    path: list[CommissionRefOut]
    children: list[SummaryOut]
    protocol: ProtocolView | None


class OutcomeOut(Schema):
    status: str
    winner: str | None
    runoff: list[str]
    reasons: list[str]
    warnings: list[str]


class QuarantineEntryOut(Schema):
    station: str
    tec: str
    region: str
    status: str = Field(description="submitted, accepted, or refused (nothing newer)")
    version: int | None
    relations: list[str] = Field(description="ids of the broken control relations")
    voters_on_list: int
    votes: dict[str, int]
    since: dt.datetime | None


class QuarantineOut(Schema):
    election: str
    count: int
    voters_on_list: int = Field(
        description="sum over the listed stations: the most they could swing"
    )
    stations: list[QuarantineEntryOut]


# --- transparency: a station's history, the feed, keying, attachments --------------------
# Times here are the read model's ISO strings (``transparency``), passed through as they are.


class ProtocolDecisionOut(Schema):
    commission: str
    number: str
    date: str
    reasons: str
    votes_for: int
    votes_against: int


class VersionOut(Schema):
    number: int
    source: str
    source_label: str
    created_at: str
    current: bool
    decision: ProtocolDecisionOut | None
    digest: str = Field(description="SHA-256 of the version's canonical figures")
    lines: dict[str, int]
    votes: dict[str, int]


class AttachmentRefOut(Schema):
    sha256: str
    content_type: str
    size: int
    created_at: str
    # The protocol version that was the latest when the photo came (None: uploaded first).
    version: int | None = None


class StationEventOut(Schema):
    seq: int
    action: str
    at: str
    hash: str


class StationHistoryOut(Schema):
    election: str
    station: str
    tec: str | None
    status: str
    submitted_at: str | None
    accepted_at: str | None
    current_version: int | None
    cancel_decision: ProtocolDecisionOut | None
    versions: list[VersionOut]
    attachments: list[AttachmentRefOut]
    events: list[StationEventOut]


class FeedItemOut(Schema):
    seq: int
    station: str
    accepted_at: str | None
    status: str
    cancel_decision: ProtocolDecisionOut | None
    versions: list[VersionOut]


class FeedChangeOut(Schema):
    action: str
    at: str
    seq: int
    station: str
    accepted_at: str | None
    status: str
    cancel_decision: ProtocolDecisionOut | None
    versions: list[VersionOut]


class FeedOut(Schema):
    election: str
    items: list[FeedItemOut]
    changes: list[FeedChangeOut]
    next_since: int | None = Field(description="pass as ``since`` to read what came after")


class KeyingOut(Schema):
    state: str = Field(description="empty, awaiting_second, mismatch or submitted")
    station: str
    entries: int
    differences: list[str]
    version: int | None


class AttachmentOut(Schema):
    station: str
    sha256: str
    content_type: str
    size: int


SummaryOut.model_rebuild()


class StationFoundOut(Schema):
    code: str
    name: str
    name_kk: str
    name_ru: str
    address: str
    address_kk: str
    address_ru: str
    unit: str
    step_free: bool | None
    accessible_booth: bool | None
    braille_guide: bool | None
    ramp: bool | None
    sign_language: bool | None


class StationSearchOut(Schema):
    total: int = Field(description="How many stations match; at most 50 are listed.")
    stations: list[StationFoundOut]
