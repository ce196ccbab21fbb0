"""Read side of results transparency: a station's full history and the public feed.

Acceptance order and times come from the ledger (``protocol.accept`` events), the
one append-only record of what happened when. Nothing here holds personal data:
versions name their source and deciding decision, never the operator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.db.models import Count, DateTimeField, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission, Decision
from psephos.commissions.selectors import station_commission_get
from psephos.core.errors import NotFound, ValidationFailed
from psephos.core.expressions import Later
from psephos.ledger.models import Event
from psephos.ledger.rules.hashing import digest
from psephos.results.enums import ProtocolStatus
from psephos.results.models import (
    Protocol,
    ProtocolAttachment,
    ProtocolVersion,
    ProtocolVote,
)

if TYPE_CHECKING:
    from psephos.elections.models import Election

FEED_LIMIT = 500


def decision_dict(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "commission": decision.commission.code,
        "number": decision.number,
        "date": decision.date.isoformat(),
        "reasons": decision.reasons,
        "votes_for": decision.votes_for,
        "votes_against": decision.votes_against,
    }


def version_digest(version: ProtocolVersion, votes: dict[str, int]) -> str:
    """The SHA-256 of the version's canonical figures (stored digest when present)."""
    return version.digest or digest({"lines": version.lines_dict(), "votes": votes})


def _versions_many(protocols: list[Protocol]) -> dict[int, list[dict[str, Any]]]:
    """Every version of each protocol, oldest first, keyed by protocol id (two queries)."""
    ids = [p.pk for p in protocols]
    current = {p.pk: p.current_id for p in protocols}
    versions = list(
        ProtocolVersion.objects.filter(protocol_id__in=ids)
        .select_related("decision__commission")
        .order_by("protocol_id", "number")
    )
    votes: dict[int, dict[str, int]] = {}
    for vid, key, n in ProtocolVote.objects.filter(version__protocol_id__in=ids).values_list(
        "version_id", "option__key", "votes"
    ):
        votes.setdefault(vid, {})[key] = n
    out: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for v in versions:
        vv = votes.get(v.pk, {})
        out[v.protocol_id].append(
            {
                "number": v.number,
                "source": v.source,
                "source_label": str(v.get_source_display()),
                "created_at": v.created_at.isoformat(),
                "current": current[v.protocol_id] == v.pk,
                "decision": decision_dict(v.decision),
                "digest": version_digest(v, vv),
                "lines": v.lines_dict(),
                "votes": vv,
            }
        )
    return out


def _versions(protocol: Protocol) -> list[dict[str, Any]]:
    return _versions_many([protocol])[protocol.pk]


def _version_at(versions: list[dict[str, Any]], when: dt.datetime) -> int | None:
    """Return the number of the version that was the latest when ``when`` came (the one a
    photo uploaded then shows), or None if none had been recorded yet."""
    numbers = [v["number"] for v in versions if dt.datetime.fromisoformat(v["created_at"]) <= when]
    return numbers[-1] if numbers else None


def station_events(*, election: Election, code: str) -> list[Event]:
    return list(Event.objects.filter(object_key=f"{election.key}/{code}").order_by("seq"))


def station_detail(*, election: Election, code: str) -> dict[str, Any]:
    """Everything public about one station's protocol: status, versions, decisions, events."""
    commission = station_commission_get(geography_id=election.geography_id, code=code)
    protocol = (
        Protocol.objects.select_related("cancel_decision__commission")
        .filter(election=election, commission=commission)
        .first()
    )
    events = station_events(election=election, code=code)
    accepted = next((e for e in events if e.action == "protocol.accept"), None)
    attachments = ProtocolAttachment.objects.filter(
        election=election, commission=commission
    ).order_by("pk")
    versions = _versions(protocol) if protocol else []
    return {
        "election": election.key,
        "station": code,
        "tec": commission.parent.code if commission.parent else None,
        "status": protocol.status if protocol else ProtocolStatus.DRAFT,
        "submitted_at": protocol.submitted_at.isoformat()
        if protocol and protocol.submitted_at
        else None,
        "accepted_at": accepted.at.isoformat() if accepted else None,
        "current_version": _current_number(protocol),
        "cancel_decision": decision_dict(protocol.cancel_decision) if protocol else None,
        "versions": versions,
        "attachments": [
            {
                "sha256": a.sha256,
                "content_type": a.content_type,
                "size": a.size,
                "created_at": a.created_at.isoformat(),
                "version": _version_at(versions, a.created_at),
            }
            for a in attachments
        ],
        "events": [
            {"seq": e.seq, "action": e.action, "at": e.at.isoformat(), "hash": e.hash}
            for e in events
        ],
    }


