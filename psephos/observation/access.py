"""Access helpers for observer data: role, organisation, two-factor login and region scope.

Every decision about personal data is written to ``AccessLogEntry`` — refusals
too, in their own transaction so that the refused action itself changes nothing
else. Messages name the rule and never the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import PermissionDenied

from .enums import MembershipRole
from .models import AccessLogEntry, Membership, Observer, Organisation, TotpDevice

SESSION_2FA_KEY = "observation_2fa_device"  # the confirmed authenticator this session passed


@dataclass(frozen=True)
class Scope:
    """What an admin may see: all regions, or the ids of some first-level units."""

    membership: Membership
    all_regions: bool
    region_ids: frozenset[int]

    def covers(self, region_id: int) -> bool:
        return self.all_regions or region_id in self.region_ids


def session_two_factor_pass(session: Any, device: int) -> None:
    """Mark this session as verified with the authenticator ``device`` (the id ``totp_verify``
    returned), under a new session key."""
    session.cycle_key()
    session[SESSION_2FA_KEY] = device


def session_two_factor_ok(session: Any, user: Any) -> bool:
    """Return whether this session passed the TOTP check with the user's current authenticator.

    The session holds the authenticator it was checked with, so a reset (a lost phone)
    or a new authenticator ends every session verified with the old one.
    """
    device = session.get(SESSION_2FA_KEY)
    return (
        bool(user.is_authenticated)
        and device is not None
        and TotpDevice.objects.filter(pk=device, user_id=user.pk, confirmed=True).exists()
    )


def access_log(
    *,
    organisation: Organisation,
    user: Any,
    action: str,
    target: str,
    allowed: bool,
    detail: str = "",
) -> None:
    """Write one access-log row (in its own transaction when called outside one)."""
    with transaction.atomic():
        AccessLogEntry.objects.create(
            organisation=organisation,
            user=user if getattr(user, "is_authenticated", False) else None,
            username=getattr(user, "username", "") or "anonymous",
            action=action,
            target=target,
            allowed=allowed,
            detail=detail[:300],
            at=clock.now(),
        )


def membership_get(user: Any, organisation: Organisation) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(user=user, organisation=organisation)
        .prefetch_related("regions")
        .first()
    )


def _refuse(organisation: Organisation, user: Any, action: str, target: str, message: str) -> None:
    access_log(
        organisation=organisation,
        user=user,
        action=action,
        target=target,
        allowed=False,
        detail=str(message),
    )
    raise PermissionDenied(message, data={"organisation": organisation.key, "action": action})


def access_personal_data(
    *, user: Any, organisation: Organisation, two_factor_ok: bool, action: str, target: str
) -> Scope:
    """Return the admin's region scope, or log the refusal and raise ``PermissionDenied``.

    Only an organisation admin who passed two-factor login reaches observers'
    personal data; observers and coordinators never see the roster.
    """
    membership = membership_get(user, organisation)
    if membership is None:
        _refuse(
            organisation,
            user,
            action,
            target,
            _("Only members of the organisation may see its observers."),
        )
    assert membership is not None
    if membership.role != MembershipRole.ADMIN:
        _refuse(
            organisation,
            user,
            action,
            target,
            _("Only organisation administrators may see observers' personal data."),
        )
    if not two_factor_ok:
        _refuse(
            organisation,
            user,
            action,
            target,
            _("Confirm your login with the authenticator code first."),
        )
    return Scope(
        membership=membership,
        all_regions=membership.all_regions,
        region_ids=frozenset(r.pk for r in membership.regions.all()),
    )


def access_observer_create(
    *, user: Any, organisation: Organisation, region: Any, two_factor_ok: bool
) -> None:
    """Allow an admin with two-factor login to register an observer inside the admin's regions.

    Every refusal is logged (``access_personal_data``), the one for a region outside the
    admin's too.
    """
    target = f"region {region.code}"
    scope = access_personal_data(
        user=user,
        organisation=organisation,
        two_factor_ok=two_factor_ok,
        action="observer.create",
        target=target,
    )
    if not scope.covers(region.pk):
        access_log(
            organisation=organisation,
            user=user,
            action="observer.create",
            target=target,
            allowed=False,
            detail="outside the admin's regions",
        )
        raise PermissionDenied(_("This region is outside yours."), data={"region": region.code})


def access_observer(*, user: Any, observer: Observer, two_factor_ok: bool, action: str) -> Scope:
    """Allow an admin to read one observer only inside the admin's regions."""
    scope = access_personal_data(
        user=user,
        organisation=observer.organisation,
        two_factor_ok=two_factor_ok,
        action=action,
        target=f"observer {observer.code}",
    )
    if not scope.covers(observer.region_id):
        _refuse(
            observer.organisation,
            user,
            action,
            f"observer {observer.code}",
            _("This observer is outside your regions."),
        )
    return scope


def access_organisation_manage(
    *, user: Any, organisation: Organisation, two_factor_ok: bool
) -> Membership:
    """Allow admins (with two-factor login) to manage accreditation, teams and forms."""
    membership = membership_get(user, organisation)
    if membership is None or membership.role != MembershipRole.ADMIN:
        raise PermissionDenied(
            _("Only organisation administrators may do this."),
            data={"organisation": organisation.key},
        )
    if not two_factor_ok:
        raise PermissionDenied(
            _("Confirm your login with the authenticator code first."),
            data={"organisation": organisation.key},
        )
    return membership


def access_submit(*, user: Any) -> Observer:
    """Return the observer behind this login, or refuse."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    try:
        observer: Observer = user.observer  # cached when the token lookup joined it
    except Observer.DoesNotExist:
        raise PermissionDenied(_("Only observers submit checklists.")) from None
    return observer


def access_accreditation_decide(*, user: Any) -> None:
    """Allow only central election commission staff to decide on accreditation."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", "") != "cec":
        raise PermissionDenied(
            _("Only central election commission staff decide on accreditation."),
            data={"required_role": "cec"},
        )


def access_coordinate(*, user: Any, organisation: Organisation) -> Membership:
    """Allow the organisation's admins and coordinators (no personal data involved)."""
    membership = membership_get(user, organisation)
    if membership is None or membership.role not in (
        MembershipRole.ADMIN,
        MembershipRole.COORDINATOR,
    ):
        raise PermissionDenied(
            _("Only the organisation's coordinators and admins may do this."),
            data={"organisation": organisation.key},
        )
    return membership
