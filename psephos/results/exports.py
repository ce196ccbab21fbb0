"""Render download rows (from ``selectors.result_rows``) as CSV or JSON text."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

FORMATS = ("csv", "json")


def rows_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    """Return the rows as CSV with a header line; ``None`` becomes an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    return out.getvalue()


def rows_json(
    *,
    election: str,
    level: str,
    within: str | None,
    columns: list[str],
    rows: list[dict[str, Any]],
    rounds: dict[str, str] | None = None,
) -> str:
    """Return the rows as one JSON document that names its election, level and columns.

    ``rounds`` names the other round of a runoff's pair: ``{"first_round": key}`` in a
    runoff's document, ``{"runoff": key}`` in its first round's.
    """
    document = {"election": election, "level": level, "within": within, "columns": columns}
    return json.dumps({**document, **(rounds or {}), "rows": rows}, ensure_ascii=False)
