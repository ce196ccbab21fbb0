"""Observer registration and accreditation with reasoned decisions."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import ValidationFailed
from psephos.ledger.actors import actor_or_system, text_digest
from psephos.ledger.services.events import event_record

from ..access import (
    access_accreditation_decide,
    access_observer_create,
    access_organisation_manage,
)
from ..enums import AccreditationStatus
from ..errors import AccreditationClosed
from ..models import Accreditation, Observer, Organisation
from .crypto import phone_digest, seal

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import AdministrativeUnit


#: Days the accrediting body has to decide (a deadline is part of a formal procedure).
DECISION_DAYS = 5


def observer_code_new() -> str:
    """Return a fresh badge number: letters and digits without look-alikes."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "OB-" + "".join(secrets.choice(alphabet) for _ in range(8))


def observer_register(
    *,
    organisation: Organisation,
    region: AdministrativeUnit,
    name: str,
    phone: str = "",
    document: str = "",
    user: Any = None,
    actor: Any = None,
    two_factor_ok: bool = False,
) -> Observer:
    """Register an observer; personal data are stored encrypted and never in the ledger.

    ``actor`` is the person registering (``None``: psephos itself): an organisation
    admin with two-factor login (``two_factor_ok``) whose regions cover ``region``,
    else ``PermissionDenied`` (logged) and nothing is written.
    """
    if actor is not None:
        access_observer_create(
            user=actor, organisation=organisation, region=region, two_factor_ok=two_factor_ok
        )
    if not name.strip():
        raise ValidationFailed(
            _("The observer's name is required."),
            data={"errors": [{"where": "name", "message": "required"}]},
        )
    with transaction.atomic():
        observer = Observer.objects.create(
            organisation=organisation,
            code=observer_code_new(),
            region=region,
            user=user,
            name_enc=seal(name.strip()),
            phone_enc=seal(phone.strip()),
            document_enc=seal(document.strip()),
            phone_digest=phone_digest(phone),
            created_at=clock.now(),
        )
        event_record(
            actor=actor_or_system(actor, system="psephos", organisation=organisation.key),
            role="observation",
            action="observation.observer.register",
            object_key=f"observation/{organisation.key}/observer/{observer.code}",
            payload={"region": region.code},
        )
    return observer


def accreditation_apply(
    *,
    observer: Observer,
    election: Election,
    nomination_letter: str = "",
    actor: Any = None,
    two_factor_ok: bool = False,
) -> Accreditation:
    """File an application; the decision is due within ``DECISION_DAYS``.

    ``actor`` is the person filing (``None``: psephos itself): an admin of the observer's
    organisation with two-factor login (``two_factor_ok``), else ``PermissionDenied``.
    """
    if actor is not None:
        access_organisation_manage(
            user=actor, organisation=observer.organisation, two_factor_ok=two_factor_ok
        )
    now = clock.now()
    with transaction.atomic():
        acc, created = Accreditation.objects.get_or_create(
            election=election,
            observer=observer,
            defaults={
                "applied_at": now,
                "decide_by": now + dt.timedelta(days=DECISION_DAYS),
                "nomination_letter": nomination_letter[:100],
                "badge_token": secrets.token_hex(16),
            },
        )
        if not created:
            raise AccreditationClosed(
                _("This observer already applied for this election."),
                data={"observer": observer.code, "election": election.key},
            )
        event_record(
            actor=actor_or_system(actor, system="psephos", organisation=observer.organisation.key),
            role="observation",
            action="observation.accreditation.apply",
            object_key=f"observation/{election.key}/accreditation/{observer.code}",
            payload={"organisation": observer.organisation.key},
        )
    return acc


def accreditation_decide(
    *, accreditation: Accreditation, status: str, reasons: str, actor: Any
) -> Accreditation:
    """Accredit, refuse or revoke, always with reasons; the decision is public (without names).

    The reasons are stored on the accreditation; its ledger event holds their SHA-256.
    ``actor`` is the person deciding (``None``: psephos itself): central election
    commission staff, else ``PermissionDenied``.
    """
    if actor is not None:
        access_accreditation_decide(user=actor)
    allowed = {
        AccreditationStatus.APPLIED: {AccreditationStatus.ACCREDITED, AccreditationStatus.REFUSED},
        AccreditationStatus.ACCREDITED: {AccreditationStatus.REVOKED},
    }
    if not reasons.strip():
        raise ValidationFailed(
            _("A decision on accreditation must give its reasons."),
            data={"errors": [{"where": "reasons", "message": "required"}]},
        )
    with transaction.atomic():
        acc = (
            Accreditation.objects.select_for_update()
            .select_related("observer", "election")
            .get(pk=accreditation.pk)
        )
        if status not in allowed.get(AccreditationStatus(acc.status), set()):
            raise AccreditationClosed(
                _("An accreditation that is “%(old)s” cannot become “%(new)s”.")
                % {"old": acc.status, "new": status},
                data={"observer": acc.observer.code, "status": acc.status},
            )
        acc.status = status
        acc.reasons = reasons.strip()
        acc.decided_at = clock.now()
        acc.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        acc.save(update_fields=["status", "reasons", "decided_at", "decided_by"])
        event_record(
            actor=actor_or_system(actor, system="psephos"),
            role="observation",
            action=f"observation.accreditation.{status}",
            object_key=f"observation/{acc.election.key}/accreditation/{acc.observer.code}",
            payload={"status": status, "reasons_sha256": text_digest(acc.reasons)},
        )
    return acc
