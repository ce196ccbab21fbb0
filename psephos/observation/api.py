"""JSON API at /api/v1/observation/: forms, submissions, SMS webhook, findings, accreditations."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Body, File, Router, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from psephos.accounts.authentication import STAFF_AUTH
from psephos.commissions.register import session_chosen
from psephos.commissions.rules.decisions import DecisionVote
from psephos.commissions.schemas import DecisionPendingOut, decision_pending_out, document_decode
from psephos.commissions.selectors import commission_top_get
from psephos.core import clock
from psephos.core.i18n import localized
from psephos.elections.selectors import election_get
from psephos.territory.selectors import region_get

from .access import (
    access_coordinate,
    access_organisation_manage,
    access_submit,
    session_two_factor_ok,
)
from .errors import SmsSignatureInvalid
from .schemas import (
    AccreditationDecisionOut,
    AccreditationPublicOut,
    ApplicationOut,
    ApplyIn,
    AssignIn,
    AssignmentOut,
    BadgeOut,
    CoverageOut,
    DecideIn,
    FindingsReportOut,
    FormOut,
    IncidentIn,
    IncidentOut,
    IncidentStatusOut,
    ObserverCreatedOut,
    ObserverIn,
    ObserverPersonalOut,
    QuickCountOut,
    RulesOut,
    SampleIn,
    SampleOut,
    SmsIn,
    SmsOut,
    SubmissionIn,
    SubmissionOut,
    TransitionIn,
)
from .selectors import (
    accreditation_by_token,
    accreditation_get,
    accreditation_list_public,
    accreditations_by_badge,
    coverage,
    findings_all,
    findings_csv,
    findings_for,
    incident_get,
    observer_detail,
    observer_in_organisation,
    observer_roster,
    organisation_get,
    quickcount_estimate,
    quickcount_official,
    quickcount_station_check,
)
from .services.deployment import assignment_set
from .services.forms import form_export_xlsform, form_import_xlsform, form_resolve, forms_available
from .services.incidents import incident_complaint_url, incident_report, incident_transition
from .services.observers import (
    accreditation_apply,
    accreditation_decision_confirm,
    accreditation_propose,
    observer_register,
)
from .services.organisations import organisation_rules_set
from .services.quickcount import quickcount_sample_draw
from .services.submissions import sms_receive, submission_record

router = Router(tags=["observation"])


# Observers' phones use the same bearer tokens as staff (``psephos api_token``).
AUTH = STAFF_AUTH


@router.get("/forms", auth=AUTH, response=list[dict[str, Any]])
def forms_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the latest version of every form the observer's organisation uses."""
    observer = access_submit(user=request.user)
    return [
        f.definition | {"version": f.version}
        for f in forms_available(organisation=observer.organisation)
    ]


@router.post("/submissions", auth=AUTH, response={200: SubmissionOut, 201: SubmissionOut})
def submissions_create(request: HttpRequest, payload: SubmissionIn) -> Status:
    """Record a checklist; replaying the same client id returns the stored one (200)."""
    observer = access_submit(user=request.user)
    sub, created = submission_record(
        observer=observer,
        election=election_get(key=payload.election),
        form_key=payload.form,
        client_id=payload.client_id,
        answers=payload.answers,
        station_code=payload.station,
        tec_code=payload.tec,
        submitted_at=payload.submitted_at,
        channel="api",
    )
    body = {
        "id": sub.pk,
        "client_id": sub.client_id,
        "created": created,
        "place": sub.place_code,
        "included": sub.included,
    }
    return Status(201 if created else 200, body)


def _sms_secret() -> bytes:
    env = os.environ.get("PSEPHOS_SMS_SECRET", "")
    if env:
        return env.encode()
    path = settings.PSEPHOS_KEY_DIR / "sms.secret"
    return path.read_bytes().strip() if path.exists() else b""


