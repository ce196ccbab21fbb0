"""Organisations, memberships, two-factor devices and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import ValidationFailed
from psephos.ledger.services.events import event_record
from psephos.territory.models import AdministrativeUnit

from ..errors import TwoFactorFailed
from ..models import Membership, Organisation, TotpDevice
from ..rules import totp
from .crypto import seal, unseal


def _actor(user: Any) -> str:
    return getattr(user, "username", "") or "system"


def organisation_create(
    *,
    key: str,
    name: str,
    kind: str,
    actor: Any = None,
    sampling: bool = False,
    systematic: bool = True,
) -> Organisation:
    """Create an observer organisation (idempotent on ``key``) and record it in the ledger."""
    with transaction.atomic():
        org, created = Organisation.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "kind": kind,
                "sampling": sampling,
                "systematic": systematic,
                "created_at": clock.now(),
            },
        )
        if created:
            event_record(
                actor=_actor(actor),
                role="observation",
                action="observation.organisation.create",
                object_key=f"observation/{key}",
                payload={"kind": kind, "name": name},
            )
    return org


def membership_grant(
    *,
    user: Any,
    organisation: Organisation,
    role: str,
    regions: list[AdministrativeUnit] | None = None,
    all_regions: bool = False,
    actor: Any = None,
) -> Membership:
    """Give a user a role in an organisation, limited to ``regions`` unless ``all_regions``."""
    with transaction.atomic():
        membership, _created = Membership.objects.update_or_create(
            user=user,
            organisation=organisation,
            defaults={"role": role, "all_regions": all_regions},
        )
        membership.regions.set(regions or [])
        event_record(
            actor=_actor(actor),
            role="observation",
            action="observation.membership.grant",
            object_key=f"observation/{organisation.key}/membership/{membership.pk}",
            payload={
                "role": role,
                "all_regions": all_regions,
                "regions": sorted(r.code for r in regions or []),
            },
        )
    return membership


def totp_device_create(*, user: Any) -> str:
    """Create (or replace an unconfirmed) authenticator for a user; return the otpauth URI once."""
    secret = totp.totp_secret_new()
    with transaction.atomic():
        TotpDevice.objects.update_or_create(
            user=user,
            defaults={
                "secret_enc": seal(secret),
                "confirmed": False,
                "last_counter": -1,
                "created_at": clock.now(),
            },
        )
        event_record(
            actor=_actor(user),
            role="observation",
            action="observation.totp.create",
            object_key=f"observation/user/{user.pk}/totp",
            payload={},
        )
    return totp.totp_uri(secret, account=user.username)


def totp_verify(*, user: Any, code: str, at: float | None = None) -> None:
    """Check a TOTP code; a code is accepted once. Raise ``TwoFactorFailed`` otherwise."""
    now = clock.now().timestamp() if at is None else at
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            raise TwoFactorFailed(_("Set up an authenticator first."))
        counter = totp.totp_match(
            unseal(device.secret_enc), code, now, last_counter=device.last_counter
        )
        if counter is None:
            raise TwoFactorFailed(_("The authenticator code is wrong or already used."))
        device.last_counter = counter
        device.confirmed = True
        device.save(update_fields=["last_counter", "confirmed"])


def organisation_rules_set(
    *, organisation: Organisation, rules: dict[str, Any], actor: Any = None
) -> Organisation:
    """Set which quality flags exclude submissions from findings, and the per-form deadlines.

    Keys: ``exclude_late``, ``exclude_conflict``, ``exclude_inconsistent`` (booleans) and
    ``deadlines`` (form key → ISO 8601 time with a zone). Raises ``ValidationFailed``
    listing every bad key; nothing is saved then.
    """
    problems = []
    clean: dict[str, Any] = {}
    for key, value in rules.items():
        if key in ("exclude_late", "exclude_conflict", "exclude_inconsistent"):
            if not isinstance(value, bool):
                problems.append({"where": key, "message": "must be true or false"})
            clean[key] = value
        elif key == "deadlines":
            deadlines = {}
            for form, when in (value or {}).items():
                try:
                    parsed = dt.datetime.fromisoformat(str(when))
                except ValueError:
                    parsed = None
                if parsed is None or parsed.tzinfo is None:
                    problems.append(
                        {"where": f"deadlines.{form}", "message": "an ISO 8601 time with a zone"}
                    )
                else:
                    deadlines[str(form)] = parsed.isoformat()
            clean["deadlines"] = deadlines
        else:
            problems.append({"where": key, "message": "unknown rule"})
    if problems:
        raise ValidationFailed(_("The inclusion rules have problems."), data={"errors": problems})
    with transaction.atomic():
        organisation.inclusion_rules = clean
        organisation.save(update_fields=["inclusion_rules"])
        event_record(
            actor=_actor(actor),
            role="observation",
            action="observation.rules.set",
            object_key=f"observation/{organisation.key}/rules",
            payload=clean,
        )
    return organisation
