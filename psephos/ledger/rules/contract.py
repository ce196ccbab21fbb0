"""The public ledger's contract on who acted and what a payload may hold.

An actor is ``user:<id>``, ``user:<id>@<commission code>``, ``user:<id>@org:<key>``,
``observer:<id>@org:<key>``, ``system:<name>`` or ``public`` (``psephos.ledger.actors`` builds them). A payload holds
keys, codes, numbers, digests and ISO dates and times: never free text (a reason, a note,
a description) and never a person's name or username, because the ledger is public and
nothing written to it can be erased.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from datetime import date, datetime, time
from typing import Any

ACTOR = re.compile(
    r"^(?:public"
    r"|system:[a-z][a-z0-9_.-]{0,40}"
    r"|observer:[1-9][0-9]*@org:[a-z0-9][a-z0-9_.-]*"
    r"|user:[1-9][0-9]*(?:@org:[a-z0-9][a-z0-9_.-]*|@[A-Za-z0-9][A-Za-z0-9_.-]*)?)$"
)

#: A key, a code, a status, an identifier or a short token: no whitespace, bounded length.
_TOKEN = re.compile(r"^\S{0,64}$")
#: A digest, a key or a signature: SHA-256/512 in hex, or 32 or 64 bytes in base64.
_DIGEST = re.compile(
    r"^(?:[0-9a-f]{64}|[0-9a-f]{128}|[A-Za-z0-9+/_-]{43}=?|[A-Za-z0-9+/_-]{86}(?:==)?)$"
)


def actor_valid(actor: str) -> bool:
    """Return whether ``actor`` is one of the actor forms of the ledger."""
    return bool(ACTOR.match(actor))


def _is_iso_moment(text: str) -> bool:
    """Return whether ``text`` is an ISO 8601 date, time or date and time."""
    for parse in (datetime.fromisoformat, date.fromisoformat, time.fromisoformat):
        try:
            parse(text)
        except ValueError:
            continue
        return any(c.isdigit() for c in text)
    return False


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Yield (path, text) for every string in a payload, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield f"{path}.<key>", key
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def payload_problems(payload: dict[str, Any], *, names: Set[str] = frozenset()) -> list[str]:
    """Return what breaks the contract in ``payload``: free text or a person's name.

    A string is accepted when it is a token (no whitespace, at most 64 characters; empty), a
    hex or base64 digest, or an ISO date/time; it is refused when it equals one of
    ``names`` (the usernames and full names of the users that exist).
    """
    problems = []
    for path, text in _strings(payload, "payload"):
        if text in names:
            problems.append(f"{path} is a user's name: {text!r}")
        elif not (_TOKEN.match(text) or _DIGEST.match(text) or _is_iso_moment(text)):
            problems.append(f"{path} is free text: {text[:80]!r}")
    return problems