@router.post("/sms/{election}", response=SmsOut)
def sms_webhook(request: HttpRequest, election: str, payload: SmsIn) -> dict[str, Any]:
    """Receive a coded SMS from the gateway; the body is signed with HMAC-SHA256 (X-Signature)."""
    secret = _sms_secret()
    given = request.headers.get("X-Signature", "")
    expected = hmac.new(secret, request.body, hashlib.sha256).hexdigest() if secret else ""
    if not secret or not hmac.compare_digest(given, expected):
        raise SmsSignatureInvalid("The SMS gateway signature is missing or wrong.")
    msg = sms_receive(election=election_get(key=election), sender=payload.sender, text=payload.text)
    return {"reply": msg.reply, "recorded": msg.ok}


@router.get("/findings/{election}", response=list[FindingsReportOut])
def findings(
    request: HttpRequest,
    election: str,
    organisation: str = "",
    form: str = "",
    format: str = "json",
) -> Any:
    """Return findings with denominators (JSON or CSV); public, they hold no personal data."""
    e = election_get(key=election)
    org = organisation_get(key=organisation) if organisation else None
    reports = (
        [findings_for(election=e, form_key=form, organisation=org)]
        if form
        else findings_all(election=e, organisation=org)
    )
    if format == "csv":
        return HttpResponse(findings_csv(reports), content_type="text/csv; charset=utf-8")
    return [r.__dict__ for r in reports]


@router.get("/accreditations/{election}", response=list[AccreditationPublicOut])
def accreditations(request: HttpRequest, election: str) -> list[dict[str, Any]]:
    """Return the public list of accreditation decisions (badge numbers, no names)."""
    return accreditation_list_public(election=election_get(key=election))


def _badge_out(acc: Any) -> dict[str, Any]:
    return {
        "badge": acc.observer.code,
        "organisation": localized(acc.observer.organisation),
        "election": acc.election.key,
        "status": acc.status,
        "valid": acc.status == "accredited",
    }


@router.get("/badge/{token}", response=BadgeOut)
def badge_check(request: HttpRequest, token: str) -> dict[str, Any]:
    """Return what a badge's QR code certifies."""
    return _badge_out(accreditation_by_token(token=token))


