"""Free airtime: the slots outlets offer, and the draw by commit-reveal (``rules.draw``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.commissions.rules.decisions import DecisionReview, DecisionVote
from psephos.commissions.selectors import commission_top_get, decision_get
from psephos.commissions.services import decision_confirm, decision_propose
from psephos.core import clock
from psephos.elections.selectors import election_decision_quorum, election_profile
from psephos.ledger.actors import actor_user
from psephos.ledger.services.events import event_record

from ..enums import BROADCAST, BroadcastSource
from ..errors import (
    BroadcastFileInvalid,
    DrawCommitted,
    DrawDecisionInvalid,
    DrawDone,
    DrawNotCommitted,
    DrawSeedMismatch,
    SlotInvalid,
)
from ..models import AdRate, AirtimeDraw, AirtimeSlot, Broadcast, Outlet, PaidAd
from ..rules.airtime import broadcasts_read
from ..rules.coding import Problem
from ..rules.draw import allocate, commitment, inputs_digest, slots_read
from ..selectors import candidate_keys, draw_inputs, slot_frames
from .items import file_refuse

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Decision, Session
    from psephos.elections.models import Election

DRAW_ACTION = "airtime_draw"

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SEED = re.compile(r"^\S{1,64}$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class SlotSpec:
    key: str
    outlet: str
    starts_at: dt.datetime  # aware
    seconds: int | None = None
    articles: int | None = None


def slots_offer(*, election: Election, slots: list[SlotSpec], actor: str, role: str = "cec") -> int:
    """Record the slots outlets offer, all or nothing; return how many.

    Refused once the draw's commitment is published (``DrawCommitted``: the inputs are
    fixed), and for an unknown outlet, a taken or malformed key, or a volume that does
    not fit the medium (seconds for TV and radio, articles for print and online):
    ``SlotInvalid`` with each slot and field. One ``airtime_slots.offer`` event.
    """
    with transaction.atomic():
        if AirtimeDraw.objects.filter(election=election).exists():
            raise DrawCommitted(
                _("The draw's commitment is published; no slot can be offered any more."),
                data={"election": election.key},
            )
        outlets = dict(Outlet.objects.values_list("key", "medium"))
        taken = set(AirtimeSlot.objects.filter(election=election).values_list("key", flat=True))
        errors: list[dict[str, str]] = []
        for s in slots:
            medium = outlets.get(s.outlet)
            if not _KEY.match(s.key) or s.key in taken:
                errors.append({"slot": s.key, "field": "key", "code": "taken_or_malformed"})
            taken.add(s.key)
            if medium is None:
                errors.append({"slot": s.key, "field": "outlet", "code": "unknown_outlet"})
            elif medium in BROADCAST and not (s.seconds and s.articles is None):
                errors.append({"slot": s.key, "field": "seconds", "code": "volume_missing"})
            elif medium not in BROADCAST and not (s.articles and s.seconds is None):
                errors.append({"slot": s.key, "field": "articles", "code": "volume_missing"})
        if errors or not slots:
            raise SlotInvalid(
                _("The slots are refused: %(count)d problem(s); nothing was stored.")
                % {"count": len(errors) or 1},
                data={"errors": errors or [{"slot": "", "field": "*", "code": "empty"}]},
            )
        ids = dict(
            Outlet.objects.filter(key__in={s.outlet for s in slots}).values_list("key", "id")
        )
        AirtimeSlot.objects.bulk_create(
            [
                AirtimeSlot(
                    election=election,
                    key=s.key,
                    outlet_id=ids[s.outlet],
                    starts_at=s.starts_at,
                    seconds=s.seconds,
                    articles=s.articles,
                )
                for s in slots
            ]
        )
        event_record(
            actor=actor,
            role=role,
            action="airtime_slots.offer",
            object_key=election.key,
            payload={"election": election.key, "slots": sorted(s.key for s in slots)},
        )
    return len(slots)


def slots_import(
    *,
    election: Election,
    data: bytes,
    file_name: str,
    actor: str,
    role: str = "cec",
    timezone: str = "",
) -> int:
    """Record the slots of a CSV (``rules.draw.slots_read``), all or nothing; return how many.

    Times without an offset are local in ``timezone`` (default: the election's). A file
    with problems raises ``SlotInvalid`` listing each with line and column; then
    ``slots_offer``'s checks and its one event. ``psephos media slots`` and the
    simulation both come here.
    """
    rows, problems = slots_read(data, timezone or election.geography.timezone)
    if problems:
        file_refuse(SlotInvalid, file_name, [Problem(n, c, code) for n, c, code in problems])
    return slots_offer(
        election=election,
        slots=[SlotSpec(r.key, r.outlet, r.starts_at, r.seconds, r.articles) for r in rows],
        actor=actor,
        role=role,
    )


def draw_commit(
    *, election: Election, commitment_sha256: str, actor: str, role: str = "cec"
) -> AirtimeDraw:
    """Publish the draw's commitment (SHA-256 of the seed) and fix its inputs.

    Raises ``SlotInvalid`` (field ``commitment``) for a value that is not 64 lowercase
    hex digits or when no slot is offered or no candidate stands, and ``DrawCommitted``
    when a commitment exists already. One ``airtime_draw.commit`` event with the
    commitment and the inputs' SHA-256.
    """
    if not _HEX64.match(commitment_sha256):
        raise SlotInvalid(
            _("The commitment is the seed's SHA-256: 64 lowercase hexadecimal digits."),
            data={"errors": [{"slot": "", "field": "commitment", "code": "not_sha256"}]},
        )
    candidates = candidate_keys(election=election)
    with transaction.atomic():
        slots = draw_inputs(election=election)
        if not slots or not candidates:
            raise SlotInvalid(
                _("A draw needs offered slots and candidates."),
                data={"errors": [{"slot": "", "field": "*", "code": "empty"}]},
            )
        try:
            with transaction.atomic():
                draw = AirtimeDraw.objects.create(
                    election=election,
                    commitment=commitment_sha256,
                    inputs_sha256=inputs_digest(candidates, slots),
                    candidates=candidates,
                    committed_at=clock.now(),
                )
        except IntegrityError:
            raise DrawCommitted(
                _("The draw of %(election)s has its commitment already.")
                % {"election": election.key},
                data={"election": election.key},
            ) from None
        event_record(
            actor=actor,
            role=role,
            action="airtime_draw.commit",
            object_key=election.key,
            payload={
                "election": election.key,
                "commitment": draw.commitment,
                "inputs_sha256": draw.inputs_sha256,
                "candidates": candidates,
                "slots": len(slots),
            },
        )
    return draw


def _draw_ready(election: Election, seed: str) -> AirtimeDraw:
    """Return the election's draw, locked, when ``seed`` may run it; raise otherwise."""
    draw = AirtimeDraw.objects.select_for_update().filter(election=election).first()
    if draw is None:
        raise DrawNotCommitted(
            _("The draw of %(election)s cannot run before its commitment is published.")
            % {"election": election.key},
            data={"election": election.key},
        )
    if draw.drawn_at is not None:
        raise DrawDone(
            _("The draw of %(election)s was run at %(at)s; it is never run twice.")
            % {"election": election.key, "at": draw.drawn_at.isoformat()},
            data={"election": election.key},
        )
    if not _SEED.match(seed) or commitment(seed) != draw.commitment:
        raise DrawSeedMismatch(
            _("The seed's SHA-256 is not the published commitment %(commitment)s.")
            % {"commitment": draw.commitment},
            data={"field": "seed"},
        )
    return draw


def draw_run(
    *, election: Election, seed: str, actor: str, role: str = "cec", decision: str = ""
) -> dict[str, str]:
    """Run the draw with the revealed seed; return slot key → candidate.

    Preconditions: the commitment is published (else ``DrawNotCommitted``), the draw has
    not run (else ``DrawDone``), SHA-256(seed) is the commitment (else
    ``DrawSeedMismatch``, field ``seed``). Side effects: each slot's candidate, the seed,
    time and the CEC decision's number (``decision``, when the commission decided it:
    ``draw_confirm``) stored; one ``airtime_draw.run`` event with the seed and the
    allocation's SHA-256. Nothing changes on a refusal.
    """
    with transaction.atomic():
        draw = _draw_ready(election, seed)
        allocation = allocate(seed, draw.candidates, draw_inputs(election=election))
        for slot in AirtimeSlot.objects.filter(election=election):
            slot.candidate = allocation[slot.key]
            slot.save(update_fields=["candidate"])
        draw.seed = seed
        draw.drawn_at = clock.now()
        draw.decision = decision
        draw.save(update_fields=["seed", "drawn_at", "decision"])
        event_record(
            actor=actor,
            role=role,
            action="airtime_draw.run",
            object_key=election.key,
            payload={
                "election": election.key,
                "seed": seed,
                "allocation_sha256": allocation_digest(allocation),
                "decision": decision,
            },
        )
    return allocation


def draw_propose(
    *,
    election: Election,
    user: User,
    seed: str,
    number: str,
    decided_on: dt.date,
    vote: DecisionVote,
    reasons: str,
    document: bytes,
    session: Session | None = None,
) -> Decision:
    """Propose the CEC's decision to run the draw with the seed revealed at its session.

    A formal decision (``commissions.decision_propose``: ``user`` operates the CEC, the
    vote is valid against its membership on ``decided_on``, the signed document is
    kept by its SHA-256). The draw must be ready for ``seed`` (as ``draw_run`` checks);
    nothing is allocated until another CEC operator confirms it (``draw_confirm``). With
    ``session`` the decision is adopted at that open session of the CEC, else outside one.
    Raises ``DrawNotCommitted``, ``DrawDone``, ``DrawSeedMismatch``, ``PermissionDenied``,
    ``DecisionNotValid`` or ``DecisionNumberTaken``; nothing is written then.
    """
    with transaction.atomic():
        _draw_ready(election, seed)
    return decision_propose(
        user=user,
        commission=commission_top_get(geography=election.geography),
        number=number,
        on=decided_on,
        title=_("Free airtime draw of “%(key)s”") % {"key": election.key},
        reasons=reasons,
        vote=vote,
        quorum=election_decision_quorum(election=election),
        document=document,
        action={"kind": DRAW_ACTION, "election": election.key, "seed": seed},
        session=session,
    )


def draw_confirm(*, election: Election, user: User, number: str) -> dict[str, str]:
    """Confirm the CEC's pending draw decision No. ``number`` and run the draw it decided.

    ``user`` is the second pair of eyes (``commissions.decision_confirm``); the draw then
    runs in the same transaction with the decided seed, its event citing the decision.
    Raises ``NotFound``, ``DrawDecisionInvalid``, ``DecisionNeedsAnotherOperator``,
    ``DecisionNotPending`` or the draw's refusals; the decision stays pending then.
    """
    cec = commission_top_get(geography=election.geography)
    decision = decision_get(geography=election.geography, commission_code=cec.code, number=number)
    action = decision.action
    if action.get("kind") != DRAW_ACTION or action.get("election") != election.key:
        raise DrawDecisionInvalid(
            _("Decision No. %(number)s decides no airtime draw of “%(key)s”.")
            % {"number": number, "key": election.key},
            data={"number": number, "election": election.key},
        )
    review = DecisionReview(election_profile(election=election).decision_review)
    with transaction.atomic():
        decision_confirm(user=user, decision=decision, review=review)
        return draw_run(
            election=election,
            seed=str(action["seed"]),
            actor=actor_user(user),
            role=user.role,
            decision=number,
        )


def allocation_digest(allocation: dict[str, str]) -> str:
    """Return the SHA-256 of an allocation in canonical JSON (slot key → candidate)."""
    text = json.dumps(allocation, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def broadcasts_record(
    *,
    election: Election,
    data: bytes,
    file_name: str,
    source: str,
    actor: str,
    role: str = "cec",
) -> int:
    """Record free airtime as aired in drawn slots from a CSV, all or nothing; return how many.

    ``source`` is who recorded it: ``outlet`` or ``monitor`` (each records a slot once).
    Every line is checked (``rules.airtime.broadcasts_read``) before anything is written;
    ``BroadcastFileInvalid`` lists every problem with line and column. One
    ``airtime_broadcasts.record`` event with the slots and the file's SHA-256.
    """
    if source not in BroadcastSource.values:
        file_refuse(BroadcastFileInvalid, file_name, [Problem(1, "source", "unknown_choice")])
    with transaction.atomic():
        frames = {f.key: f for f in slot_frames(election=election)}
        recorded = frozenset(
            Broadcast.objects.filter(slot__election=election, source=source).values_list(
                "slot__key", flat=True
            )
        )
        rows, problems = broadcasts_read(
            data,
            election.geography.timezone,
            frames,
            frozenset(candidate_keys(election=election)),
            recorded,
        )
        if problems:
            file_refuse(BroadcastFileInvalid, file_name, problems)
        ids = dict(AirtimeSlot.objects.filter(election=election).values_list("key", "id"))
        Broadcast.objects.bulk_create(
            [
                Broadcast(
                    slot_id=ids[r.slot],
                    source=source,
                    candidate=r.candidate,
                    aired_at=r.aired_at,
                    seconds=r.seconds,
                    articles=r.articles,
                )
                for r in rows
            ]
        )
        event_record(
            actor=actor,
            role=role,
            action="airtime_broadcasts.record",
            object_key=election.key,
            payload={
                "election": election.key,
                "source": source,
                "slots": sorted(r.slot for r in rows),
                "sha256": hashlib.sha256(data).hexdigest(),
            },
        )
    return len(rows)


def airtime_delete(*, election: Election, actor: str, role: str = "cec") -> int:
    """Delete an election's free airtime and paid advertising records; return the slots
    deleted (their draw, broadcasts, the rates and ads with them).

    Used when a simulated election is rebuilt (``psephos simulate --replace``). One
    ``airtime.delete`` event with the counts.
    """
    with transaction.atomic():
        counts = {
            "broadcasts": Broadcast.objects.filter(slot__election=election).delete()[0],
            "slots": AirtimeSlot.objects.filter(election=election).delete()[0],
            "draws": AirtimeDraw.objects.filter(election=election).delete()[0],
            "ads": PaidAd.objects.filter(election=election).delete()[0],
            "rates": AdRate.objects.filter(election=election).delete()[0],
        }
        event_record(
            actor=actor,
            role=role,
            action="airtime.delete",
            object_key=election.key,
            payload={"election": election.key, **counts},
        )
    return counts["slots"]
