"""Incident case management: report, verify or reject, escalate, resolve; evidence by digest."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import Conflict, PermissionDenied, ValidationFailed
from psephos.ledger.actors import actor_observer, actor_user, text_digest
from psephos.ledger.services.events import event_record

from ..access import membership_get
from ..enums import IncidentStatus, MembershipRole
from ..models import Incident, IncidentStep, Observer
from .places import place_station

if TYPE_CHECKING:
    from psephos.elections.models import Election

CATEGORIES = (
    "ballot_stuffing",
    "multiple_voting",
    "group_voting",
    "intimidation",
    "vote_buying",
    "observer_obstructed",
    "secrecy_violation",
    "protocol_irregularity",
    "other",
)
TRANSITIONS = {
    IncidentStatus.REPORTED: {IncidentStatus.VERIFIED, IncidentStatus.REJECTED},
    IncidentStatus.VERIFIED: {IncidentStatus.ESCALATED, IncidentStatus.RESOLVED},
    IncidentStatus.ESCALATED: {IncidentStatus.RESOLVED},
}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


# The longest description stored: ten thousand characters are pages of text, and a
# limit keeps one report from filling the database (issue 16).
MAX_DESCRIPTION = 10_000


def evidence_dir() -> Path:
    return Path(settings.PSEPHOS_KEY_DIR).parent / "observation-evidence"


def incident_report(
    *,
    observer: Observer,
    election: Election,
    category: str,
    description: str,
    station_code: str = "",
    occurred_at: dt.datetime | None = None,
    photos: list[bytes] | None = None,
) -> Incident:
    """Open a case with the next number of the organisation; photos are stored by SHA-256."""
    problems = []
    if category not in CATEGORIES:
        problems.append({"where": "category", "message": f"use one of {', '.join(CATEGORIES)}"})
    if not description.strip():
        problems.append({"where": "description", "message": "required"})
    elif len(description.strip()) > MAX_DESCRIPTION:
        problems.append(
            {
                "where": "description",
                "message": _("The description has more than 10,000 characters."),
            }
        )
    for i, photo in enumerate(photos or []):
        if len(photo) > MAX_EVIDENCE_BYTES:
            problems.append({"where": f"photos[{i}]", "message": "larger than 10 MB"})
    if problems:
        raise ValidationFailed(_("The incident report has problems."), data={"errors": problems})
    station = place_station(election=election, code=station_code) if station_code else None
    digests = []
    for photo in photos or []:
        digest = hashlib.sha256(photo).hexdigest()
        digests.append(digest)
    for attempt in range(3):
        try:
            with transaction.atomic():
                number = (
                    Incident.objects.filter(organisation=observer.organisation).aggregate(
                        n=Max("number")
                    )["n"]
                    or 0
                ) + 1
                incident = Incident.objects.create(
                    election=election,
                    organisation=observer.organisation,
                    number=number,
                    observer=observer,
                    station=station,
                    category=category,
                    occurred_at=occurred_at or clock.now(),
                    description=description.strip(),
                    evidence=digests,
                    created_at=clock.now(),
                )
                event_record(
                    actor=actor_observer(observer),
                    role="observer",
                    action="observation.incident.report",
                    object_key=f"observation/{observer.organisation.key}/incident/{number}",
                    payload={"category": category, "station": station_code, "evidence": digests},
                )
            break
        except IntegrityError:
            if attempt == 2:
                raise
    # Files are written after commit: content-addressed, so a retry rewrites the same bytes.
    folder = evidence_dir()
    for photo, digest in zip(photos or [], digests, strict=True):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / digest
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(photo)
    return incident


def incident_transition(
    *, incident: Incident, status: str, actor: Any, escalated_to: str = "", note: str = ""
) -> Incident:
    """Move a case along reported → verified/rejected → escalated → resolved.

    Only the organisation's admins and coordinators decide. Escalation names the
    body it went to (e.g. the TEC, or a complaint filed in psephos). The note and the
    body escalated to are free text: they are stored in an ``IncidentStep`` beside the
    step's ledger event, whose payload holds only their SHA-256.
    """
    membership = membership_get(actor, incident.organisation)
    if membership is None or membership.role not in (
        MembershipRole.ADMIN,
        MembershipRole.COORDINATOR,
    ):
        raise PermissionDenied(
            _("Only the organisation's coordinators and admins handle incidents."),
            data={"incident": incident.number},
        )
    if status == IncidentStatus.ESCALATED and not escalated_to.strip():
        raise ValidationFailed(
            _("Say where the incident was escalated."),
            data={"errors": [{"where": "escalated_to", "message": "required"}]},
        )
    with transaction.atomic():
        current = Incident.objects.select_for_update().get(pk=incident.pk)
        if status not in TRANSITIONS.get(IncidentStatus(current.status), set()):
            raise Conflict(
                _("An incident that is “%(old)s” cannot become “%(new)s”.")
                % {"old": current.status, "new": status},
                data={"incident": current.number, "status": current.status},
            )
        current.status = status
        if escalated_to:
            current.escalated_to = escalated_to.strip()[:200]
        current.save(update_fields=["status", "escalated_to"])
        note = note.strip()[:1000]
        event = event_record(
            actor=actor_user(actor, organisation=current.organisation.key),
            role="observation",
            action=f"observation.incident.{status}",
            object_key=f"observation/{current.organisation.key}/incident/{current.number}",
            payload={
                "status": status,
                "escalated_to_sha256": text_digest(current.escalated_to),
                "note_sha256": text_digest(note),
            },
        )
        IncidentStep.objects.create(
            incident=current,
            status=status,
            escalated_to=current.escalated_to,
            note=note,
            decided_by=actor,
            at=event.at,
            event_seq=event.seq,
        )
    return current


def incident_complaint_url(incident: Incident) -> str:
    """Return the link that opens the complaint form prefilled from the incident."""
    station = incident.station.code if incident.station_id and incident.station else ""
    query = urlencode(
        {
            "election": incident.election.key,
            "station": station,
            "subject": f"Observer incident {incident.organisation.key}-{incident.number}: {incident.category}",
        }
    )
    return f"/complaints/file/?{query}"
