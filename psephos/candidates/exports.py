"""The public candidates data as documents: the API's JSON, and the same as JSON and CSV
files (never a signer: summaries only)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from .enums import SignatureReason
from .selectors import PublicNomination, nominations_public

if TYPE_CHECKING:
    from psephos.elections.models import Election

#: The CSV: one row per nominee (``unit`` empty: the totals) and per unit of theirs.
CSV_COLUMNS = [
    "nominee",
    "name_en",
    "name_kk",
    "name_ru",
    "body",
    "status",
    "unit",
    "collected",
    "checked",
    "valid",
    *SignatureReason.values,
]


def nomination_dict(p: PublicNomination) -> dict[str, Any]:
    """Return one nominee as the API and the CSV/JSON exports publish it."""
    n, s, t = p.nomination, p.summary, p.summary.threshold
    return {
        "key": n.key,
        "name_en": n.name_en,
        "name_kk": n.name_kk,
        "name_ru": n.name_ru,
        "sex": n.sex,
        "body": {
            "key": n.body.key,
            "kind": n.body.kind,
            "name_en": n.body.name_en,
            "name_kk": n.body.name_kk,
            "name_ru": n.body.name_ru,
        },
        "status": n.status,
        "submitted_at": n.submitted_at,
        "criteria": [
            {"criterion": a.criterion, "outcome": a.outcome, "reason": a.reason}
            for a in p.assessments
        ],
        "signatures": {
            "collected": s.collected,
            "checked": s.checked,
            "valid": s.valid,
            "required": t.required,
            "units_meeting": t.units_meeting,
            "min_units": t.min_units,
            "min_valid_per_unit": t.min_valid_per_unit,
            "passed": t.passed,
            "reasons": s.reasons,
            "units": [
                {
                    "unit": u.unit_code,
                    "collected": u.collected,
                    "checked": u.checked,
                    "valid": u.valid,
                    "reasons": u.reasons,
                }
                for u in s.units
            ],
        },
        "decisions": [
            {
                "number": d.number,
                "decided_on": d.decided_on,
                "outcome": d.outcome,
                "reasons": d.reasons,
                "votes_for": d.votes_for,
                "votes_against": d.votes_against,
                "votes_abstained": d.votes_abstained,
            }
            for d in p.decisions
        ],
    }


def candidates_document(*, election: Election) -> dict[str, Any]:
    """Return every nominee of the election as the API publishes them."""
    return {
        "election": election.key,
        "nominations": [nomination_dict(p) for p in nominations_public(election=election)],
    }


def candidates_csv(*, election: Election) -> str:
    """Return the nominees' status and signature summary, in total and by unit, as CSV."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in nominations_public(election=election):
        n, s = p.nomination, p.summary
        common = {
            "nominee": n.key,
            "name_en": n.name_en,
            "name_kk": n.name_kk,
            "name_ru": n.name_ru,
            "body": n.body.key,
            "status": n.status,
        }
        for unit, collected, checked, valid, reasons in [
            ("", s.collected, s.checked, s.valid, s.reasons),
            *((u.unit_code, u.collected, u.checked, u.valid, u.reasons) for u in s.units),
        ]:
            writer.writerow(
                common
                | {"unit": unit, "collected": collected, "checked": checked, "valid": valid}
                | {code: reasons.get(code, 0) for code in SignatureReason.values}
            )
    return out.getvalue()
