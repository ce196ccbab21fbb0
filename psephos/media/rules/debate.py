"""A debate's record checked: key, outlet, invited candidates and what each did.

Pure Python. Every problem is a (field, code) pair; ``answers`` maps each invited
candidate to ``attended``, ``represented`` (sent a representative, as the incumbent did
on 11 Nov 2022, [P] §X.B fn73), ``declined`` or ``absent`` (invited, did not come).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

ANSWERS = ("attended", "represented", "declined", "absent")
_KEY = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")


def debate_problems(
    key: str, outlet_known: bool, answers: Mapping[str, str], candidates: Collection[str]
) -> list[tuple[str, str]]:
    """Return every (field, code) wrong with a debate's record; none when it may be stored."""
    problems: list[tuple[str, str]] = []
    if not _KEY.match(key):
        problems.append(("key", "key"))
    if not outlet_known:
        problems.append(("outlet", "no_such_outlet"))
    if not answers:
        problems.append(("participants", "required"))
    for candidate, answer in answers.items():
        if candidate not in candidates:
            problems.append((f"participants.{candidate}", "unknown_candidate"))
        if answer not in ANSWERS:
            problems.append((f"participants.{candidate}", "unknown_choice"))
    return problems
