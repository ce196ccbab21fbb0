"""The finality guard: may an election's results be marked final now, and if not, why.

The CEC's certify action calls ``election_finality_check`` before it marks the
results final; the portal shows the same reasons. This module only reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from psephos.core import clock

from ..enums import ComplaintStatus, SubjectKind
from ..models import Complaint
from ..rules.deadlines import last_day, window_closes
from ..services.common import disputes_for, results_day_for, route_appeal

if TYPE_CHECKING:
    from psephos.elections.models import Election


@dataclass(frozen=True, slots=True)
class FinalityCheck:
    allowed: bool
    reasons: tuple[str, ...]  # empty when allowed without reservation
    challengeable_until: dt.datetime  # the instant the results challenge window closes (UTC)
    blocking_complaints: tuple[str, ...]  # keys of open results challenges and appealable decisions
    waits_for_challenges: bool  # the profile's rule
    # Results challenges that do not block, each with why: (key, reason).
    not_blocking: tuple[tuple[str, str], ...] = ()


def election_finality_check(election: Election, *, at: dt.datetime | None = None) -> FinalityCheck:
    """Return whether the results of ``election`` may be marked final at ``at`` (default now).

    Not final while a results challenge (or an appeal of one) is undecided or
    suspended, while a decided one can still be appealed, or while the window
    to challenge the results is open, unless the rule profile says the
    election does not wait for challenges; then the reasons are still returned
    and ``allowed`` is true. A challenge filed out of time or without standing
    never blocks under the profile's ``summary_dismissal``: it is listed in
    ``not_blocking`` with why.

    As of ``at``: a challenge or appeal filed later is not looked at, and one decided
    later was still undecided then (the certification evidence asks about the moment of
    certification; with ``at`` now, every complaint is filed and decided before it).
    """
    at = at or clock.now()
    disputes = disputes_for(election)
    tz = ZoneInfo(election.geography.timezone)
    results_day = results_day_for(election)
    last = last_day(
        results_day, disputes.results_challenge_days, extend_to_monday=disputes.extend_to_monday
    )
    closes = window_closes(
        results_day, disputes.results_challenge_days, tz, extend_to_monday=disputes.extend_to_monday
    )
    reasons: list[str] = []
    blocking: list[str] = []
    if at < closes:
        reasons.append(
            _(
                "The results can be challenged at the %(body)s until 24:00 on %(day)s (%(tz)s), "
                "%(days)d days after the results of %(results)s."
            )
            % {
                "body": disputes.results_challenge_body,
                "day": last.isoformat(),
                "tz": tz.key,
                "days": disputes.results_challenge_days,
                "results": results_day.isoformat(),
            }
        )
    challenges = (
        Complaint.objects.filter(
            election=election, subject_kind=SubjectKind.RESULTS, filed_at__lte=at
        )
        .select_related("decision", "body_commission")
        .order_by("number")
    )
    appealed = set(
        Complaint.objects.filter(
            election=election, appeal_of__subject_kind=SubjectKind.RESULTS, filed_at__lte=at
        ).values_list("appeal_of_id", flat=True)
    )
    not_blocking: list[tuple[str, str]] = []
    for c in challenges:
        if disputes.summary_dismissal and (c.no_standing or c.out_of_time):
            why = [
                _("filed out of time") if c.out_of_time else "",
                _("filed without standing") if c.no_standing else "",
            ]
            not_blocking.append(
                (
                    c.key,
                    _("Dismissed summarily by rule (%(why)s): it does not block the results.")
                    % {"why": ", ".join(w for w in why if w)},
                )
            )
            continue
        decision = getattr(c, "decision", None)
        decided_later = decision is not None and decision.decided_at > at
        if c.status in (ComplaintStatus.OPEN, ComplaintStatus.SUSPENDED) or decided_later:
            label = ComplaintStatus.OPEN.label if decided_later else c.get_status_display()
            blocking.append(c.key)
            reasons.append(
                _("Results challenge %(key)s is %(status)s.") % {"key": c.key, "status": label}
            )
            continue
        if c.pk in appealed:
            continue
        if route_appeal(body_kind=c.body_kind, commission=c.body_commission, court=c.body_court):
            appeal_closes = window_closes(
                c.decision.decided_at.astimezone(tz).date(),
                disputes.appeal_days,
                tz,
                extend_to_monday=disputes.extend_to_monday,
            )
            if at < appeal_closes:
                blocking.append(c.key)
                reasons.append(
                    _(
                        "The decision on results challenge %(key)s can be appealed until 24:00 on %(day)s."
                    )
                    % {
                        "key": c.key,
                        "day": (appeal_closes.astimezone(tz) - dt.timedelta(days=1))
                        .date()
                        .isoformat(),
                    }
                )
    allowed = not reasons or not disputes.finality_waits_for_challenges
    return FinalityCheck(
        allowed=allowed,
        reasons=tuple(reasons),
        challengeable_until=closes,
        blocking_complaints=tuple(blocking),
        waits_for_challenges=disputes.finality_waits_for_challenges,
        not_blocking=tuple(not_blocking),
    )


def certify_guard(*, election: Election) -> tuple[str, ...]:
    """Return why ``election`` cannot be certified now (results' ``CERTIFY_GUARDS``).

    The reasons of ``election_finality_check`` when it does not allow it; none when it
    does, even if it gives reasons (a profile that does not wait for challenges).
    """
    check = election_finality_check(election)
    return () if check.allowed else check.reasons
