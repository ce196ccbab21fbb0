"""Organisations, memberships, two-factor devices and API tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from psephos.core import clock
from psephos.core.errors import ValidationFailed
from psephos.ledger.actors import actor_or_system, actor_system, actor_user, text_digest
from psephos.ledger.services.events import event_record

from ..access import access_organisation_manage
from ..errors import ReasonMissing, TwoFactorAlreadySetUp, TwoFactorFailed, UserUnknown
from ..models import Membership, Organisation, TotpAttemptCount, TotpDevice, TotpResetRecord
from ..rules import totp
from .crypto import seal, unseal
from .totp_attempts import totp_attempt_claim, totp_attempts_clear

if TYPE_CHECKING:
    from psephos.territory.models import AdministrativeUnit


#: The actor of an operator's command on the server (``psephos observation 2fa-reset``).
CLI = actor_system("cli")


def organisation_create(
    *,
    key: str,
    name: str,
    kind: str,
    actor: Any = None,
    sampling: bool = False,
    systematic: bool = True,
    name_kk: str = "",
    name_ru: str = "",
) -> Organisation:
    """Create an observer organisation (idempotent on ``key``) and record it in the ledger.

    ``name`` is the English name; ``name_kk`` and ``name_ru`` its Kazakh and Russian
    forms (pages fall back as ``core.i18n`` says when one is empty).
    """
    with transaction.atomic():
        org, created = Organisation.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "name_kk": name_kk,
                "name_ru": name_ru,
                "kind": kind,
                "sampling": sampling,
                "systematic": systematic,
                "created_at": clock.now(),
            },
        )
        if created:
            event_record(
                actor=actor_or_system(actor, system="psephos"),
                role="observation",
                action="observation.organisation.create",
                object_key=f"observation/{key}",
                payload={"kind": kind, "name_sha256": text_digest(name)},
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
            actor=actor_or_system(actor, system="psephos", organisation=organisation.key),
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


def _totp_event(user: Any, verb: str, payload: dict[str, Any], *, actor: str = "") -> int:
    """Record ``observation.totp.<verb>`` by ``actor`` (default: the user); return its seq.

    The payload never holds the secret or a code.
    """
    event = event_record(
        actor=actor or actor_user(user),
        role="observation",
        action=f"observation.totp.{verb}",
        object_key=f"observation/user/{user.pk}/totp",
        payload=payload,
    )
    return event.seq


@dataclass(frozen=True)
class TotpEnrolment:
    """A new authenticator's secret, for the one response that shows it."""

    secret: str = field(repr=False)
    uri: str = field(repr=False)


@sensitive_variables("secret")
def totp_device_create(*, user: Any) -> TotpEnrolment:
    """Create a new unconfirmed authenticator for a user, replacing an unconfirmed one.

    Side effects: stores the new secret (encrypted) with ``confirmed`` false and
    records one ``observation.totp.create`` ledger event, whose payload says only
    whether an unconfirmed authenticator was replaced. The secret is returned, never
    logged; the caller shows it once. Raises ``TwoFactorAlreadySetUp`` when the user
    has a confirmed authenticator: that one is never replaced here, so a stolen
    password alone cannot switch the second factor.
    """
    secret = totp.totp_secret_new()
    values = {"secret_enc": seal(secret), "last_counter": -1, "created_at": clock.now()}
    with transaction.atomic():
        # Only an unconfirmed device is overwritten; the one-per-user constraint refuses
        # a second row, so a confirmed device survives concurrent requests too.
        replaced = TotpDevice.objects.filter(user=user, confirmed=False).update(**values) > 0
        if not replaced:
            try:
                with transaction.atomic():
                    TotpDevice.objects.create(user=user, confirmed=False, **values)
            except IntegrityError:
                raise TwoFactorAlreadySetUp(
                    _("An authenticator is already confirmed for this account.")
                ) from None
        _totp_event(user, "create", {"replaced": replaced})
    return TotpEnrolment(secret=secret, uri=totp.totp_uri(secret, account=user.username))