def _current_number(protocol: Protocol | None) -> int | None:
    if protocol is None or protocol.current_id is None:
        return None
    return (
        ProtocolVersion.objects.filter(pk=protocol.current_id)
        .values_list("number", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Since:
    seq: int | None = None
    at: dt.datetime | None = None


def since_parse(text: str | None) -> Since:
    """Parse ``since``: a ledger sequence number or an ISO 8601 time with a zone."""
    if text is None or text == "":
        return Since()
    if text.isdigit():
        return Since(seq=int(text))
    at = None
    try:
        at = parse_datetime(text)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise ValidationFailed(
            _(
                "“since” must be a ledger sequence number or an ISO 8601 time with a zone, "
                "e.g. 2022-11-20T20:00:00+05:00; got “%(value)s”."
            )
            % {"value": text[:64]},
            data={"errors": [{"field": "since", "value": text[:64]}]},
        )
    return Since(at=at)


FEED_ACTIONS = ("protocol.accept", "protocol.correct", "protocol.recount", "protocol.cancel")


def feed(*, election: Election, since: Since, limit: int = FEED_LIMIT) -> dict[str, Any]:
    """Protocols accepted after ``since``, in acceptance (ledger) order, with their versions.

    ``items`` holds each station's acceptance; ``changes`` the corrections, recounts
    and cancellations of accepted protocols after ``since``, in ledger order, each with
    the station's whole history, so a client polling with ``since=next_since`` misses
    nothing. At most ``limit`` events are read; ``next_since`` is the sequence number
    of the last one (pass it next time).
    """
    events = Event.objects.filter(
        action__in=FEED_ACTIONS, object_key__startswith=f"{election.key}/"
    )
    if since.seq is not None:
        events = events.filter(seq__gt=since.seq)
    if since.at is not None:
        events = events.filter(at__gt=since.at)
    rows = list(events.order_by("seq")[:limit])
    codes = sorted({e.object_key.split("/", 1)[1] for e in rows})
    protocols = {
        p.commission.code: p
        for p in Protocol.objects.filter(
            Q(election=election) & Q(commission__code__in=codes)
        ).select_related("commission", "cancel_decision__commission")
    }
    accepted_at = dict(
        Event.objects.filter(
            action="protocol.accept",
            object_key__in=[f"{election.key}/{c}" for c in codes],
        )
        .order_by("-seq")
        .values_list("object_key", "at")
    )
    history = _versions_many(list(protocols.values()))
    items: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for e in rows:
        code = e.object_key.split("/", 1)[1]
        p = protocols.get(code)
        if p is None:
            continue
        first = accepted_at.get(e.object_key)
        entry = {
            "seq": e.seq,
            "station": code,
            "accepted_at": first.isoformat() if first else None,
            "status": p.status,
            "cancel_decision": decision_dict(p.cancel_decision),
            "versions": history[p.pk],
        }
        if e.action == "protocol.accept":
            items.append(entry)
        else:
            changes.append({"action": e.action, "at": e.at.isoformat(), **entry})
    return {
        "election": election.key,
        "items": items,
        "changes": changes,
        "next_since": rows[-1].seq if rows else since.seq,
    }


def room(*, election: Election, tec_code: str) -> dict[str, Any]:
    """One TEC's tabulation for the observer room: stations, their status and recent events."""
    from psephos.results.models import ProtocolRefusal

    tec = Commission.objects.filter(
        geography_id=election.geography_id,
        code=tec_code,
        level__in=[CommissionLevel.TEC_REGION, CommissionLevel.TEC_DISTRICT],
    ).first()
    if tec is None:
        raise NotFound(
            _("No territorial commission “%(tec)s”.") % {"tec": tec_code},
            data={"tec": tec_code},
        )
    # A district TEC's stations are its children; a regional TEC's, its districts'.
    pecs = list(
        Commission.objects.filter(Q(parent=tec) | Q(parent__parent=tec), level=CommissionLevel.PEC)
        .order_by("code")
        .values_list("pk", "code")
    )
    codes = [code for _pk, code in pecs]
    protocols = {
        p.commission_id: p
        for p in Protocol.objects.filter(
            election=election, commission_id__in=[pk for pk, _code in pecs]
        ).select_related("current__decision__commission", "cancel_decision__commission")
    }
    refusals: dict[str, int] = {}
    for code in ProtocolRefusal.objects.filter(
        election=election, station_code__in=codes
    ).values_list("station_code", flat=True):
        refusals[code] = refusals.get(code, 0) + 1
    stations = []
    counts = {"expected": len(pecs), "received": 0, "accepted": 0, "returned": 0, "cancelled": 0}
    for pk, code in pecs:
        p = protocols.get(pk)
        status = p.status if p else ProtocolStatus.DRAFT
        if p and status != ProtocolStatus.DRAFT:
            counts["received"] += 1
        if status in (ProtocolStatus.ACCEPTED, ProtocolStatus.RETURNED, ProtocolStatus.CANCELLED):
            counts[status] += 1
        current = p.current if p else None
        stations.append(
            {
                "code": code,
                "status": status,
                "version": current.number if current else None,
                "source": current.source if current else None,
                "decision": decision_dict(current.decision if current else None),
                "cancel_decision": decision_dict(p.cancel_decision) if p else None,
                "refusals": refusals.get(code, 0),
                "checks": "failed"
                if refusals.get(code) and status == ProtocolStatus.DRAFT
                else ("passed" if current else "pending"),
                "valid": current.ballots_valid if current else None,
            }
        )
    keys = [f"{election.key}/{code}" for code in codes]
    events = list(Event.objects.filter(object_key__in=keys).order_by("-seq")[:30])
    done = counts["accepted"] + counts["cancelled"]
    return {
        "tec": tec.code,
        "tec_name": tec.name,
        "stations": stations,
        "counts": counts,
        "percent": round(100 * done / counts["expected"], 1) if counts["expected"] else 0.0,
        "events": [
            {
                "seq": e.seq,
                "action": e.action,
                "station": e.object_key.split("/", 1)[1],
                "at": e.at.isoformat(),
            }
            for e in events
        ],
    }


def manifest_public(*, election: Election) -> dict[str, Any] | None:
    """The election's signed manifest as published, or None before it exists."""
    from psephos.results.models import Manifest

    m = Manifest.objects.filter(election=election).first()
    if m is None:
        return None
    return {
        "manifest": m.body,
        "sha256": m.sha256,
        "signature": m.signature,
        "algorithm": "Ed25519",
        "key_id": m.key_id,
        "public_key": m.public_key,
        "created_at": m.created_at.isoformat(),
        "ledger_seq": m.event_seq,
    }


def attachment_get(*, election: Election, code: str, sha256: str) -> tuple[str, bytes] | None:
    """The content type and bytes of a station's attachment with this SHA-256, or None."""
    row = (
        ProtocolAttachment.objects.filter(
            election=election, commission__code=code, sha256=sha256.lower()
        )
        .values_list("content_type", "storage_name")
        .first()
    )
    if row is None:
        return None
    with default_storage.open(row[1]) as handle:
        return row[0], handle.read()


def protocols_public_within(*, election: Election, hours: int) -> tuple[int, int]:
    """Count the accepted protocols public within ``hours`` of their acceptance, and all.

    A protocol is public when its first ``protocol.accept`` ledger event is written (the
    feed and the station pages read it); its acceptance is the TEC's ``decided_at``.
    Returns (public in time, accepted). One query: the database takes each station's
    earliest ``protocol.accept`` (``MIN(at)`` grouped by ``object_key``, through the
    ``object_key`` index), compares it with the acceptance (``core.expressions.Later``)
    and counts; no event is read into Python.
    """
    first_public = (
        Event.objects.filter(
            action="protocol.accept",
            object_key=Concat(Value(f"{election.key}/"), OuterRef("commission__code")),
        )
        .values("object_key")
        .annotate(first=Min("at"))
        .values("first")
    )
    counts = (
        Protocol.objects.filter(election=election, status=ProtocolStatus.ACCEPTED)
        .exclude(decided_at=None)
        .annotate(first_public=Subquery(first_public, output_field=DateTimeField()))
        .aggregate(
            accepted=Count("pk"),
            in_time=Count(
                "pk", filter=Q(first_public__lte=Later("decided_at", dt.timedelta(hours=hours)))
            ),
        )
    )
    return counts["in_time"], counts["accepted"]
