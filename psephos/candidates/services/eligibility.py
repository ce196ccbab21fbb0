"""Decide a nominee's eligibility criterion by criterion."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from psephos.core import clock
from psephos.ledger.actors import text_digest
from psephos.ledger.services.events import event_record

from ..enums import Criterion, NominationStatus
from ..errors import EligibilityIncomplete
from ..models import Assessment, Nomination
from ..profile import candidate_profile, criteria_rules
from ..rules import eligibility as rules
from ..selectors import election_today
from .nominations import state_refused

PROBLEM_MESSAGES = {
    "not_applied": gettext_lazy("the profile does not apply this criterion"),
    "duplicate": gettext_lazy("the criterion is given twice"),
    "age_disagrees": gettext_lazy(
        "the outcome disagrees with the age computed from the birth date"
    ),
    "missing": gettext_lazy("the criterion has no outcome"),
    "outcome": gettext_lazy("the outcome must be “met” or “failed”"),
    "exempt_not_allowed": gettext_lazy("only the incumbent's language test may be exempt"),
    "evidence_missing": gettext_lazy("the evidence is missing"),
    "reason_missing": gettext_lazy("a failed criterion needs its reason"),
    "language_record_missing": gettext_lazy("the language test needs its examiners and date"),
}


def eligibility_decide(
    *,
    nomination: Nomination,
    assessments: list[rules.Assessment],
    actor: str,
    role: str = "cec",
) -> Nomination:
    """Store every criterion's outcome and make the nominee eligible or ineligible.

    Preconditions: the nominee is ``submitted``; every criterion the profile applies
    has an outcome with evidence; every failed one has its reason (ODIHR P3: a
    refusal names what was failed). The age is computed from the birth date. An
    eligible nominee gets the signature collection window (from today in the election's
    time zone, the profile's
    ``signature_collection_days``). Raises ``EligibilityIncomplete`` listing every
    problem, or ``NominationState``. Writes one ``nomination.eligibility`` event whose
    payload has each criterion's outcome and the digests of the reasons.
    """
    election = nomination.election
    profile = candidate_profile(election)
    ordered, problems = rules.assessment_complete(
        criteria_rules(profile),
        assessments,
        birth_date=nomination.birth_date,
        voting_day=election.date,
        incumbent=nomination.incumbent,
    )
    if problems:
        errors = [
            f"{Criterion(p.criterion).label if p.criterion in Criterion.values else p.criterion}: "
            f"{PROBLEM_MESSAGES[p.code]}"
            for p in problems
        ]
        raise EligibilityIncomplete(
            _("The eligibility assessment of “%(key)s” is incomplete: %(errors)s.")
            % {"key": nomination.key, "errors": "; ".join(errors)},
            data={"errors": [{"criterion": p.criterion, "code": p.code} for p in problems]},
        )
    now = clock.now()
    passed = rules.eligible(ordered)
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.status != NominationStatus.SUBMITTED:
            raise state_refused(locked, _("assessment"))
        Assessment.objects.bulk_create(
            [
                Assessment(
                    nomination=locked,
                    criterion=a.criterion,
                    outcome=a.outcome,
                    evidence=a.evidence,
                    reason=a.reason,
                    examiners=list(a.examiners),
                    held_on=a.held_on,
                    assessed_at=now,
                )
                for a in ordered
            ]
        )
        fields = ["status"]
        if passed:
            locked.status = NominationStatus.ELIGIBLE
            today = election_today(election=election, at=now)
            locked.collection_opens = today
            locked.collection_closes = today + dt.timedelta(
                days=profile.signature_collection_days - 1
            )
            fields += ["collection_opens", "collection_closes"]
        else:
            locked.status = NominationStatus.INELIGIBLE
        locked.save(update_fields=fields)
        event_record(
            actor=actor,
            role=role,
            action="nomination.eligibility",
            object_key=f"{election.key}/{locked.key}",
            payload={
                "election": election.key,
                "nominee": locked.key,
                "eligible": passed,
                "criteria": {
                    a.criterion: {"outcome": a.outcome, "reason": text_digest(a.reason)}
                    if a.reason
                    else {"outcome": a.outcome}
                    for a in ordered
                },
            },
        )
    return locked
