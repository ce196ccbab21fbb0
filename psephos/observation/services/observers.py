"""Observer registration, and accreditation by the central commission's formal decisions."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from psephos.commissions.rules.decisions import DecisionReview, DecisionVote
from psephos.commissions.selectors import commission_top_get, decision_get
from psephos.commissions.services import decision_confirm, decision_propose
from psephos.core import clock
from psephos.core.errors import ValidationFailed
from psephos.elections.selectors import election_decision_quorum, election_profile
from psephos.ledger.actors import actor_or_system, actor_user, text_digest
from psephos.ledger.services.events import event_record

from ..access import (
    access_accreditation_decide,
    access_observer_create,
    access_organisation_manage,
)
from ..enums import AccreditationStatus
from ..errors import AccreditationClosed, AccreditationDecisionUnknown
from ..models import Accreditation, Observer, Organisation
from .crypto import phone_digest, seal

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Decision, Session
    from psephos.elections.models import Election
    from psephos.territory.models import AdministrativeUnit


#: Days the accrediting body has to decide (a deadline is part of a formal procedure).
DECISION_DAYS = 5

#: The ``action`` kind of the central commission's accreditation decisions.
ACCREDITATION_ACTION = "observation.accreditation"

#: The statuses a decision may give an accreditation, by its status now.
ALLOWED = {
    AccreditationStatus.APPLIED: {AccreditationStatus.ACCREDITED, AccreditationStatus.REFUSED},
    AccreditationStatus.ACCREDITED: {AccreditationStatus.REVOKED},
}


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


def _accreditation_check(acc: Accreditation, status: str) -> None:
    """Refuse a decision the accreditation's status does not allow (applied → accredited …)."""
    if status not in ALLOWED.get(AccreditationStatus(acc.status), set()):
        raise AccreditationClosed(
            _("An accreditation that is “%(old)s” cannot become “%(new)s”.")
            % {"old": acc.status, "new": status},
            data={"observer": acc.observer.code, "status": acc.status},
        )


def accreditation_propose(
    *,
    accreditations: Sequence[Accreditation],
    status: str,
    reasons: str,
    user: User,
    number: str,
    on: dt.date,
    vote: DecisionVote,
    document: bytes,
    session: Session | None = None,
) -> Decision:
    """Propose the central commission's decision to accredit, refuse or revoke; return it, pending.

    An accreditation decision is a formal decision of the commission (issue 16, item
    2): ``user`` operates the central commission (``role=cec``), ``reasons`` are given,
    every accreditation (one election; one observer or a whole mission's list) allows
    ``status`` now (applied → accredited or refused, accredited → revoked), and the vote
    is valid against the commission's membership on ``on``
    (``commissions.decision_propose``: quorum, majority of the members, the signed
    document's SHA-256 in the ledger). Nothing about the accreditations changes until
    another operator confirms it (``accreditation_decision_confirm``; the CEC under
    ``decision_review=cec``). Raises ``PermissionDenied``, ``ValidationFailed``,
    ``AccreditationClosed``, ``DecisionNotValid`` or ``DecisionNumberTaken``; nothing is
    written then. With ``session`` the decision is adopted at that open session of the
    CEC, else outside one.
    """
    access_accreditation_decide(user=user)
    reasons = reasons.strip()
    accreditations = list(  # as they are now, not as the caller last read them
        Accreditation.objects.select_related("observer", "election__geography")
        .filter(pk__in=[a.pk for a in accreditations])
        .order_by("pk")
    )
    elections = {a.election_id for a in accreditations}
    errors = [{"where": "reasons", "message": "required"}] if not reasons else []
    if len(elections) != 1:
        errors.append({"where": "badges", "message": "one election" if elections else "required"})
    if errors:
        raise ValidationFailed(
            _("A decision on accreditation gives its reasons and names observers of one election."),
            data={"errors": errors},
        )
    for acc in accreditations:
        _accreditation_check(acc, status)
    election = accreditations[0].election
    badges = sorted({a.observer.code for a in accreditations})
    return decision_propose(
        user=user,
        commission=commission_top_get(geography=election.geography),
        number=number,
        on=on,
        title=_accreditation_subject(badges),
        titles=(
            _accreditation_subject(badges, "kk"),
            _accreditation_subject(badges, "ru"),
            _accreditation_subject(badges, "en"),
        ),
        reasons=reasons,
        vote=vote,
        quorum=election_decision_quorum(election=election),
        document=document,
        action={
            "kind": ACCREDITATION_ACTION,
            "election": election.key,
            "status": status,
            "badges": badges,
        },
        session=session,
    )


