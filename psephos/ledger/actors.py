"""Who acted, as the public ledger names them.

Every ledger event has an ``actor``: ``user:<id>@<commission code>`` for a person
acting for a commission, ``user:<id>@org:<organisation key>`` for a person acting for
an observer organisation, ``observer:<id>@org:<organisation key>`` for an observer
without an account (one who reports by SMS), ``user:<id>`` for anyone else with an
account, ``public`` for anyone without one, and ``system:<name>`` for psephos itself
(the simulation, a command run by an operator on the server, a scheduled job). Never a
username, a name or an e-mail address: the ledger is public and permanent.
``psephos.ledger.rules.contract`` states the forms as a pattern.

Free text that belongs to an event (a reason, a status note, a complaint's description)
is stored beside the event in the owning app's tables; the payload holds only its
SHA-256 (``text_digest``), so anyone holding the text can prove it is the one recorded.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

_SYSTEM_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,40}$")

#: The actor of work that psephos does by itself, with no operator behind it.
SYSTEM = "system:psephos"

#: The actor of anyone without an account (a citizen filing a complaint).
PUBLIC = "public"


def actor_system(name: str) -> str:
    """Return the actor of a non-human writer, ``system:<name>``.

    ``name`` is a lowercase identifier (``simulate``, ``cli``, ``demo_users``).
    """
    if not _SYSTEM_NAME.match(name):
        raise ValueError(f"not a system actor name: {name!r}")
    return f"system:{name}"


def actor_user(user: Any, *, organisation: str | None = None) -> str:
    """Return the actor of a person: their id and the body they act for, never a name.

    A user bound to a commission acts for it (``user:7@TEC-01``); ``organisation`` names
    the observer organisation an observation act is done for (``user:7@org:odihr``).
    ``None`` or an anonymous user is the public (``public``).
    """
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return PUBLIC
    if organisation:
        return f"user:{user.pk}@org:{organisation}"
    commission = getattr(user, "commission", None) if getattr(user, "commission_id", None) else None
    if commission is not None:
        return f"user:{user.pk}@{commission.code}"
    return f"user:{user.pk}"


def actor_observer(observer: Any) -> str:
    """Return the actor of an observer reporting for their organisation.

    An observer with an account acts as that user for the organisation
    (``user:7@org:odihr``); one without (an SMS reporter) by the observer's id
    (``observer:12@org:odihr``). Never the badge code or the name.
    """
    organisation = observer.organisation.key
    if observer.user_id is not None:
        return f"user:{observer.user_id}@org:{organisation}"
    return f"observer:{observer.pk}@org:{organisation}"


def actor_or_system(user: Any, *, system: str, organisation: str | None = None) -> str:
    """Return ``actor_user(user)`` for a person, else ``system:<system>``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return actor_system(system)
    return actor_user(user, organisation=organisation)


def text_digest(text: str) -> str:
    """Return the SHA-256 (hex) of free text, the only trace of it a ledger payload holds."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
