"""Pieces shared by the complaint services: profiles, time zones, routing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils.text import slugify
from django.utils.translation import gettext as _

from psephos.commissions.selectors import commission_top_get
from psephos.elections.rules.calendar_profiles import (
    ELECTION_DATES,
    CalendarProfile,
    DisputeProfile,
    calendar_profile_for,
    dispute_profile_for,
)

from ..enums import BodyKind, SubjectKind

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election

SUPREME_COURT = "Supreme Court"
ADMINISTRATIVE_COURT = "Administrative court"
APPEAL_COURT = "Court of appeal"


def disputes_for(election: Election) -> DisputeProfile:
    """Return the dispute rules of the election's profile, or the defaults of §11."""
    try:
        return dispute_profile_for(election.profile_key)
    except KeyError:
        return DisputeProfile(key=election.profile_key)


def results_day_for(election: Election) -> dt.date:
    """Return the day final results were (or are due to be) announced.

    The recorded day when ``ELECTION_DATES`` has this election with the same
    voting day; otherwise the voting day plus the profile's statutory delay.
    """
    dates = ELECTION_DATES.get(election.key)
    if dates is not None and dates.voting == election.date and dates.results_announced:
        return dates.results_announced
    try:
        after = calendar_profile_for(election.profile_key).results_after_voting
    except KeyError:
        after = CalendarProfile(key="", kind="").results_after_voting
    return election.date + dt.timedelta(days=after)


def zone_for(election: Election, commission: Commission | None) -> ZoneInfo:
    """Return the time zone deadlines are counted in: the commission's unit, else the map's."""
    if commission is not None and commission.unit_id is not None:
        return ZoneInfo(commission.unit.timezone)  # type: ignore[union-attr]
    return ZoneInfo(election.geography.timezone)


def body_key(commission: Commission | None, court: str) -> str:
    """Return the deciding body as the ledger names it: a commission's code or a court's key.

    A court is named by a slug of its name (``supreme-court``): a ledger payload holds
    keys and codes, never text with spaces.
    """
    return commission.code if commission is not None else slugify(court)


@dataclass(frozen=True, slots=True)
class Route:
    body_kind: str
    commission: Commission | None
    court: str
    rule: str


def route_complaint(
    *,
    election: Election,
    subject_kind: str,
    respondent: Commission | None,
    addressed_to: Commission | None,
    to_court: bool,
    disputes: DisputeProfile,
) -> Route:
    """Return the body that decides a new complaint.

    Results challenges go to the body the profile names; a complaint taken to
    court goes to the Supreme Court when it is against the central commission,
    otherwise to an administrative court; a complaint against a commission goes
    to the commission above it (the central commission's decisions go to the
    Supreme Court); one against an official or a candidate goes to the
    commission it is addressed to.
    """
    if subject_kind == SubjectKind.RESULTS:
        return Route(
            BodyKind.COURT,
            None,
            disputes.results_challenge_body,
            _("Results challenges are decided by the %(body)s (rule profile).")
            % {"body": disputes.results_challenge_body},
        )
    if to_court:
        court = (
            SUPREME_COURT
            if respondent is not None and respondent.parent_id is None
            else ADMINISTRATIVE_COURT
        )
        return Route(
            BodyKind.COURT,
            None,
            court,
            _("Filed with a court; the Administrative Procedural Code, Art. 162, applies."),
        )
    if respondent is not None:
        if respondent.parent_id is None:
            return Route(
                BodyKind.COURT,
                None,
                SUPREME_COURT,
                _("Decisions of the central commission are challenged at the Supreme Court."),
            )
        return Route(
            BodyKind.COMMISSION,
            respondent.parent,
            "",
            _("Complaints against a commission go to the commission above it."),
        )
    if addressed_to is None:
        addressed_to = commission_top_get(geography=election.geography)
    return Route(
        BodyKind.COMMISSION,
        addressed_to,
        "",
        _("Complaints against an official or a candidate go to the commission addressed."),
    )


def route_appeal(*, body_kind: str, commission: Commission | None, court: str) -> Route | None:
    """Return where a decision of this body is appealed, or ``None`` if it is final."""
    if body_kind == BodyKind.COMMISSION and commission is not None:
        if commission.parent_id is None:
            return Route(
                BodyKind.COURT,
                None,
                SUPREME_COURT,
                _("Decisions of the central commission are appealed to the Supreme Court."),
            )
        return Route(
            BodyKind.COMMISSION,
            commission.parent,
            "",
            _("Decisions of a lower commission are appealed to the commission above it."),
        )
    if court in (SUPREME_COURT, "Constitutional Council", "Constitutional Court"):
        return None
    return Route(BodyKind.COURT, None, APPEAL_COURT, _("Court decisions are appealed once."))