def _accreditation_subject(badges: list[str], language: str | None = None) -> str:
    """Return the subject of a decision on ``badges`` in ``language`` (the active one if None)."""
    with translation.override(language or translation.get_language()):
        if len(badges) == 1:
            return _("Accreditation of observer %(badge)s") % {"badge": badges[0]}
        return _("Accreditation of %(count)d observers") % {"count": len(badges)}


def accreditation_decision_confirm(
    *, user: User, election: Election, number: str
) -> list[Accreditation]:
    """Confirm the central commission's pending accreditation decision and apply it.

    ``user`` is the second pair of eyes (``commissions.services.decision_confirm``);
    every accreditation the decision names takes its status and reasons, decided by the
    proposer and citing the decision (its number and document SHA-256 in the ledger,
    one ``observation.accreditation.<status>`` event for the decision). The decision
    is then in the commission's public register. Raises ``NotFound``
    (``AccreditationDecisionUnknown``), ``DecisionNeedsAnotherOperator``,
    ``DecisionNotPending`` or ``AccreditationClosed`` (a status changed meanwhile); the
    decision stays pending and nothing is written then. Returns the accreditations.
    """
    cec = commission_top_get(geography=election.geography)
    decision = decision_get(geography=election.geography, commission_code=cec.code, number=number)
    action = decision.action
    if action.get("kind") != ACCREDITATION_ACTION or action.get("election") != election.key:
        raise AccreditationDecisionUnknown(
            _(
                "Decision No. %(number)s of %(commission)s decides no accreditation for %(election)s."
            )
            % {"number": number, "commission": cec.code, "election": election.key},
            data={"number": number, "election": election.key},
        )
    status, badges = str(action["status"]), [str(b) for b in action["badges"]]
    review = DecisionReview(election_profile(election=election).decision_review)
    with transaction.atomic():
        confirmed = decision_confirm(user=user, decision=decision, review=review)
        proposer = confirmed.proposed_by
        assert proposer is not None
        rows = list(
            Accreditation.objects.select_for_update()
            .select_related("observer")
            .filter(election=election, observer__code__in=badges)
            .order_by("pk")
        )
        if len(rows) != len(badges):
            missing = sorted(set(badges) - {a.observer.code for a in rows})
            raise AccreditationDecisionUnknown(
                _("Decision No. %(number)s names observers with no application: %(badges)s.")
                % {"number": number, "badges": ", ".join(missing)},
                data={"number": number, "badges": missing},
            )
        for acc in rows:
            _accreditation_check(acc, status)
        now = clock.now()
        Accreditation.objects.filter(pk__in=[a.pk for a in rows]).update(
            status=status,
            reasons=confirmed.reasons,
            decided_at=now,
            decided_by=proposer,
            decision=confirmed,
        )
        event_record(
            actor=actor_user(proposer),
            role=proposer.role,
            action=f"observation.accreditation.{status}",
            object_key=f"observation/{election.key}/accreditations/{cec.code}/{number}",
            payload={
                "status": status,
                "badges": badges,
                "decision": number,
                "document_sha256": confirmed.document_sha256,
                "reasons_sha256": text_digest(confirmed.reasons),
            },
        )
    for acc in rows:
        acc.refresh_from_db()
    return rows