def totp_verify(*, user: Any, code: str, at: float | None = None) -> int:
    """Check a TOTP code and return the authenticator's id; a code is accepted once.

    Raise ``TwoFactorFailed`` otherwise.

    At most ``totp.ATTEMPTS`` codes are checked per user in a window of
    ``totp.ATTEMPT_WINDOW`` seconds (``totp_attempt_claim``, counted in the database
    before the check and kept when the code is wrong); beyond that, raise
    ``TwoFactorLocked`` without checking the code, even a correct one, until the
    window passes. The code that uses up a window and is wrong records one
    ``observation.totp.lock`` ledger event. A correct code clears the count; the
    first one also confirms a new authenticator and records one
    ``observation.totp.confirm`` ledger event. No payload holds the code or the secret.
    """
    now = clock.now().timestamp() if at is None else at
    if not TotpDevice.objects.filter(user=user).exists():
        raise TwoFactorFailed(_("Set up an authenticator first."))
    # Counted outside the check's transaction, which a wrong code rolls back.
    place, window_started = totp_attempt_claim(user=user, now=int(now))
    try:
        with transaction.atomic():
            device = TotpDevice.objects.select_for_update().filter(user=user).first()
            if device is None:  # removed since the check above
                raise TwoFactorFailed(_("Set up an authenticator first."))
            counter = totp.totp_match(
                unseal(device.secret_enc), code, now, last_counter=device.last_counter
            )
            if counter is None:
                raise TwoFactorFailed(_("The authenticator code is wrong or already used."))
            confirming = not device.confirmed
            device.last_counter = counter
            device.confirmed = True
            device.save(update_fields=["last_counter", "confirmed"])
            totp_attempts_clear(user=user)
            if confirming:
                _totp_event(user, "confirm", {})
        return int(device.pk)
    except TwoFactorFailed:
        if place == totp.ATTEMPTS:
            until = dt.datetime.fromtimestamp(window_started + totp.ATTEMPT_WINDOW, tz=dt.UTC)
            with transaction.atomic():
                _totp_event(user, "lock", {"codes": place, "until": until.isoformat()})
        raise


@dataclass(frozen=True)
class TotpReset:
    """What ``totp_device_reset`` removed, and the ledger event that records it."""

    user_id: int
    confirmed: bool
    codes_cleared: int
    event_seq: int


def totp_device_reset(*, username: str, reason: str, actor: str = CLI) -> TotpReset | None:
    """Remove a user's authenticator, confirmed or not, so that they can set up a new one.

    For an operator with shell access when an admin has lost the authenticator: the
    set-up pages never replace a confirmed one. Side effects, in one transaction:
    deletes the user's ``TotpDevice`` and ``TotpAttemptCount`` rows and records one
    ``observation.totp.reset`` ledger event whose payload holds the user's id, the
    SHA-256 of the reason (the reason itself is stored in ``TotpResetRecord``, never in
    the public ledger), whether the authenticator was confirmed and how many counted
    codes were cleared, never the secret. Return what was removed, or ``None`` (nothing changed,
    no event) when the user has no authenticator. Raises ``ReasonMissing`` when the
    reason is blank and ``UserUnknown`` when no user has that username; nothing is
    written then. Sessions verified with the removed authenticator are no longer
    verified (``access.session_two_factor_ok``).
    """
    reason = reason.strip()
    if not reason:
        raise ReasonMissing(
            _(
                "Give the reason for the reset: it is kept with the reset, and its digest goes into the public ledger."
            ),
            data={"errors": [{"where": "reason", "message": "must not be empty"}]},
        )
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise UserUnknown(
            _("No user has the username “%(username)s”.") % {"username": username},
            data={"username": username},
        )
    with transaction.atomic():
        # Locked and then deleted, so that of two concurrent resets only one finds the
        # device and records an event (on SQLite the single writer gives the same).
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            return None
        device.delete()
        cleared = (
            TotpAttemptCount.objects.filter(user=user).values_list("count", flat=True).first() or 0
        )
        totp_attempts_clear(user=user)
        payload = {
            "user": user.pk,
            "reason_sha256": text_digest(reason),
            "confirmed": device.confirmed,
            "codes_cleared": cleared,
        }
        seq = _totp_event(user, "reset", payload, actor=actor)
        TotpResetRecord.objects.create(user=user, reason=reason, at=clock.now(), event_seq=seq)
    return TotpReset(
        user_id=user.pk, confirmed=device.confirmed, codes_cleared=cleared, event_seq=seq
    )


def organisation_rules_set(
    *,
    organisation: Organisation,
    rules: dict[str, Any],
    actor: Any = None,
    two_factor_ok: bool = False,
) -> Organisation:
    """Set which quality flags exclude submissions from findings, and the per-form deadlines.

    ``actor`` is the person setting them (``None``: psephos itself): an organisation
    admin with two-factor login (``two_factor_ok``), else ``PermissionDenied``.

    Keys: ``exclude_late``, ``exclude_conflict``, ``exclude_inconsistent`` (booleans) and
    ``deadlines`` (form key → ISO 8601 time with a zone). Raises ``ValidationFailed``
    listing every bad key; nothing is saved then.
    """
    if actor is not None:
        access_organisation_manage(
            user=actor, organisation=organisation, two_factor_ok=two_factor_ok
        )
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
            actor=actor_or_system(actor, system="psephos", organisation=organisation.key),
            role="observation",
            action="observation.rules.set",
            object_key=f"observation/{organisation.key}/rules",
            payload=clean,
        )
    return organisation
