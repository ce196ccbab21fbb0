"""The disclosure as the API and the CSV export publish it."""

from __future__ import annotations

import csv
import io
from typing import Any

from .disclosure import Disclosure
from .profile import finance_profile
from .rules.money import multiple

ITEMISED_COLUMNS = ("fund", "number", "received_on", "amount", "source", "donor")


def disclosure_dict(d: Disclosure) -> dict[str, Any]:
    """Return one fund's disclosure as JSON-ready data (amounts as decimal strings)."""
    n = d.fund.nomination
    profile = finance_profile(d.fund.election)
    return {
        "key": d.fund.key,
        "name_en": n.name_en,
        "name_kk": n.name_kk,
        "name_ru": n.name_ru,
        "received": str(d.received),
        "spent": str(d.spent),
        "cap_total": str(multiple(d.fund.minimum_wage, profile.finance_cap_total_minimum_wages)),
        "by_source": {k: str(v) for k, v in d.by_source.items()},
        "by_purpose": {k: str(v) for k, v in d.by_purpose.items()},
        "donors": d.donors,
        "itemised": [
            {
                "number": i.number,
                "received_on": i.received_on,
                "amount": str(i.amount),
                "source": i.source,
                "donor": i.donor,
            }
            for i in d.itemised
        ],
        "public_funding": [
            {
                "purpose": b.purpose,
                "allowance": str(b.allowance),
                "approved": str(b.approved),
                "pending": str(b.pending),
                "remaining": str(b.remaining),
            }
            for b in d.public_funding
        ],
        "invoices": [
            {
                "number": i.number,
                "purpose": i.purpose,
                "issued_on": i.issued_on.isoformat(),
                "amount": str(i.amount),
                "status": i.status,
                "decision": i.decision,
            }
            for i in d.invoices
        ],
        "report_due_on": d.fund.report_due_on.isoformat() if d.fund.report_due_on else None,
        "reports": [
            {
                "number": r.number,
                "kind": r.kind,
                "through": r.through.isoformat(),
                "submitted_on": r.submitted_on.isoformat(),
                "due_on": r.due_on.isoformat() if r.due_on else None,
                "late": r.late,
                "status": r.status,
                "decision": r.decision,
                "received": str(r.received),
                "spent": str(r.spent),
                "sha256": r.sha256,
            }
            for r in d.reports
        ],
        "audits": [
            {
                "number": a.number,
                "scope": a.scope,
                "seed": a.seed,
                "opened_on": a.opened_on.isoformat(),
                "findings": a.findings,
                "answered": a.answered,
                "status": a.status,
                "sanction": a.sanction,
                "fine_mci": a.fine_mci,
                "fine_kzt": None if a.fine_kzt is None else str(a.fine_kzt),
                "decision": a.decision,
            }
            for a in d.audits
        ],
        "series": [
            {"day": p.day.isoformat(), "received": str(p.received), "spent": str(p.spent)}
            for p in d.series
        ],
    }


def itemised_csv(disclosures: list[Disclosure]) -> str:
    """Return the itemised receipts of every fund as CSV (``ITEMISED_COLUMNS``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ITEMISED_COLUMNS)
    for d in disclosures:
        for i in d.itemised:
            writer.writerow([d.fund.key, i.number, i.received_on, i.amount, i.source, i.donor])
    return out.getvalue()
