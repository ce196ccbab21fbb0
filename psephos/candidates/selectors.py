"""Reads of the candidates domain: nominees, their assessments and signature summaries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import F, QuerySet, Sum
from django.utils.translation import gettext as _

from psephos.commissions.selectors import commission_top_get, decisions_pending_for
from psephos.core import clock
from psephos.core.zones import date_in_zone
from psephos.elections.calendar_selectors import CalendarUnavailable, election_calendar_for
from psephos.elections.selectors import election_options, elections_list
from psephos.territory.selectors import regions_list
from psephos.voters.selectors import register_size

from .enums import DecisionOutcome
from .errors import BodyNotFound, NoCandidates, NominationNotFound
from .models import (
    Assessment,
    NominatingBody,
    Nomination,
    NominationProxy,
    RegistrationDecision,
    SheetIssue,
    SignatureImport,
    SignatureLine,
    SignatureTally,
)
from .profile import candidate_profile
from .rules.ballot_pdf import BallotLine, ballot_pdf
from .rules.signatures import (
    SignatureVerdict,
    Threshold,
    required_signatures,
    signature_verdict,
    threshold_check,
)

if TYPE_CHECKING:
    from psephos.commissions.models import Decision
    from psephos.elections.models import Election

#: The ``action`` kind of a CEC decision on a nominee's registration.
REGISTRATION_ACTION = "registration.decide"


def body_get(*, key: str) -> NominatingBody:
    """Return the nominating body with this key or raise ``BodyNotFound``."""
    body = NominatingBody.objects.filter(key=key).first()
    if body is None:
        raise BodyNotFound(_("No nominating body “%(key)s”.") % {"key": key}, data={"body": key})
    return body


def nomination_get(*, election: Election, key: str) -> Nomination:
    """Return the election's nominee with this key or raise ``NominationNotFound``."""
    nomination = (
        Nomination.objects.select_related("election", "body")
        .filter(election=election, key=key)
        .first()
    )
    if nomination is None:
        raise NominationNotFound(
            _("No nominee “%(key)s” in election “%(election)s”.")
            % {"key": key, "election": election.key},
            data={"nominee": key, "election": election.key},
        )
    return nomination


def nominations_list_for_election(*, election: Election) -> QuerySet[Nomination]:
    """Return the election's nominees (with their bodies) in order of submission."""
    return (
        Nomination.objects.select_related("body")
        .filter(election=election)
        .order_by("submitted_at", "key")
    )


def elections_with_candidates(*, geography_id: int) -> list[Election]:
    """Return the map's elections whose profile has candidates, newest first."""
    out = []
    for election in elections_list(geography_id=geography_id):
        try:
            candidate_profile(election)
        except NoCandidates:
            continue
        out.append(election)
    return out


def registration_decisions(*, nomination: Nomination) -> list[RegistrationDecision]:
    """Return the nominee's confirmed registration decisions, oldest first."""
    return list(RegistrationDecision.objects.filter(nomination=nomination).order_by("pk"))


def nominees_deceased(*, election: Election) -> frozenset[str]:
    """Return the keys of the election's nominees whose death the CEC recorded."""
    return frozenset(
        RegistrationDecision.objects.filter(
            nomination__election=election, outcome=DecisionOutcome.DEATH
        ).values_list("nomination__key", flat=True)
    )


def registrations_pending(*, nomination: Nomination) -> list[Decision]:
    """Return the CEC's decisions on the nominee still awaiting a second operator."""
    election = nomination.election
    cec = commission_top_get(geography=election.geography)
    return [
        d
        for d in decisions_pending_for(commission=cec)
        if d.action.get("kind") == REGISTRATION_ACTION
        and d.action.get("election") == election.key
        and d.action.get("nomination") == nomination.key
    ]


@dataclass(frozen=True, slots=True)
class CureWindow:
    """The days after the first verification protocol when replacement sheets count."""

    opens: dt.date  # the day of the first verification protocol
    closes: dt.date  # its last day (inclusive)

    def open_on(self, day: dt.date) -> bool:
        return self.opens <= day <= self.closes


def election_today(*, election: Election, at: dt.datetime | None = None) -> dt.date:
    """Return the calendar date at ``at`` (default: now) in the election's time zone (its
    map's): the collection and cure windows count these days, not UTC's."""
    return date_in_zone(clock.now() if at is None else at, election.geography.timezone)


def cure_window(*, nomination: Nomination) -> CureWindow | None:
    """Return the nominee's cure window, or None (the profile has none, or nothing is
    verified yet). Days are counted as the collection window's are: calendar dates in
    the election's time zone (``election_today``)."""
    days = candidate_profile(nomination.election).signature_cure_days
    if days <= 0:
        return None
    first = (
        SignatureImport.objects.filter(nomination=nomination)
        .order_by("imported_at")
        .values_list("imported_at", flat=True)
        .first()
    )
    if first is None:
        return None
    opens = election_today(election=nomination.election, at=first)
    return CureWindow(opens, opens + dt.timedelta(days=days))


