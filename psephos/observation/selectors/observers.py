"""Observers and their accreditation: the public list, badges, the roster (logged)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from psephos.core.errors import NotFound
from psephos.core.i18n import localized

from ..access import access_log, access_observer, access_personal_data
from ..enums import AccreditationStatus
from ..models import (
    AccessLogEntry,
    Accreditation,
    Observer,
    Organisation,
)
from ..services.crypto import unseal

if TYPE_CHECKING:
    from psephos.elections.models import Election


def accreditation_list_public(*, election: Election) -> list[dict[str, Any]]:
    """Return the public list of accreditation decisions: badge numbers, never names."""
    rows = Accreditation.objects.filter(election=election).exclude(
        status=AccreditationStatus.APPLIED
    )
    return [
        {
            "badge": code,
            "organisation": localized({"name": org_name, "name_kk": org_kk, "name_ru": org_ru}),
            "organisation_kind": kind,
            "region": region,
            "status": status,
            "decided_at": decided_at,
            "reasons": reasons,
            "decision": decision,
        }
        for (
            code,
            org_name,
            org_kk,
            org_ru,
            kind,
            region,
            status,
            decided_at,
            reasons,
            decision,
        ) in rows.order_by("observer__code").values_list(
            "observer__code",
            "observer__organisation__name",
            "observer__organisation__name_kk",
            "observer__organisation__name_ru",
            "observer__organisation__kind",
            "observer__region__code",
            "status",
            "decided_at",
            "reasons",
            "decision__number",
        )
    ]


def accreditations_awaiting(*, election: Election) -> list[dict[str, Any]]:
    """Return the applications the central commission has yet to decide, by deadline:
    badge, organisation (in the reader's language) and the deadline; never names."""
    rows = Accreditation.objects.filter(election=election, status=AccreditationStatus.APPLIED)
    return [
        {
            "badge": code,
            "organisation": localized({"name": name, "name_kk": kk, "name_ru": ru}),
            "decide_by": decide_by,
        }
        for code, name, kk, ru, decide_by in rows.order_by(
            "decide_by", "observer__code"
        ).values_list(
            "observer__code",
            "observer__organisation__name",
            "observer__organisation__name_kk",
            "observer__organisation__name_ru",
            "decide_by",
        )
    ]


def accreditation_by_token(*, token: str) -> Accreditation:
    """Return the accreditation a badge's QR code points to, or ``NotFound``."""
    acc = (
        Accreditation.objects.select_related(
            "observer__organisation", "observer__region", "election"
        )
        .filter(badge_token=token)
        .first()
    )
    if acc is None:
        raise NotFound(_("No accreditation matches this badge."), data={})
    return acc


def accreditations_by_badge(*, number: str) -> list[Accreditation]:
    """Return every accreditation of the badge number typed by someone checking it.

    Badge numbers are printed in capitals; spaces and case in what was typed do not
    matter. ``NotFound`` when no observer holds the number or it has no accreditation.
    """
    code = "".join(number.split()).upper()
    rows = list(
        Accreditation.objects.select_related(
            "observer__organisation", "observer__region", "election"
        )
        .filter(observer__code=code)
        .order_by("election__key")
    )
    if not rows:
        raise NotFound(
            _("No accreditation has the badge number “%(number)s”.") % {"number": code},
            data={"field": "number", "number": code},
        )
    return rows


def observer_roster(
    *, user: Any, organisation: Organisation, two_factor_ok: bool, export: bool = False
) -> list[dict[str, Any]]:
    """Return the admin's observers with decrypted personal data, logging the read or export."""
    action = "roster.export" if export else "roster.read"
    scope = access_personal_data(
        user=user,
        organisation=organisation,
        two_factor_ok=two_factor_ok,
        action=action,
        target="roster",
    )
    qs = Observer.objects.filter(organisation=organisation).select_related("region")
    if not scope.all_regions:
        qs = qs.filter(region_id__in=scope.region_ids)
    rows = [
        {
            "code": o.code,
            "region": o.region.code,
            "name": unseal(o.name_enc),
            "phone": unseal(o.phone_enc),
            "document": unseal(o.document_enc),
        }
        for o in qs.order_by("code")
    ]
    access_log(
        organisation=organisation,
        user=user,
        action=action,
        target="roster",
        allowed=True,
        detail=f"{len(rows)} observers"
        + ("" if scope.all_regions else f" in {len(scope.region_ids)} region(s)"),
    )
    return rows


def observer_detail(*, user: Any, code: str, two_factor_ok: bool) -> dict[str, Any]:
    """Return one observer's personal data to an admin whose regions cover them; log it."""
    observer = Observer.objects.select_related("organisation", "region").filter(code=code).first()
    if observer is None:
        raise NotFound(_("No such observer."), data={"observer": code})
    access_observer(
        user=user, observer=observer, two_factor_ok=two_factor_ok, action="observer.read"
    )
    access_log(
        organisation=observer.organisation,
        user=user,
        action="observer.read",
        target=f"observer {observer.code}",
        allowed=True,
    )
    return {
        "code": observer.code,
        "region": observer.region.code,
        "name": unseal(observer.name_enc),
        "phone": unseal(observer.phone_enc),
        "document": unseal(observer.document_enc),
    }


def access_log_list(
    *, user: Any, organisation: Organisation, two_factor_ok: bool
) -> list[AccessLogEntry]:
    """Return the organisation's access log to its admins (reading it is itself logged)."""
    access_personal_data(
        user=user,
        organisation=organisation,
        two_factor_ok=two_factor_ok,
        action="log.read",
        target="access log",
    )
    return list(AccessLogEntry.objects.filter(organisation=organisation)[:500])


def observer_in_organisation(*, organisation_key: str, code: str) -> Observer:
    """Return an organisation's observer by badge number, or ``NotFound``."""
    observer = (
        Observer.objects.select_related("organisation")
        .filter(organisation__key=organisation_key, code=code)
        .first()
    )
    if observer is None:
        raise NotFound(_("No such observer in this organisation."), data={"observer": code})
    return observer


def accreditation_get(*, election_key: str, badge: str) -> Accreditation:
    """Return the application of a badge for an election, or ``NotFound``."""
    acc = (
        Accreditation.objects.select_related("observer", "election__geography")
        .filter(election__key=election_key, observer__code=badge)
        .first()
    )
    if acc is None:
        raise NotFound(_("No application for this badge and election."), data={"badge": badge})
    return acc
