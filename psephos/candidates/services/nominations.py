"""Nominating bodies and nominations: register a body, submit and withdraw a nomination."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import Conflict, ValidationFailed
from psephos.elections.calendar_selectors import election_calendar_for
from psephos.ledger.services.events import event_record
from psephos.territory.selectors import regions_list

from ..enums import BodyKind, NominationStatus
from ..errors import BodyNotEligible, NominationOutsideWindow, NominationState, NominationTaken
from ..models import (
    Assessment,
    BodyOffice,
    NominatingBody,
    Nomination,
    NominationDocument,
    NominationProxy,
    RegistrationDecision,
    SheetIssue,
    SignatureImport,
    SignatureLine,
    SignatureSheet,
    SignatureTally,
)
from ..profile import candidate_profile

if TYPE_CHECKING:
    from psephos.elections.models import Election


@dataclass(frozen=True, slots=True)
class NomineeSpec:
    key: str
    names: tuple[str, str, str]  # English, Kazakh, Russian
    sex: str  # "M" or "F"
    birth_date: dt.date
    decided_on: dt.date  # the body's nominating decision
    incumbent: bool = False


def body_register(
    *,
    key: str,
    kind: str,
    names: tuple[str, str, str],
    registration_number: str,
    registered_on: dt.date,
    offices: dict[str, dt.date],
    actor: str,
    role: str = "cec",
) -> NominatingBody:
    """Register a nominating body with its offices (first-level unit code → registration date).

    Raises ``Conflict`` when the key is taken and ``ValidationFailed`` for an unknown kind.
    Writes one ``body.register`` event.
    """
    if kind not in BodyKind.values:
        raise ValidationFailed(
            _("Unknown kind of nominating body “%(kind)s”; expected one of: %(known)s.")
            % {"kind": kind, "known": ", ".join(BodyKind.values)},
            data={"field": "kind"},
        )
    with transaction.atomic():
        if NominatingBody.objects.filter(key=key).exists():
            raise Conflict(
                _("Nominating body “%(key)s” already exists.") % {"key": key}, data={"body": key}
            )
        body = NominatingBody.objects.create(
            key=key,
            kind=kind,
            name_en=names[0],
            name_kk=names[1],
            name_ru=names[2],
            registration_number=registration_number,
            registered_on=registered_on,
        )
        BodyOffice.objects.bulk_create(
            [
                BodyOffice(body=body, unit_code=u, registered_on=d)
                for u, d in sorted(offices.items())
            ]
        )
        event_record(
            actor=actor,
            role=role,
            action="body.register",
            object_key=key,
            payload={"body": key, "kind": kind, "offices": sorted(offices)},
        )
    return body


def _window_check(election: Election, at: dt.datetime) -> None:
    calendar = election_calendar_for(election, called=election.called_on)
    try:
        event = calendar.get("nomination")
    except KeyError:
        raise NominationOutsideWindow(
            _("Election “%(key)s” has no nomination period.") % {"key": election.key},
            data={"election": election.key},
        ) from None
    zone = ZoneInfo(calendar.timezone)
    opens = dt.datetime.combine(event.start, event.start_time or dt.time(0), zone)
    closes = dt.datetime.combine(
        event.last_day, event.end_time or dt.time(23, 59, 59, 999999), zone
    )
    if not opens <= at < closes:
        raise NominationOutsideWindow(
            _("Nominations are accepted from %(opens)s to %(closes)s; it is now %(now)s.")
            % {
                "opens": opens.isoformat(timespec="minutes"),
                "closes": closes.isoformat(timespec="minutes"),
                "now": at.astimezone(zone).isoformat(timespec="minutes"),
            },
            data={"opens": opens.isoformat(), "closes": closes.isoformat()},
        )


def nomination_submit(
    *,
    election: Election,
    body: NominatingBody,
    nominee: NomineeSpec,
    documents: list[Path],
    actor: str,
    role: str = "cec",
) -> Nomination:
    """Record a body's nominee, submitted now, with the documents' SHA-256.

    Preconditions: the profile has candidates; now is inside the calendar's nomination
    period; the body has offices in more than half of the map's first-level units
    (kazakhstan-rules.md §4, [P] fn44) registered by the nominating decision; the body
    has no other nominee still standing. Raises ``NoCandidates``,
    ``NominationOutsideWindow``, ``BodyNotEligible``, ``NominationTaken``, ``Conflict``
    (key taken). Writes the nomination, its documents and one ``nomination.submit`` event.
    """
    candidate_profile(election)
    at = clock.now()
    _window_check(election, at)
    regions = {u.code for u in regions_list(geography_id=election.geography_id)}
    offices = {
        o.unit_code
        for o in body.offices.all()
        if o.unit_code in regions and o.registered_on <= nominee.decided_on
    }
    if len(offices) * 2 <= len(regions):
        raise BodyNotEligible(
            _(
                "“%(body)s” has registered offices in %(offices)d of %(regions)d units; "
                "a nominating body needs more than half."
            )
            % {"body": body.key, "offices": len(offices), "regions": len(regions)},
            data={"body": body.key, "offices": len(offices), "regions": len(regions)},
        )
    attachments = [
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size) for p in documents
    ]
    try:
        with transaction.atomic():
            if Nomination.objects.filter(election=election, key=nominee.key).exists():
                raise Conflict(
                    _("Nominee “%(key)s” already exists in this election.") % {"key": nominee.key},
                    data={"nominee": nominee.key},
                )
            nomination = Nomination.objects.create(
                election=election,
                body=body,
                key=nominee.key,
                name_en=nominee.names[0],
                name_kk=nominee.names[1],
                name_ru=nominee.names[2],
                sex=nominee.sex,
                birth_date=nominee.birth_date,
                incumbent=nominee.incumbent,
                decided_on=nominee.decided_on,
                submitted_at=at,
            )
            NominationDocument.objects.bulk_create(
                [
                    NominationDocument(
                        nomination=nomination, kind=p.stem, file_name=n, sha256=h, size=s
                    )
                    for p, (n, h, s) in zip(documents, attachments, strict=True)
                ]
            )
            event_record(
                actor=actor,
                role=role,
                action="nomination.submit",
                object_key=f"{election.key}/{nominee.key}",
                payload={
                    "election": election.key,
                    "nominee": nominee.key,
                    "body": body.key,
                    "documents": sorted(h for _n, h, _s in attachments),
                },
            )
    except IntegrityError:
        raise NominationTaken(
            _(
                "“%(body)s” already has a nominee in election “%(key)s”; one body nominates one candidate."
            )
            % {"body": body.key, "key": election.key},
            data={"body": body.key, "election": election.key},
        ) from None
    return nomination


def nomination_withdraw(*, nomination: Nomination, actor: str, role: str = "cec") -> Nomination:
    """Withdraw a nominee not yet decided on (submitted, eligible or registered).

    Raises ``NominationState`` otherwise. Writes one ``nomination.withdraw`` event.
    """
    allowed = {NominationStatus.SUBMITTED, NominationStatus.ELIGIBLE, NominationStatus.REGISTERED}
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.status not in allowed:
            raise state_refused(locked, _("withdrawal"))
        locked.status = NominationStatus.WITHDRAWN
        locked.withdrawn_at = clock.now()
        locked.save(update_fields=["status", "withdrawn_at"])
        event_record(
            actor=actor,
            role=role,
            action="nomination.withdraw",
            object_key=f"{locked.election.key}/{locked.key}",
            payload={"election": locked.election.key, "nominee": locked.key},
        )
    return locked


def state_refused(nomination: Nomination, action: str) -> NominationState:
    """Return the error for an action the nomination's status does not allow."""
    return NominationState(
        _("Nominee “%(key)s” is %(status)s: %(action)s is not possible.")
        % {
            "key": nomination.key,
            "status": NominationStatus(nomination.status).label,
            "action": action,
        },
        data={"nominee": nomination.key, "status": nomination.status},
    )


def election_nominations_delete(*, election_key: str, actor: str, role: str = "cec") -> int:
    """Delete every nomination of an election with its records (a simulation replaced).

    Its documents, assessments, signature files, sheets (issued and imported), lines and
    tallies, proxies and registration decisions go with it; the nominating bodies stay (they are not the
    election's). Funds that still refer to a nomination raise ``ProtectedError``
    (``finance.services.funds.election_funds_delete`` first). Returns the number of
    nominations deleted; writes one ``nominations.delete`` event when any.
    """
    with transaction.atomic():
        nominations = Nomination.objects.filter(election__key=election_key)
        count = nominations.count()
        if not count:
            return 0
        for model in (  # the records that refer to a nomination, sheets before their files
            SignatureLine,
            SignatureTally,
            SignatureSheet,
            SignatureImport,
            SheetIssue,
            RegistrationDecision,
            NominationProxy,
            Assessment,
            NominationDocument,
        ):
            model.objects.filter(nomination__in=nominations).delete()
        nominations.delete()
        event_record(
            actor=actor,
            role=role,
            action="nominations.delete",
            object_key=election_key,
            payload={"election": election_key, "nominations": count},
        )
    return count
