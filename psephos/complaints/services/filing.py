"""File complaints (appeals: ``appeals.py``); the write both share (``complaint_store``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from psephos.commissions.selectors import commission_get
from psephos.core import clock
from psephos.core.errors import Conflict, NotFound, RateLimited
from psephos.core.ratelimit import rate_hit
from psephos.core.uploads import upload_sizes
from psephos.ledger.actors import PUBLIC
from psephos.ledger.services.events import event_record

from ..enums import (
    BodyKind,
    ComplainantKind,
    ComplaintStatus,
    Outcome,
    RespondentKind,
    SubjectKind,
)
from ..errors import ComplaintInvalid, EvidenceRejected
from ..models import Complaint, ComplaintDecision, Evidence
from ..rules.deadlines import (
    decision_deadline,
    filing_check,
    has_results_standing,
    local_day,
)
from ..rules.evidence import (
    EvidenceProblem,
    evidence_problems,
    evidence_size_problems,
    evidence_storage_name,
    sha256_hex,
    sniff_type,
)
from .common import Route, body_key, disputes_for, route_complaint, zone_for

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election

MAX_TEXT = 10_000


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    filename: str
    content: bytes


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": str(message)}


def _commission(election: Election, code: str) -> Commission | None:
    """Return the commission with this code, or ``None`` (the caller names the problem)."""
    try:
        return commission_get(geography=election.geography, code=code)
    except NotFound:
        return None


def evidence_from_uploads(files: Sequence[Any]) -> list[EvidenceFile]:
    """Return uploaded files as evidence, refusing too many or too large before reading any.

    ``files`` are Django ``UploadedFile`` objects (pages and API alike): their sizes were
    counted as they streamed in, so a file over the limit is refused without its
    content being read into memory. Raises ``EvidenceRejected`` naming each file.
    """
    _refuse(evidence_size_problems(upload_sizes(files)))
    return [EvidenceFile(f.name or "file", f.read()) for f in files]


def evidence_store(content: bytes, sha256: str) -> str:
    """Write a file's content to the default storage under its digest; return its name.

    Content-addressed, so the same file filed twice is stored once; written before the
    transaction commits, so a committed row never names a missing file (a rolled-back
    filing can leave an unreferenced copy, never a dangling reference).
    """
    name = evidence_storage_name(sha256)
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name


def check_evidence(evidence: list[EvidenceFile]) -> None:
    """Raise ``EvidenceRejected`` naming each file that is not accepted."""
    _refuse(evidence_problems([(f.filename, f.content) for f in evidence]))


def _refuse(problems: list[EvidenceProblem]) -> None:
    if problems:
        raise EvidenceRejected(
            _("The evidence was not accepted; nothing was stored."),
            data={
                "errors": [
                    _problem(f"evidence:{p.filename}" if p.filename else "evidence", p.message)
                    for p in problems
                ]
            },
        )


def _refuse_if_flooding(*, client: str | None, election: Election) -> None:
    """Count a public filing from ``client``; raise ``RateLimited`` past the limits.

    Two windows of an hour: filings from one address for one election
    (``COMPLAINTS_PUBLIC_PER_ELECTION_HOUR``) and from one address for any election
    (``COMPLAINTS_PUBLIC_PER_HOUR``). Staff filings (``client`` None) are not counted.
    """
    if client is None:
        return
    from django.conf import settings

    limits = (
        (
            "complaint_election",
            f"{client}|{election.key}",
            "COMPLAINTS_PUBLIC_PER_ELECTION_HOUR",
            5,
        ),
        ("complaint_address", client, "COMPLAINTS_PUBLIC_PER_HOUR", 20),
    )
    for scope, key, setting, default in limits:
        limit = int(getattr(settings, setting, default))
        if rate_hit(scope=scope, client=key, window_seconds=3600) > limit:
            raise RateLimited(
                _(
                    "Too many complaints from this address: at most %(limit)d an hour. "
                    "Try again later; a complaint can also be filed on paper at the commission."
                )
                % {"limit": limit},
                data={"retry_after": 3600, "limit": limit},
            )


def _dismiss_by_rule(
    complaint: Complaint, *, in_time: tuple[bool, str], standing: tuple[bool, str]
) -> ComplaintDecision:
    """Record the summary dismissal of a complaint filed out of time or without standing.

    The rule decides, not an operator: the decision cites it as the facts and the law,
    is dated at filing, and the complaint is decided (it blocks nothing, issue 16 item 8).
    """
    rules = [rule for ok, rule in (in_time, standing) if not ok]
    facts = [
        _("Filed out of time.") if not in_time[0] else "",
        _("Filed by a complainant without standing.") if not standing[0] else "",
    ]
    return ComplaintDecision.objects.create(
        complaint=complaint,
        decided_at=complaint.filed_at,
        decided_by=complaint.body_commission.code
        if complaint.body_commission
        else complaint.body_court,
        facts=" ".join(f for f in facts if f),
        law=_("Dismissed summarily by rule: %(rules)s") % {"rules": " ".join(rules)},
        outcome=Outcome.DISMISSED,
    )


def complaint_store(
    *,
    election: Election,
    fields: dict[str, Any],
    route: Route,
    filed_at: dt.datetime,
    zone_commission: Commission | None,
    evidence: list[EvidenceFile],
    in_time: tuple[bool, str],
    standing: tuple[bool, str],
    appeal_of: Complaint | None,
    actor: str,
    role: str,
) -> Complaint:
    """Store a complaint or an appeal already checked, with its evidence and deadline.

    The one write of a filing (``complaint_file``) and of an appeal
    (``appeals.complaint_appeal``): the complaint row, its evidence, a summary dismissal
    when the profile says so, and one ledger event, in one transaction.
    """
    disputes = disputes_for(election)
    tz = zone_for(election, zone_commission)
    deadline = decision_deadline(
        filed_at=filed_at,
        voting_day=election.date,
        tz=tz,
        profile=disputes,
        appeal=appeal_of is not None,
    )
    suspended = fields.get("also_in_court", False) and route.body_kind == BodyKind.COMMISSION
    dismissed = disputes.summary_dismissal and not (in_time[0] and standing[0])
    status = ComplaintStatus.OPEN
    if dismissed:
        status = ComplaintStatus.DECIDED
    elif suspended:
        status = ComplaintStatus.SUSPENDED
    with transaction.atomic():
        # Numbers are per election. Two filings racing for the same number meet the
        # unique constraint; the loser re-reads the highest number and tries again.
        for attempt in range(5):
            number = (
                Complaint.objects.filter(election=election).aggregate(n=Max("number"))["n"] or 0
            ) + 1
            key = f"{election.key}-c{number:04d}"
            try:
                with transaction.atomic():
                    complaint = Complaint.objects.create(
                        key=key,
                        election=election,
                        number=number,
                        filed_at=filed_at,
                        timezone=tz.key,
                        body_kind=route.body_kind,
                        body_commission=route.commission,
                        body_court=route.court,
                        status=status,
                        out_of_time=not in_time[0],
                        out_of_time_rule="" if in_time[0] else in_time[1],
                        no_standing=not standing[0],
                        standing_rule="" if standing[0] else standing[1],
                        decide_by=deadline.decide_by,
                        immediate=deadline.immediate,
                        deadline_rule=f"{route.rule} {deadline.rule}",
                        appeal_of=appeal_of,
                        **fields,
                    )
                break
            except IntegrityError:
                if attempt == 4:
                    raise Conflict(
                        _("Another complaint was filed at the same moment; submit again."),
                        data={"election": election.key},
                    ) from None
        if dismissed:
            _dismiss_by_rule(complaint, in_time=in_time, standing=standing)
        hashes = []
        for position, f in enumerate(evidence, start=1):
            digest = sha256_hex(f.content)
            hashes.append(digest)
            Evidence.objects.create(
                complaint=complaint,
                position=position,
                filename=f.filename[:200],
                content_type=sniff_type(f.content) or "",
                size=len(f.content),
                sha256=digest,
                storage_name=evidence_store(f.content, digest),
            )
        event_record(
            actor=actor,
            role=role,
            action="complaint.appeal" if appeal_of else "complaint.file",
            object_key=complaint.key,
            payload={
                "election": election.key,
                "complainant_kind": complaint.complainant_kind,
                "subject_kind": complaint.subject_kind,
                "body": body_key(route.commission, route.court),
                "decide_by": complaint.decide_by.isoformat(),
                "immediate": complaint.immediate,
                "out_of_time": complaint.out_of_time,
                "no_standing": complaint.no_standing,
                "status": complaint.status,
                "dismissed_by_rule": dismissed,
                "appeal_of": appeal_of.key if appeal_of else None,
                "evidence_sha256": hashes,
            },
        )
    return complaint


def complaint_file(
    *,
    election: Election,
    complainant_kind: str,
    complainant_name: str,
    complainant_contact: str = "",
    respondent_kind: str,
    respondent_commission_code: str = "",
    respondent_name: str = "",
    addressed_to_code: str = "",
    subject_kind: str,
    subject_date: dt.date | None,
    summary: str,
    remedy: str,
    evidence: list[EvidenceFile] | None = None,
    to_court: bool = False,
    also_in_court: bool = False,
    court_reference: str = "",
    source_incident: str = "",
    actor: str = PUBLIC,
    role: str = "public",
    filed_at: dt.datetime | None = None,
    client: str | None = None,
) -> Complaint:
    """File a complaint about an election and return it.

    Precondition: none; anyone may file, a public filer (``client``: the address's
    rate-limit key) a few times an hour (``_refuse_if_flooding``). Validates every
    field and the evidence, routes the complaint (``route_complaint``), marks it out
    of time or without standing with the rule cited; such a complaint is registered
    and, under the profile's ``summary_dismissal``, dismissed by rule at once, so it
    blocks nothing. Sets the deadline to decide, suspends it when it is also before a
    court, stores the evidence with its SHA-256 and records a ledger event without
    personal data. Raises ``RateLimited``, ``ComplaintInvalid`` listing every
    problem, or ``EvidenceRejected``; nothing is stored then.
    """
    evidence = evidence or []
    filed_at = filed_at or clock.now()
    _refuse_if_flooding(client=client, election=election)
    complainant_name, summary, remedy = (
        complainant_name.strip(),
        summary.strip(),
        remedy.strip(),
    )
    errors = complainant_problems(complainant_kind, complainant_name, complainant_contact)
    respondent: Commission | None = None
    if respondent_kind not in RespondentKind.values:
        errors.append(
            _problem(
                "respondent_kind",
                _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(RespondentKind.values)},
            )
        )
    elif respondent_kind == RespondentKind.COMMISSION:
        if not respondent_commission_code:
            errors.append(
                _problem(
                    "respondent_commission", _("Give the code of the commission complained about.")
                )
            )
        else:
            respondent = _commission(election, respondent_commission_code)
            if respondent is None:
                errors.append(
                    _problem(
                        "respondent_commission",
                        _("No commission “%(code)s” in this election.")
                        % {"code": respondent_commission_code},
                    )
                )
    elif not respondent_name.strip():
        errors.append(
            _problem("respondent_name", _("Name the official or candidate complained about."))
        )
    addressed_to: Commission | None = None
    if addressed_to_code:
        addressed_to = _commission(election, addressed_to_code)
        if addressed_to is None:
            errors.append(
                _problem(
                    "addressed_to",
                    _("No commission “%(code)s” in this election.") % {"code": addressed_to_code},
                )
            )
    if subject_kind not in SubjectKind.values:
        errors.append(
            _problem(
                "subject_kind",
                _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(SubjectKind.values)},
            )
        )
    disputes = disputes_for(election)
    tz = zone_for(election, respondent or addressed_to)
    if subject_date is None:
        errors.append(
            _problem("subject_date", _("Give the date of the decision, action or inaction."))
        )
    elif subject_date > local_day(filed_at, tz):
        errors.append(
            _problem(
                "subject_date",
                _("The date %(date)s is in the future.") % {"date": subject_date.isoformat()},
            )
        )
    errors.extend(claim_problems(summary, remedy))
    if to_court and also_in_court:
        errors.append(
            _problem(
                "also_in_court",
                _("A complaint filed with a court cannot also be marked as filed with a court."),
            )
        )
    if also_in_court and not court_reference.strip():
        errors.append(
            _problem("court_reference", _("Give the court and case number of the parallel case."))
        )
    if errors:
        raise ComplaintInvalid(
            _("The complaint has %(n)d problem(s); nothing was stored.") % {"n": len(errors)},
            data={"errors": errors},
        )
    check_evidence(evidence)
    assert subject_date is not None
    results = subject_kind == SubjectKind.RESULTS
    check = filing_check(
        subject_date=subject_date, filed_at=filed_at, tz=tz, profile=disputes, results=results
    )
    standing = (True, "")
    if results and not has_results_standing(complainant_kind, disputes):
        standing = (
            False,
            _(
                "Under this election's rule profile only these may challenge the results: %(who)s "
                "([P] §XI). The complaint is registered and will be dismissed unless the profile changes."
            )
            % {"who": ", ".join(sorted(disputes.results_challenge_standing))},
        )
    route = route_complaint(
        election=election,
        subject_kind=subject_kind,
        respondent=respondent,
        addressed_to=addressed_to,
        to_court=to_court,
        disputes=disputes,
    )
    return complaint_store(
        election=election,
        fields={
            "complainant_kind": complainant_kind,
            "complainant_name": complainant_name,
            "complainant_contact": complainant_contact.strip(),
            "respondent_kind": respondent_kind,
            "respondent_commission": respondent,
            "respondent_name": respondent_name.strip(),
            "subject_kind": subject_kind,
            "subject_date": subject_date,
            "summary": summary,
            "remedy": remedy,
            "also_in_court": also_in_court,
            "court_reference": court_reference.strip(),
            "source_incident": source_incident,
        },
        route=route,
        filed_at=filed_at,
        zone_commission=respondent or addressed_to,
        evidence=evidence,
        in_time=(check.in_time, check.rule),
        standing=standing,
        appeal_of=None,
        actor=actor,
        role=role,
    )


def complainant_problems(kind: str, name: str, contact: str) -> list[dict[str, str]]:
    """Return the problems of the complainant's kind, name (required) and contact."""
    errors: list[dict[str, str]] = []
    if kind not in ComplainantKind.values:
        errors.append(
            _problem(
                "complainant_kind",
                _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(ComplainantKind.values)},
            )
        )
    if not name:
        errors.append(_problem("complainant_name", _("Give the complainant's name.")))
    elif len(name) > 200:
        errors.append(_problem("complainant_name", _("The name has more than 200 characters.")))
    if len(contact) > 200:
        errors.append(
            _problem("complainant_contact", _("The contact has more than 200 characters."))
        )
    return errors


def claim_problems(summary: str, remedy: str) -> list[dict[str, str]]:
    """Return the problems of what happened and the remedy asked (each required, ≤ MAX_TEXT)."""
    errors: list[dict[str, str]] = []
    if not summary:
        errors.append(_problem("summary", _("Describe what happened.")))
    elif len(summary) > MAX_TEXT:
        errors.append(_problem("summary", _("The description has more than 10,000 characters.")))
    if not remedy:
        errors.append(_problem("remedy", _("Say what you ask the body to do.")))
    elif len(remedy) > MAX_TEXT:
        errors.append(_problem("remedy", _("The remedy has more than 10,000 characters.")))
    return errors
