"""The CEC's registration decision on a nominee, deregistration, and the ballot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.commissions.rules.decisions import DecisionReview, DecisionVote
from psephos.commissions.selectors import commission_top_get, decision_get
from psephos.commissions.services import decision_confirm, decision_propose
from psephos.core import clock
from psephos.elections.enums import OptionKind
from psephos.elections.selectors import election_decision_quorum, election_profile
from psephos.elections.services.election import OptionSpec, election_options_replace
from psephos.ledger.actors import actor_user, text_digest
from psephos.ledger.services.events import event_record

from ..enums import DecisionOutcome, NominationStatus, Outcome
from ..errors import BallotFrozen, DecisionInvalid, NoRegisteredCandidates
from ..models import Assessment, Nomination, RegistrationDecision
from ..profile import candidate_profile
from ..rules.ballot import ballot_key
from ..selectors import (
    REGISTRATION_ACTION,
    ballot_freeze_at,
    cure_window,
    election_today,
    signature_summary,
)
from .nominations import state_refused

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Decision, Session
    from psephos.elections.models import Election

AGAINST_ALL = OptionSpec(
    key="against-all",
    kind=OptionKind.AGAINST_ALL,
    name_en="Against all",
    name_kk="Барлығына қарсы",
    name_ru="Против всех",
)


@dataclass(frozen=True, slots=True)
class Vote:
    """The commission members' vote on a decision."""

    in_favour: int
    against: int
    abstained: int

    @property
    def voting(self) -> int:
        """Return how many members voted (the members present)."""
        return self.in_favour + self.against + self.abstained

    def adopted(self) -> bool:
        """Return whether a majority of those voting is in favour."""
        return self.in_favour * 2 > self.in_favour + self.against + self.abstained


_FROM = {
    DecisionOutcome.REGISTER: {NominationStatus.ELIGIBLE},
    DecisionOutcome.REFUSE: {NominationStatus.ELIGIBLE, NominationStatus.INELIGIBLE},
    DecisionOutcome.DEREGISTER: {NominationStatus.REGISTERED},
    # A death is recorded whatever the stage: it withdraws the nominee and returns the deposit.
    DecisionOutcome.DEATH: {
        NominationStatus.SUBMITTED,
        NominationStatus.ELIGIBLE,
        NominationStatus.INELIGIBLE,
        NominationStatus.REGISTERED,
        NominationStatus.REFUSED,
        NominationStatus.DEREGISTERED,
    },
}
_TO = {
    DecisionOutcome.REGISTER: NominationStatus.REGISTERED,
    DecisionOutcome.REFUSE: NominationStatus.REFUSED,
    DecisionOutcome.DEREGISTER: NominationStatus.DEREGISTERED,
    DecisionOutcome.DEATH: NominationStatus.WITHDRAWN,
}


def _problems(vote: Vote, reasons: str) -> list[str]:
    problems: list[str] = []
    if not vote.adopted():
        problems.append(
            _(
                "the vote (%(in_favour)d for, %(against)d against, %(abstained)d abstaining) has no majority"
            )
            % {"in_favour": vote.in_favour, "against": vote.against, "abstained": vote.abstained}
        )
    if not reasons.strip():
        problems.append(_("the decision states no reasons"))
    return problems


def _kind(outcome: str) -> DecisionOutcome:
    if outcome not in DecisionOutcome.values:
        raise DecisionInvalid(
            _("Unknown decision “%(outcome)s”; expected one of: %(known)s.")
            % {"outcome": outcome, "known": ", ".join(DecisionOutcome.values)},
            data={"field": "outcome"},
        )
    return DecisionOutcome(outcome)


