"""A commission's formal decision on a fund's invoice, report or audit, in two steps.

An operator of the deciding commission proposes it with the vote and the signed
document (``finance_decision_propose``); another operator (or the CEC, as the
profile's ``decision_review`` says) confirms it (``finance_decision_confirm``), and
only then does the invoice, report or audit change (``commissions`` issue 16 item 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.utils import translation
from django.utils.translation import gettext as _

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.rules.decisions import DecisionReview, DecisionVote
from psephos.commissions.selectors import decision_get
from psephos.commissions.services import decision_confirm, decision_propose
from psephos.core.errors import PermissionDenied
from psephos.core.i18n import localized
from psephos.elections.selectors import election_decision_quorum, election_profile
from psephos.ledger.actors import actor_user, text_digest

from ..errors import FinanceDecisionInvalid
from .events import fund_event

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Decision, Session

    from ..models import Fund

# Who decides: an invoice of the state allowance a territorial commission (the Astana
# TEC in 2022) or the CEC; a report and an audit the CEC.
INVOICE_LEVELS = (CommissionLevel.CEC, CommissionLevel.TEC_REGION, CommissionLevel.TEC_DISTRICT)
CEC_ONLY = (CommissionLevel.CEC,)


class Decided(Protocol):
    """A record a finance decision applies to: an invoice, a report, an audit."""

    number: int
    status: str
    reason: str
    decision: Any
    decided_on: dt.date | None

    def save(self, *, update_fields: list[str]) -> None: ...


@dataclass(frozen=True, slots=True)
class Adoption:
    """How the commission adopted its decision: number, date, vote and signed document."""

    number: str
    on: dt.date
    present: int
    votes_for: int
    votes_against: int
    document: bytes
    abstentions: int = 0
    session: Session | None = None  # the open session that adopted it; None: outside one


def finance_decision_propose(
    *,
    user: User,
    fund: Fund,
    kind: str,
    subject: str,
    outcome: str,
    reasons: str,
    adoption: Adoption,
    title: Callable[[str], str],
    levels: tuple[str, ...],
    extra: dict[str, Any] | None = None,
) -> Decision:
    """Propose the decision ``outcome`` on ``subject`` of ``fund``; return it, pending.

    ``user`` operates a commission of one of ``levels``; ``reasons`` are required.
    ``title(name)`` is the subject naming the nominee ``name``: the register keeps it in
    Kazakh, Russian and English, each with the candidate's name in that language (a
    registered candidate's name is public).
    Raises ``PermissionDenied``, ``FinanceDecisionInvalid``, ``DecisionNotValid`` or
    ``DecisionNumberTaken``; nothing is written then.
    """
    commission = getattr(user, "commission", None) if user.is_authenticated else None
    if commission is None or commission.level not in levels:
        raise PermissionDenied(
            _("Only an operator of %(levels)s decides this.")
            % {"levels": ", ".join(str(CommissionLevel(v).label) for v in levels)},
            data={"levels": list(levels)},
        )
    reasons = reasons.strip()
    if not reasons:
        raise FinanceDecisionInvalid(
            _("A decision needs its reasons; nothing was saved."),
            data={"errors": [{"field": "reasons", "code": "required"}]},
        )
    election = fund.election
    return decision_propose(
        user=user,
        commission=commission,
        number=adoption.number,
        on=adoption.on,
        title=_decision_title(title, fund),
        titles=(
            _decision_title(title, fund, "kk"),
            _decision_title(title, fund, "ru"),
            _decision_title(title, fund, "en"),
        ),
        reasons=reasons,
        vote=DecisionVote(
            0, adoption.present, adoption.votes_for, adoption.votes_against, adoption.abstentions
        ),
        quorum=election_decision_quorum(election=election),
        document=adoption.document,
        action={
            "kind": kind,
            "election": election.key,
            "fund": fund.key,
            "subject": subject,
            "outcome": outcome,
            **(extra or {}),
        },
        session=adoption.session,
    )


def _decision_title(title: Callable[[str], str], fund: Fund, language: str | None = None) -> str:
    """Return ``title`` in ``language`` (the active one if None) naming the fund's nominee."""
    with translation.override(language or translation.get_language()):
        return title(localized(fund.nomination, "name"))


def finance_decision_confirm(
    *, user: User, fund: Fund, kind: str, subject: str, commission: str, number: str
) -> Decision:
    """Confirm the pending decision No. ``number`` of ``commission`` on ``subject``.

    Call inside the transaction that applies it. Raises ``NotFound``,
    ``FinanceDecisionInvalid`` (it decides something else),
    ``DecisionNeedsAnotherOperator`` or ``DecisionNotPending``.
    """
    election = fund.election
    decision = decision_get(geography=election.geography, commission_code=commission, number=number)
    action = decision.action
    if (
        action.get("kind") != kind
        or action.get("election") != election.key
        or action.get("fund") != fund.key
        or action.get("subject") != subject
    ):
        raise FinanceDecisionInvalid(
            _("Decision No. %(number)s decides nothing on %(subject)s of fund “%(fund)s”.")
            % {"number": number, "subject": subject, "fund": fund.key},
            data={"number": number, "subject": subject},
        )
    review = DecisionReview(election_profile(election=election).decision_review)
    return decision_confirm(user=user, decision=decision, review=review)


def finance_decision_apply(
    *,
    user: User,
    fund: Fund,
    record: Decided,
    kind: str,
    prefix: str,
    commission: str,
    number: str,
    payload: dict[str, Any] | Callable[[Decision], dict[str, Any]],
    check: Callable[[str], None] | None = None,
    fields: tuple[str, ...] = (),
) -> Decision:
    """Confirm the pending decision on ``record`` and apply it: its outcome, reasons, date.

    ``prefix`` names the record (``invoice``, ``report``, ``audit``): the decision's
    subject is ``prefix:number`` and the event ``prefix.decide`` (suffix the prefix's
    first letter and the number), with ``payload``, the decision's number, its
    document's and reasons' SHA-256 (``payload`` may be a function of the decision).
    ``fields`` are copied from the decision's action onto ``record`` too.
    ``check(outcome)`` may refuse before anything is written. Call inside the
    transaction that locked ``record``.
    """
    decision = finance_decision_confirm(
        user=user,
        fund=fund,
        kind=kind,
        subject=f"{prefix}:{record.number}",
        commission=commission,
        number=number,
    )
    outcome = str(decision.action["outcome"])
    if check is not None:
        check(outcome)
    record.status = outcome
    record.reason = decision.reasons
    record.decision = decision
    record.decided_on = decision.date
    for name in fields:
        setattr(record, name, str(decision.action.get(name, "")))
    record.save(update_fields=["status", "reason", "decision", "decided_on", *fields])
    fund_event(
        fund=fund,
        actor=actor_user(user),
        role=user.role,
        action=f"{prefix}.decide",
        suffix=f"{prefix[0]}{record.number}",
        payload={
            "number": record.number,
            "outcome": outcome,
            **(payload(decision) if callable(payload) else payload),
            "commission": decision.commission.code,
            "decision": decision.number,
            "document_sha256": decision.document_sha256,
            "reasons_sha256": text_digest(decision.reasons),
        },
    )
    return decision
