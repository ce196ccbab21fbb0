"""JSON API at /api/v1/observation/: forms, submissions, SMS webhook, findings, accreditations."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.security import HttpBearer, django_auth

from psephos.elections.selectors import election_get

from .access import access_submit, session_two_factor_ok
from .errors import SmsSignatureInvalid
from .selectors import (
    accreditation_by_token,
    accreditation_list_public,
    findings_all,
    findings_csv,
    findings_for,
    observer_roster,
    organisation_get,
)
from .services.forms import forms_available
from .services.organisations import api_token_user
from .services.submissions import sms_receive, submission_record

router = Router(tags=["observation"])


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


AUTH = [TokenAuth(), django_auth]


class SubmissionIn(Schema):
    election: str
    form: str
    client_id: str
    station: str = ""
    tec: str = ""
    answers: dict[str, Any]
    submitted_at: dt.datetime | None = None


class SubmissionOut(Schema):
    id: int
    client_id: str
    created: bool
    place: str
    included: bool


@router.get("/forms", auth=AUTH)
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


class SmsIn(Schema):
    sender: str
    text: str


@router.post("/sms/{election}")
def sms_webhook(request: HttpRequest, election: str, payload: SmsIn) -> dict[str, Any]:
    """Receive a coded SMS from the gateway; the body is signed with HMAC-SHA256 (X-Signature)."""
    secret = _sms_secret()
    given = request.headers.get("X-Signature", "")
    expected = hmac.new(secret, request.body, hashlib.sha256).hexdigest() if secret else ""
    if not secret or not hmac.compare_digest(given, expected):
        raise SmsSignatureInvalid("The SMS gateway signature is missing or wrong.")
    msg = sms_receive(election=election_get(key=election), sender=payload.sender, text=payload.text)
    return {"reply": msg.reply, "recorded": msg.ok}


@router.get("/findings/{election}")
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


@router.get("/accreditations/{election}")
def accreditations(request: HttpRequest, election: str) -> list[dict[str, Any]]:
    """Return the public list of accreditation decisions (badge numbers, no names)."""
    return accreditation_list_public(election=election_get(key=election))


@router.get("/badge/{token}")
def badge_check(request: HttpRequest, token: str) -> dict[str, Any]:
    """Return what a badge's QR code certifies."""
    acc = accreditation_by_token(token=token)
    return {
        "badge": acc.observer.code,
        "organisation": acc.observer.organisation.name,
        "election": acc.election.key,
        "status": acc.status,
        "valid": acc.status == "accredited",
    }


@router.get("/organisations/{key}/observers", auth=django_auth)
def roster(request: HttpRequest, key: str) -> list[dict[str, Any]]:
    """Return the roster to an organisation admin with two-factor login, in the admin's regions."""
    return observer_roster(
        user=request.user,
        organisation=organisation_get(key=key),
        two_factor_ok=session_two_factor_ok(request.session, request.user),
    )