def _apply(
    *,
    nomination: Nomination,
    kind: DecisionOutcome,
    number: str,
    decided_on: dt.date,
    vote: Vote,
    reasons: str,
    problems: list[str],
    user: User,
    decision: Decision | None,
) -> RegistrationDecision:
    """Check the nominee allows the decision and, with ``decision``, record it (in a transaction).

    Without ``decision`` (a proposal) nothing is written: the checks only refuse early.
    """
    locked = Nomination.objects.select_for_update().select_related("election").get(pk=nomination.pk)
    death = kind == DecisionOutcome.DEATH
    if locked.status not in _FROM[kind] or (
        death and RegistrationDecision.objects.filter(nomination=locked, outcome=kind).exists()
    ):
        raise state_refused(locked, str(DecisionOutcome(kind).label))
    election = locked.election
    # A death after the ballot froze is still recorded (the deposit goes back); the
    # name stays on the printed ballot, so the status does not change then.
    frozen = death and _frozen(election)
    if not death:
        refuse_if_frozen(election, _("a registration decision"))
    summary = signature_summary(nomination=locked)
    verdict = summary.verdict
    profile = candidate_profile(election)
    problems = list(problems)
    if (
        kind == DecisionOutcome.REGISTER
        and profile.deposit_minimum_wages
        and not locked.deposit_paid
    ):
        problems.append(_("the deposit is not paid"))
    if kind == DecisionOutcome.REGISTER and not verdict.register:
        problems.append(
            _(
                "the signatures do not allow registration: %(valid)d valid of %(required)d required, %(units)d units of %(min_units)d"
            )
            % {
                "valid": verdict.estimate,
                "required": summary.threshold.required,
                "units": summary.threshold.units_meeting,
                "min_units": summary.threshold.min_units,
            }
        )
    if (
        kind == DecisionOutcome.REFUSE
        and locked.status == NominationStatus.ELIGIBLE
        and not verdict.refuse
    ):
        problems.append(
            _(
                "the signatures do not allow a refusal: up to %(upper)d valid of %(required)d required"
            )
            % {"upper": verdict.upper_bound, "required": summary.threshold.required}
        )
    cure = cure_window(nomination=locked)
    if (
        kind == DecisionOutcome.REFUSE
        and locked.status == NominationStatus.ELIGIBLE
        and cure is not None
        and cure.open_on(election_today(election=locked.election))
    ):
        problems.append(
            _("the cure window for replacement sheets is open until %(closes)s")
            % {"closes": cure.closes.isoformat()}
        )
    if problems:
        raise DecisionInvalid(
            _("Decision %(number)s on “%(key)s” cannot be recorded: %(problems)s.")
            % {"number": number, "key": locked.key, "problems": "; ".join(problems)},
            data={"errors": problems},
        )
    criteria = [
        {"criterion": a.criterion, "outcome": a.outcome, "reason": a.reason}
        for a in Assessment.objects.filter(nomination=locked).order_by("pk")
    ]
    signatures = {
        "collected": summary.collected,
        "checked": summary.checked,
        "valid": summary.valid,
        "required": summary.threshold.required,
        "units_meeting": summary.threshold.units_meeting,
        "min_units": summary.threshold.min_units,
        "reasons": summary.reasons,
    }
    actor = actor_user(user)
    recorded = RegistrationDecision(
        nomination=locked,
        number=number,
        decided_on=decided_on,
        outcome=kind,
        reasons=reasons,
        votes_for=vote.in_favour,
        votes_against=vote.against,
        votes_abstained=vote.abstained,
        criteria=criteria,
        signatures=signatures,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    if decision is None:
        return recorded
    recorded.save()
    if not frozen:
        locked.status = _TO[kind]
        if locked.status == NominationStatus.WITHDRAWN:
            locked.withdrawn_at = recorded.recorded_at
        locked.save(update_fields=["status", "withdrawn_at"])
    event_record(
        actor=actor,
        role=user.role,
        action="registration.decide",
        object_key=f"{election.key}/{locked.key}",
        payload={
            "election": election.key,
            "nominee": locked.key,
            "number": number,
            "decided_on": decided_on.isoformat(),
            "outcome": kind.value,
            "votes": [vote.in_favour, vote.against, vote.abstained],
            "reasons": text_digest(reasons),
            "failed_criteria": [c["criterion"] for c in criteria if c["outcome"] == Outcome.FAILED],
            "signatures": {k: v for k, v in signatures.items() if k != "reasons"},
            "decision": decision.number,
            "document_sha256": decision.document_sha256,
        },
    )
    return recorded


def registration_propose(
    *,
    nomination: Nomination,
    user: User,
    outcome: str,
    number: str,
    decided_on: dt.date,
    vote: Vote,
    reasons: str,
    document: bytes,
    session: Session | None = None,
) -> Decision:
    """Propose the CEC's reasoned decision to register, refuse or deregister a nominee,
    or to record their death (withdrawn, the deposit returned at settlement).

    A formal decision of the central commission (issues 16 item 2, 18): ``user``
    operates it; the vote is adopted (a majority of those voting) and valid against
    the commission's membership on ``decided_on`` (``commissions.decision_propose``:
    quorum, majority of the members); ``reasons`` are given; the nominee's status
    allows the outcome; a registration needs the deposit paid and the signatures to
    meet the requirement and the unit spread; a refusal of an eligible nominee needs
    the signatures to fail them (on a sample: the upper confidence bound below the
    requirement) and waits for the end of the cure window, where the profile has one;
    a death is recorded once, at any stage, even after the ballot froze (the status
    then stays as printed). Nothing about the nomination changes until another CEC
    operator confirms it (``registration_confirm``). Returns the pending decision.
    Raises ``DecisionInvalid``, ``NominationState``, ``PermissionDenied``,
    ``DecisionNotValid`` or ``DecisionNumberTaken``; nothing is written then. With
    ``session`` the decision is adopted at that open session of the CEC (the
    sessions and decisions register), else outside a session.
    """
    kind = _kind(outcome)
    reasons = reasons.strip()
    problems = _problems(vote, reasons)
    election = nomination.election
    with transaction.atomic():  # refuse early a decision that could never apply
        _apply(
            nomination=nomination,
            kind=kind,
            number=number,
            decided_on=decided_on,
            vote=vote,
            reasons=reasons,
            problems=problems,
            user=user,
            decision=None,
        )
    return decision_propose(
        user=user,
        commission=commission_top_get(geography=election.geography),
        number=number,
        on=decided_on,
        title=_("Registration decision on “%(key)s”") % {"key": nomination.key},
        reasons=reasons,
        vote=DecisionVote(0, vote.voting, vote.in_favour, vote.against, vote.abstained),
        quorum=election_decision_quorum(election=election),
        document=document,
        session=session,
        action={
            "kind": REGISTRATION_ACTION,
            "election": election.key,
            "nomination": nomination.key,
            "outcome": kind.value,
            "decided_on": decided_on.isoformat(),
            "votes": [vote.in_favour, vote.against, vote.abstained],
        },
    )


def registration_confirm(
    *, user: User, nomination: Nomination, number: str
) -> RegistrationDecision:
    """Confirm the CEC's pending decision No. ``number`` on the nominee and apply it.

    ``user`` is the second pair of eyes (``commissions.services.decision_confirm``);
    then the nominee's status changes and the registration decision is recorded in
    the proposer's name, keeping every criterion's outcome and the signature summary
    as they are now, with one ``registration.decide`` event citing the decision's
    number and document SHA-256. Raises ``NotFound``, ``DecisionInvalid``,
    ``DecisionNeedsAnotherOperator``, ``DecisionNotPending`` or ``NominationState``;
    the decision stays pending and nothing is written then.
    """
    election = nomination.election
    cec = commission_top_get(geography=election.geography)
    decision = decision_get(geography=election.geography, commission_code=cec.code, number=number)
    action = decision.action
    if (
        action.get("kind") != REGISTRATION_ACTION
        or action.get("nomination") != nomination.key
        or action.get("election") != election.key
    ):
        raise DecisionInvalid(
            _("Decision No. %(number)s decides nothing on “%(key)s”.")
            % {"number": number, "key": nomination.key},
            data={"number": number, "nomination": nomination.key},
        )
    in_favour, against, abstained = (int(v) for v in action["votes"])
    review = DecisionReview(election_profile(election=election).decision_review)
    with transaction.atomic():
        confirmed = decision_confirm(user=user, decision=decision, review=review)
        proposer = confirmed.proposed_by
        assert proposer is not None
        recorded = _apply(
            nomination=nomination,
            kind=DecisionOutcome(str(action["outcome"])),
            number=number,
            decided_on=dt.date.fromisoformat(str(action["decided_on"])),
            vote=Vote(in_favour, against, abstained),
            reasons=confirmed.reasons,
            problems=[],
            user=proposer,
            decision=confirmed,
        )
    nomination.refresh_from_db()
    return recorded


def _frozen(election: Election) -> bool:
    """Return whether the ballot froze (registration closed) before now."""
    frozen = ballot_freeze_at(election=election)
    return frozen is not None and clock.now() >= frozen


def refuse_if_frozen(election: Election, action: str) -> None:
    """Raise ``BallotFrozen`` when the ballot froze (registration closed) before now."""
    frozen = ballot_freeze_at(election=election)
    if frozen is not None and clock.now() >= frozen:
        raise BallotFrozen(
            _("The ballot of “%(key)s” froze at %(frozen)s: %(action)s is no longer possible.")
            % {
                "key": election.key,
                "frozen": frozen.isoformat(timespec="minutes"),
                "action": action,
            },
            data={"election": election.key, "frozen": frozen.isoformat()},
        )


def ballot_build(*, election: Election, actor: str, role: str = "cec") -> list[str]:
    """Make the registered candidates the election's options, in the profile's order.

    Alphabetical by the Kazakh surname (the state language, kazakhstan-rules.md §4),
    with "against all" last where the profile has it. Returns the option keys.
    Refused (``BallotFrozen``) once registration has closed (``ballot_freeze_at``),
    and (``NoRegisteredCandidates``) while no candidate is registered: a ballot lists
    at least one (an election whose ``election.toml`` takes its candidates from
    registration has none until then). Raises as
    ``elections.services.election.election_revise`` (a ballot with results is never
    rewritten); writes its ``election.revise`` event.
    """
    profile = candidate_profile(election)
    refuse_if_frozen(election, _("rebuilding the ballot"))
    registered = sorted(
        Nomination.objects.select_related("body").filter(
            election=election, status=NominationStatus.REGISTERED
        ),
        key=lambda n: ballot_key(n.name_kk),
    )
    if not registered:
        raise NoRegisteredCandidates(
            _(
                "The ballot of “%(key)s” cannot be made: no candidate is registered. "
                "Register at least one candidate first."
            )
            % {"key": election.key},
            data={"election": election.key},
        )
    options = [
        OptionSpec(
            key=n.key,
            kind=OptionKind.CANDIDATE,
            name_en=n.name_en,
            name_kk=n.name_kk,
            name_ru=n.name_ru,
            nominated_by=n.body.name_en,
        )
        for n in registered
    ]
    if profile.against_all_on_ballot:
        options.append(AGAINST_ALL)
    election_options_replace(election=election, options=options, actor=actor, role=role)
    return [o.key for o in options]