def signing_window(*, nomination: Nomination, today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the days a signature line may be dated: the collection window, extended to
    the cure window's last day while that window is open on ``today``."""
    assert nomination.collection_opens is not None and nomination.collection_closes is not None
    cure = cure_window(nomination=nomination)
    if cure is not None and cure.open_on(today):
        return nomination.collection_opens, max(nomination.collection_closes, cure.closes)
    return nomination.collection_opens, nomination.collection_closes


def sheets_issued_any(*, nomination: Nomination) -> bool:
    """Return whether any signature sheet was issued to the nominee."""
    return SheetIssue.objects.filter(nomination=nomination).exists()


def sheets_unissued(*, nomination: Nomination, numbers: list[int]) -> list[int]:
    """Return which of ``numbers`` were never issued to the nominee, in order; none
    when no sheet was recorded as issued to them (issuing is then not checked: the
    profile does not have the CEC issue sheets, ``signature_sheets_issued``)."""
    ranges = list(SheetIssue.objects.filter(nomination=nomination).values_list("first", "last"))
    if not ranges:
        return []
    return sorted(n for n in set(numbers) if not any(a <= n <= b for a, b in ranges))


def samples_unfinished(*, nomination: Nomination) -> list[SignatureImport]:
    """Return the nominee's sampled signature files with lines not checked yet, oldest first.

    Each can be completed (``services.signatures.signatures_check_rest``) with the same file.
    """
    return list(
        SignatureImport.objects.filter(nomination=nomination, checked__lt=F("lines"))
        .exclude(sample_seed="")
        .order_by("imported_at", "pk")
    )


@dataclass(frozen=True, slots=True)
class RejectedLine:
    """A rejected signature line as the nominee's proxy sees it: no IIN, the name masked."""

    sheet: int
    line: int
    unit_code: str
    masked_name: str
    reasons: list[str]


def rejected_lines(*, nomination: Nomination, limit: int = 5000) -> list[RejectedLine]:
    """Return the nominee's rejected lines by sheet and line (at most ``limit``)."""
    rows = (
        SignatureLine.objects.filter(nomination=nomination)
        .exclude(reasons="")
        .order_by("sheet", "line")
        .values_list("sheet", "line", "unit_code", "masked_name", "reasons")[:limit]
    )
    return [RejectedLine(s, n, u, m, r.split(",")) for s, n, u, m, r in rows]


def proxies_list(*, nomination: Nomination) -> list[NominationProxy]:
    """Return the nominee's proxies (with their accounts), in order of appointment."""
    return list(
        NominationProxy.objects.filter(nomination=nomination)
        .select_related("user")
        .order_by("appointed_at", "pk")
    )


def is_proxy(*, nomination: Nomination, user_id: int, finance_officer: bool = False) -> bool:
    """Return whether the user is a proxy of the nominee (its finance officer, if asked)."""
    proxies = NominationProxy.objects.filter(nomination=nomination, user_id=user_id)
    if finance_officer:
        proxies = proxies.filter(finance_officer=True)
    return proxies.exists()


def assessments_for_nomination(*, nomination: Nomination) -> list[Assessment]:
    return list(Assessment.objects.filter(nomination=nomination).order_by("pk"))


@dataclass(frozen=True, slots=True)
class UnitTally:
    unit_code: str
    collected: int
    checked: int
    valid: int
    reasons: dict[str, int]


@dataclass(frozen=True, slots=True)
class SignatureSummary:
    """The public verification summary of one nominee: totals, by unit, by reason, threshold."""

    collected: int
    checked: int
    valid: int
    reasons: dict[str, int]
    units: list[UnitTally]
    threshold: Threshold
    verdict: SignatureVerdict


def signature_requirement(*, election: Election) -> int:
    """Return the national minimum of valid signatures for the election's register.

    The profile's ``signatures_register_basis`` (the register counted on the law's
    date) when set, else the register's current size.
    """
    profile = candidate_profile(election)
    basis = profile.signatures_register_basis or register_size(geography_id=election.geography_id)
    return required_signatures(basis, profile.signatures_basis_points)


def signature_summary(
    *,
    nomination: Nomination,
    required: int | None = None,
    units: list[str] | None = None,
    tallies: list[SignatureTally] | None = None,
) -> SignatureSummary:
    """Return the nominee's signature summary.

    A list of nominees passes what they share, read once: ``required`` (the register
    count), ``units`` (the map's first-level unit codes) and each one's prefetched
    ``tallies``.
    """
    election = nomination.election
    profile = candidate_profile(election)
    if units is None:
        units = [u.code for u in regions_list(geography_id=election.geography_id)]
    if tallies is None:
        tallies = list(SignatureTally.objects.filter(nomination=nomination))
    by_unit = {t.unit_code: t for t in tallies}
    rows = [
        UnitTally(
            code,
            by_unit[code].collected if code in by_unit else 0,
            by_unit[code].checked if code in by_unit else 0,
            by_unit[code].valid if code in by_unit else 0,
            dict(by_unit[code].reasons) if code in by_unit else {},
        )
        for code in units + sorted(set(by_unit) - set(units))
    ]
    reasons: dict[str, int] = {}
    for row in rows:
        for code, n in row.reasons.items():
            reasons[code] = reasons.get(code, 0) + n
    threshold = threshold_check(
        {r.unit_code: r.valid for r in rows if r.unit_code in units},
        required=signature_requirement(election=election) if required is None else required,
        min_units=profile.signatures_min_units,
        min_valid_per_unit=profile.signatures_min_valid_per_unit,
    )
    collected = sum(r.collected for r in rows)
    checked = sum(r.checked for r in rows)
    valid = sum(r.valid for r in rows)
    return SignatureSummary(
        collected=collected,
        checked=checked,
        valid=valid,
        reasons=dict(sorted(reasons.items())),
        units=rows,
        threshold=threshold,
        verdict=signature_verdict(
            collected=collected,
            checked=checked,
            valid=valid,
            required=threshold.required,
            unit_spread="unit_spread" not in threshold.problems,
            confidence=profile.signature_sample_confidence,
        ),
    )


@dataclass(frozen=True, slots=True)
class PublicNomination:
    """One nominee as the portal and the API publish it (no IIN, no signer)."""

    nomination: Nomination
    assessments: list[Assessment]
    summary: SignatureSummary
    decisions: list[RegistrationDecision]


def nominations_public(*, election: Election, key: str | None = None) -> list[PublicNomination]:
    """Return every nominee (or the one with ``key``) with criteria, signatures and decisions.

    Raise ``NominationNotFound`` when ``key`` names no nominee.
    """
    required = signature_requirement(election=election)
    units = [u.code for u in regions_list(geography_id=election.geography_id)]
    nominations = nominations_list_for_election(election=election).prefetch_related(
        "assessments", "decisions", "tallies"
    )
    if key is not None:
        nominations = nominations.filter(pk=nomination_get(election=election, key=key).pk)
    out = []
    for n in list(nominations):
        n.election = election
        out.append(
            PublicNomination(
                nomination=n,
                assessments=sorted(n.assessments.all(), key=lambda a: a.pk),
                summary=signature_summary(
                    nomination=n, required=required, units=units, tallies=list(n.tallies.all())
                ),
                decisions=sorted(n.decisions.all(), key=lambda d: d.pk),
            )
        )
    return out


def ballot_freeze_at(*, election: Election) -> dt.datetime | None:
    """Return the instant the ballot freezes: registration closes (the legal calendar).

    After it no registration decision applies and the ballot is not rebuilt; None when
    the calendar has no registration close (or the calling date is unknown).
    """
    try:
        calendar = election_calendar_for(election, called=election.called_on)
        event = calendar.get("registration_closes")
    except (KeyError, CalendarUnavailable):
        return None
    return dt.datetime.combine(
        event.start, event.start_time or dt.time(0), ZoneInfo(calendar.timezone)
    )


def ballot_lines(*, election: Election) -> list[BallotLine]:
    """Return the ballot's lines in order, with the three names and the nominating body."""
    return [
        BallotLine(o.ballot_order, o.name_kk, o.name_ru, o.name_en, o.nominated_by)
        for o in election_options(election=election)
    ]


def ballot_proof(*, election: Election) -> bytes:
    """Return the PDF proof of the election's ballot as it stands (three languages).

    Raises ``NoCandidates`` for an election without candidates.
    """
    candidate_profile(election)
    frozen = ballot_freeze_at(election=election)
    return ballot_pdf(
        titles=(election.name_kk, election.name_ru, election.name_en),
        lines=ballot_lines(election=election),
        frozen=frozen.isoformat(timespec="minutes") if frozen else "—",
        labels=(_("PROOF — not a ballot paper"), _("The ballot freezes at")),
    )


def signature_rejection_counts(*, election: Election) -> tuple[int, int]:
    """Count the election's rejected signature lines that state a reason, and all rejected.

    Rejected: checked and not valid, summed over the units' verification protocols;
    with a reason: a stored checked line with at least one reason code. Two queries.
    """
    nominations = Nomination.objects.filter(election=election)
    sums = SignatureTally.objects.filter(nomination__in=nominations).aggregate(
        checked=Sum("checked"), valid=Sum("valid")
    )
    rejected = (sums["checked"] or 0) - (sums["valid"] or 0)
    reasoned = SignatureLine.objects.filter(nomination__in=nominations).exclude(reasons="").count()
    return reasoned, rejected