@router.get("/badges/{number}", response=list[BadgeOut])
def badge_check_number(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    """Return what a badge number is accredited for, one entry per election (no names)."""
    return [_badge_out(acc) for acc in accreditations_by_badge(number=number)]


@router.get("/organisations/{key}/observers", auth=django_auth, response=list[ObserverPersonalOut])
def roster(request: HttpRequest, key: str) -> list[dict[str, Any]]:
    """Return the roster to an organisation admin with two-factor login, in the admin's regions."""
    return observer_roster(
        user=request.user,
        organisation=organisation_get(key=key),
        two_factor_ok=session_two_factor_ok(request.session, request.user),
    )


def _two_factor(request: HttpRequest) -> bool:
    return session_two_factor_ok(request.session, request.user)


def _observer_of(org_key: str, code: str) -> Any:
    return observer_in_organisation(organisation_key=org_key, code=code)


@router.post(
    "/organisations/{key}/accreditations", auth=django_auth, response={201: ApplicationOut}
)
def accreditation_apply_api(request: HttpRequest, key: str, payload: ApplyIn) -> Status:
    """File an accreditation application for one of the organisation's observers (admin, 2FA)."""
    acc = accreditation_apply(
        observer=_observer_of(key, payload.observer),
        election=election_get(key=payload.election),
        nomination_letter=payload.nomination_letter,
        actor=request.user,
        two_factor_ok=_two_factor(request),
    )
    return Status(
        201, {"badge": payload.observer, "status": acc.status, "decide_by": acc.decide_by}
    )


@router.post(
    "/accreditations/{election}/{badge}/decision",
    auth=django_auth,
    response={202: DecisionPendingOut},
)
def accreditation_decide_api(
    request: HttpRequest, election: str, badge: str, payload: DecideIn
) -> Status:
    """Propose the central commission's decision to accredit, refuse or revoke, with reasons.

    A formal decision: it carries the vote and the signed document and changes nothing
    until another operator of the commission posts to its ``confirm`` path.
    """
    acc = accreditation_get(election_key=election, badge=badge)
    v = payload.vote
    proposed = accreditation_propose(
        accreditations=[acc],
        status=payload.status,
        reasons=payload.reasons,
        user=request.user,  # type: ignore[arg-type]
        number=v.number,
        on=payload.date or clock.now().astimezone(ZoneInfo(acc.election.geography.timezone)).date(),
        vote=DecisionVote(0, v.present, v.votes_for, v.votes_against, v.abstentions),
        document=document_decode(v.document, "vote.document"),
        session=session_chosen(
            commission=commission_top_get(geography=acc.election.geography), number=v.session
        ),
    )
    confirm = f"/api/v1/observation/accreditations/{election}/decisions/{proposed.number}/confirm"
    return Status(202, decision_pending_out(proposed, confirm))


@router.post(
    "/accreditations/{election}/decisions/{number}/confirm",
    auth=django_auth,
    response=list[AccreditationDecisionOut],
)
def accreditation_confirm_api(
    request: HttpRequest, election: str, number: str
) -> list[dict[str, Any]]:
    """Confirm the central commission's pending accreditation decision (a second operator)."""
    rows = accreditation_decision_confirm(
        user=request.user,  # type: ignore[arg-type]
        election=election_get(key=election),
        number=number,
    )
    return [{"badge": a.observer.code, "status": a.status, "reasons": a.reasons} for a in rows]


@router.post("/organisations/{key}/assignments", auth=django_auth, response={201: AssignmentOut})
def assignment_api(request: HttpRequest, key: str, payload: AssignIn) -> Status:
    """Post an observer to a station or TEC now; the previous posting ends (coordinators)."""
    a = assignment_set(
        observer=_observer_of(key, payload.observer),
        election=election_get(key=payload.election),
        kind=payload.kind,
        station_code=payload.station,
        tec_code=payload.tec,
        actor=request.user,
    )
    return Status(201, {"id": a.pk, "kind": a.kind, "starts_at": a.starts_at})


@router.get(
    "/organisations/{key}/coverage/{election}", auth=django_auth, response=list[CoverageOut]
)
def coverage_api(request: HttpRequest, key: str, election: str) -> list[dict[str, Any]]:
    """Return assigned, reported, missing and late per region (coordinators)."""
    org = organisation_get(key=key)
    access_coordinate(user=request.user, organisation=org)
    return coverage(election=election_get(key=election), organisation=org)


@router.post("/incidents", auth=AUTH, response={201: IncidentOut})
def incident_api(request: HttpRequest, payload: IncidentIn) -> Status:
    """Report an incident (observers); returns the case number and the complaint link."""
    observer = access_submit(user=request.user)
    inc = incident_report(
        observer=observer,
        election=election_get(key=payload.election),
        category=payload.category,
        description=payload.description,
        station_code=payload.station,
        occurred_at=payload.occurred_at,
    )
    return Status(
        201,
        {"number": inc.number, "status": inc.status, "complaint_url": incident_complaint_url(inc)},
    )


@router.post(
    "/organisations/{key}/incidents/{number}/status", auth=django_auth, response=IncidentStatusOut
)
def incident_status_api(
    request: HttpRequest, key: str, number: int, payload: TransitionIn
) -> dict[str, Any]:
    """Verify, reject, escalate or resolve a case (coordinators and admins)."""
    inc = incident_get(organisation_key=key, number=number)
    inc = incident_transition(
        incident=inc,
        status=payload.status,
        actor=request.user,
        escalated_to=payload.escalated_to,
        note=payload.note,
    )
    return {"number": inc.number, "status": inc.status, "escalated_to": inc.escalated_to}


@router.get("/organisations/{key}/forms/{form}.xlsx")
def form_xlsform(request: HttpRequest, key: str, form: str) -> HttpResponse:
    """Download a form as XLSForm (forms are not secret)."""
    definition = form_resolve(organisation=organisation_get(key=key), key=form)
    resp = HttpResponse(
        form_export_xlsform(form=definition),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = f'attachment; filename="{form}-v{definition.version}.xlsx"'
    return resp


@router.post("/organisations/{key}/forms", auth=django_auth, response={201: FormOut})
def form_upload(request: HttpRequest, key: str, file: File[UploadedFile]) -> Status:
    """Publish an XLSForm workbook as the organisation's next form version (admin, 2FA)."""
    org = organisation_get(key=key)
    access_organisation_manage(
        user=request.user, organisation=org, two_factor_ok=_two_factor(request)
    )
    form = form_import_xlsform(organisation=org, data=file.read(), actor=request.user)
    return Status(201, {"key": form.key, "version": form.version, "sms_code": form.sms_code})


@router.post("/organisations/{key}/sample", auth=django_auth, response={201: SampleOut})
def sample_api(request: HttpRequest, key: str, payload: SampleIn) -> Status:
    """Draw the quick-count sample once, with the seed to be published (admin, 2FA)."""
    sample = quickcount_sample_draw(
        election=election_get(key=payload.election),
        organisation=organisation_get(key=key),
        size=payload.size,
        seed=payload.seed,
        actor=request.user,
        two_factor_ok=_two_factor(request),
    )
    return Status(
        201, {"seed": sample.seed, "size": sample.size, "strata": len(sample.frame_sizes)}
    )


@router.get("/organisations/{key}/quickcount/{election}", response=QuickCountOut)
def quickcount_api(request: HttpRequest, key: str, election: str) -> dict[str, Any]:
    """Return the quick-count estimates with margins, compared with the official national result."""
    e = election_get(key=election)
    org = organisation_get(key=key)
    est = quickcount_estimate(
        election=e, organisation=org, official=quickcount_official(election=e)
    )
    checks = quickcount_station_check(election=e, organisation=org)
    est["stations_compared"] = sum(1 for c in checks if c["published"])
    est["stations_differing"] = [c for c in checks if c["differences"]]
    return est


@router.post("/organisations/{key}/observers", auth=django_auth, response={201: ObserverCreatedOut})
def observer_create(request: HttpRequest, key: str, payload: ObserverIn) -> Status:
    """Register an observer (admin, 2FA, inside the admin's regions); returns only the badge."""
    region = region_get(code=payload.region)
    observer = observer_register(
        organisation=organisation_get(key=key),
        region=region,
        name=payload.name,
        phone=payload.phone,
        document=payload.document,
        actor=request.user,
        two_factor_ok=_two_factor(request),
    )
    return Status(201, {"badge": observer.code, "region": region.code})


@router.get("/organisations/{key}/observers/{code}", auth=django_auth, response=ObserverPersonalOut)
def observer_get(request: HttpRequest, key: str, code: str) -> dict[str, Any]:
    """Return one observer's personal data to an admin whose regions cover them (logged)."""
    organisation_get(key=key)
    return observer_detail(user=request.user, code=code, two_factor_ok=_two_factor(request))


@router.get("/organisations/{key}/observers.csv", auth=django_auth)
def roster_export(request: HttpRequest, key: str) -> HttpResponse:
    """Export the roster as CSV (admin, 2FA, own regions); the export is logged and watermarked."""
    rows = observer_roster(
        user=request.user,
        organisation=organisation_get(key=key),
        two_factor_ok=_two_factor(request),
        export=True,
    )
    buf = io.StringIO()
    buf.write(f"# exported by {request.user.username}; every export is logged\n")
    writer = csv.DictWriter(
        buf, fieldnames=["code", "region", "name", "phone", "document"], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    resp = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{key}-observers.csv"'
    return resp


@router.put("/organisations/{key}/rules", auth=django_auth, response=RulesOut, exclude_none=True)
def rules_set(request: HttpRequest, key: str, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    """Set the inclusion rules and deadlines (admin, 2FA); run `observation check` to apply."""
    return organisation_rules_set(
        organisation=organisation_get(key=key),
        rules=payload,
        actor=request.user,
        two_factor_ok=_two_factor(request),
    ).inclusion_rules
