"""Schemas of the commissions API, and the input every formal decision of a commission shares
(issue 16, item 2)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field

from psephos.core.errors import ValidationFailed

if TYPE_CHECKING:
    from .models import Decision


class RegisterDecisionOut(Schema):
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
    decisions: list[RegisterDecisionOut]


Members = Annotated[int, Field(strict=True, ge=0, le=1000)]


class DecisionVoteIn(Schema):
    """How the commission adopted the decision: its number, the vote, the signed document."""

    model_config = ConfigDict(extra="forbid")

    number: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[^\x00]*$")]
    votes_for: Members
    votes_against: Members
    abstentions: Members = 0
    present: Members = Field(description="Members present when the commission voted.")
    document: Annotated[str, Field(min_length=4, max_length=14_000_000)] = Field(
        description="The signed decision document, base64 (at most 10 MiB decoded).",
    )
    session: Annotated[str, Field(max_length=32, pattern=r"^[^\x00]*$")] = Field(
        default="",
        description="The number of the commission's open session that adopted the decision; "
        "empty: taken outside a session.",
    )


class DecisionPendingOut(Schema):
    """A commission's decision as proposed: nothing changes until a second operator confirms it."""

    commission: str
    number: str
    status: str
    document_sha256: str
    confirm: str = Field(description="The path a second operator posts to confirm it.")


def decision_pending_out(decision: Decision, confirm: str) -> dict[str, Any]:
    """Return a proposed decision as ``DecisionPendingOut``, ``confirm`` its confirmation path."""
    return {
        "commission": decision.commission.code,
        "number": decision.number,
        "status": decision.status,
        "document_sha256": decision.document_sha256,
        "confirm": confirm,
    }


def document_decode(text: str, field: str) -> bytes:
    """Return the decision document sent as base64, or raise ``ValidationFailed`` naming ``field``."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            _("The decision document is not valid base64."),
            data={"errors": [{"field": field}]},
        ) from None
