"""The PEC's log book of voting day (issue 21): what an entry must be.

Pure Python. An entry is written once and never changed: a correction is a new
entry. It happens on voting day or, for a count that runs past midnight, the day
after, and not later than the moment it is written down.
"""

from __future__ import annotations

import datetime as dt

TEXT_MAX = 2000


def entry_problems(
    *, text: str, occurred_local: dt.datetime, local_now: dt.datetime, voting_day: dt.date
) -> list[tuple[str, str]]:
    """Return ``(field, code)`` for each thing wrong with an entry (empty when it can be kept).

    ``text_empty`` / ``text_too_long`` (more than ``TEXT_MAX`` characters);
    ``not_voting_day`` (neither voting day nor the night after it); ``in_future``
    (after the station's clock).
    """
    problems: list[tuple[str, str]] = []
    stripped = text.strip()
    if not stripped:
        problems.append(("text", "text_empty"))
    elif len(stripped) > TEXT_MAX:
        problems.append(("text", "text_too_long"))
    if occurred_local.date() not in (voting_day, voting_day + dt.timedelta(days=1)):
        problems.append(("occurred_at", "not_voting_day"))
    elif occurred_local > local_now:
        problems.append(("occurred_at", "in_future"))
    return problems
