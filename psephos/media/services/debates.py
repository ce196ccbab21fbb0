"""The CEC-organised debate as a record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.ledger.services.events import event_record

from ..errors import DebateInvalid, KeyTaken
from ..models import Debate, DebateParticipant, Outlet
from ..rules.debate import debate_problems
from ..selectors import candidate_keys
from .items import PROBLEMS

if TYPE_CHECKING:
    from psephos.elections.models import Election


@dataclass(frozen=True, slots=True)
class DebateSpec:
    key: str
    held_at: dt.datetime  # aware
    outlet: str
    answers: dict[str, str] = field(default_factory=dict)  # candidate → what they did


def debate_record(*, election: Election, spec: DebateSpec, actor: str, role: str = "cec") -> Debate:
    """Record a debate: when, on which outlet, each invited candidate and what they did.

    Raises ``DebateInvalid`` naming each field (``rules.debate.debate_problems``) or
    ``KeyTaken``; nothing is stored then. One ``debate.record`` event (key, time,
    outlet and the answers by candidate key).
    """
    with transaction.atomic():
        outlet = Outlet.objects.filter(key=spec.outlet).first()
        problems = debate_problems(
            spec.key, outlet is not None, spec.answers, candidate_keys(election=election)
        )
        if problems or outlet is None:
            raise DebateInvalid(
                _("The debate is refused: %(problems)s.")
                % {"problems": "; ".join(f"{f}: {PROBLEMS[c]}" for f, c in problems)},
                data={"errors": [{"field": f, "code": c} for f, c in problems]},
            )
        if Debate.objects.filter(election=election, key=spec.key).exists():
            raise KeyTaken(
                _("Debate “%(key)s” is recorded already.") % {"key": spec.key},
                data={"debate": spec.key},
            )
        debate = Debate.objects.create(
            election=election, key=spec.key, held_at=spec.held_at, outlet=outlet
        )
        DebateParticipant.objects.bulk_create(
            [
                DebateParticipant(debate=debate, candidate=c, answer=a)
                for c, a in spec.answers.items()
            ]
        )
        event_record(
            actor=actor,
            role=role,
            action="debate.record",
            object_key=f"{election.key}/{spec.key}",
            payload={
                "election": election.key,
                "debate": spec.key,
                "held_at": spec.held_at.isoformat(),
                "outlet": spec.outlet,
                "answers": dict(sorted(spec.answers.items())),
            },
        )
    return debate


def debates_delete(*, election: Election, actor: str, role: str = "cec") -> int:
    """Delete an election's debate records; return how many.

    Used when a simulated election is rebuilt (``psephos simulate --replace``). One
    ``debate.delete`` event per debate.
    """
    with transaction.atomic():
        debates = list(Debate.objects.filter(election=election))
        for debate in debates:
            event_record(
                actor=actor,
                role=role,
                action="debate.delete",
                object_key=f"{election.key}/{debate.key}",
                payload={"election": election.key, "debate": debate.key},
            )
            debate.delete()  # its participants with it
    return len(debates)
