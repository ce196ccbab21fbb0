"""Record forensic reports."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.db import transaction

from psephos.core import clock
from psephos.ledger.actors import SYSTEM
from psephos.ledger.services.events import event_record

from ..models import IntegrityReport

if TYPE_CHECKING:
    from psephos.elections.models import Election


def report_digest(report: dict[str, Any]) -> str:
    """Return the SHA-256 of the report's canonical JSON."""
    canonical = json.dumps(report, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def report_record(
    *, election: Election, report: dict[str, Any], actor: str = SYSTEM
) -> IntegrityReport:
    """Store ``report`` for ``election`` and append an ``integrity.report_recorded`` ledger event.

    Side effects: one IntegrityReport row and one ledger event, in one transaction.
    The payload holds only aggregate figures and the digest (no personal data).
    """
    digest = report_digest(report)
    with transaction.atomic():
        row = IntegrityReport.objects.create(
            election=election,
            created_at=clock.now(),
            stations_used=int(report["stations_used"]),
            digest=digest,
            report=report,
        )
        event_record(
            actor=actor,
            role="system",
            action="integrity.report_recorded",
            object_key=f"{election.key}/integrity/{row.pk}",
            payload={
                "election": election.key,
                "report": row.pk,
                "digest": digest,
                "stations_used": row.stations_used,
                "integer_excess": report["integer_test"]["excess"],
                "integer_p_value": report["integer_test"]["p_value"],
            },
        )
    return row
