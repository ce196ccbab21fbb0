"""The paper protocol's pages: the PEC prints it; the TEC enters it from its QR code.

Thin: ``access_*``, the selector or service, render. A refused code is shown on the
page with its reason and status; nothing is written then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from psephos.accounts.access import access_protocol_decide
from psephos.core.errors import DomainError
from psephos.results.errors import ProtocolBreaksRelations
from psephos.results.labels import LINE_LABELS, breach_message
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.selectors.protocols import station_pec_get
from psephos.results.services.keying import (
    AttachmentRefused,
    attachment_limit,
    attachment_read,
    protocol_attach,
)
from psephos.voters.selectors import election_station_get

from .access import access_protocol_paper
from .errors import ProtocolQrPending
from .selectors_protocol import LANGUAGES, protocol_paper
from .services.protocol_qr import protocol_qr_enter

if TYPE_CHECKING:
    from psephos.accounts.models import User

MAX_QR_TEXT = 4000


@login_required
def protocol_pdf_page(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """Download the station's protocol as a PDF with its QR code, in the commission's language.

    ``?paper=kk|ru|en`` picks another of the three (``?language=`` alone is the page's
    language switch, ``web.middleware.LanguageSwitchMiddleware``).
    """
    election, station = election_station_get(key=key, code=code)
    user: User = request.user  # type: ignore[assignment]
    pec = station_pec_get(election=election, station_code=station.code, with_station=False)
    access_protocol_paper(user, station, pec.parent_id)
    asked = request.GET.get("paper", "")
    language = asked if asked in LANGUAGES else pec.language
    data, _figures = protocol_paper(election=election, station=station, language=language)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{election.key}-{station.code}-protocol-{language}.pdf"'
    )
    return response


@login_required
def protocol_scan_page(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """Let a TEC operator enter a station's paper protocol from its QR code.

    The code is read by the page (camera or a photo of the paper) or pasted as text;
    the service checks its station and digest and records one keying entry. A code with
    lines psephos did not know (null) brings the page back with a field for each, keyed
    from the paper (``pending-<line>``); the code's text stays in the form.
    """
    election, station = election_station_get(key=key, code=code)
    user: User = request.user  # type: ignore[assignment]
    access_protocol_decide(
        user, station_pec_get(election=election, station_code=station.code, with_station=False)
    )
    error, status, breaches = "", 200, []
    text = ""
    pending: list[dict[str, object]] = []
    if request.method == "POST":
        text = request.POST.get("qr", "")[:MAX_QR_TEXT]
        keyed = _pending_keyed(request)
        try:
            outcome = protocol_qr_enter(
                user=user, election=election, station=station, text=text, pending=keyed
            )
        except DomainError as exc:
            error, status = exc.message, exc.http_status
            if isinstance(exc, ProtocolQrPending):
                pending = [
                    {
                        "name": name,
                        "number": LINE_NAMES.index(name) + 1,
                        "label": LINE_LABELS[name],
                        "value": request.POST.get(f"pending-{name}", ""),
                    }
                    for name in exc.data["pending"]
                ]
            if isinstance(exc, ProtocolBreaksRelations):
                breaches = [breach_message(b) for b in exc.data.get("breaches", [])]
        else:
            if outcome.state == "submitted":
                note = _(
                    "The QR code agrees with the other entry: the protocol of station %(code)s "
                    "is submitted (version %(n)s)."
                ) % {"code": station.code, "n": outcome.version}
            elif outcome.state == "mismatch":
                note = _(
                    "The QR code differs from the other entry of station %(code)s: a third "
                    "operator enters the paper protocol again."
                ) % {"code": station.code}
            else:
                note = _(
                    "The QR code of station %(code)s is entered: another operator scans or keys "
                    "the same paper protocol."
                ) % {"code": station.code}
            messages.success(request, note)
            return redirect("web:protocol-keying", key=election.key, code=station.code)
    return render(
        request,
        "pollingday/protocol_scan.html",
        {
            "election": election,
            "station": station,
            "error": error,
            "breaches": breaches,
            "text": text,
            "pending": pending,
        },
        status=status,
    )


def _pending_keyed(request: HttpRequest) -> dict[str, int]:
    """Return the lines keyed from the paper (``pending-<line>``) that are counts (0 or more).

    A field left empty or not a count is left out: the service then names its line.
    """
    keyed: dict[str, int] = {}
    for name in LINE_NAMES:
        raw = request.POST.get(f"pending-{name}", "").strip()
        if raw.isascii() and raw.isdigit():
            keyed[name] = int(raw)
    return keyed


@login_required
def protocol_photo_page(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """Let the station's PEC (or the TEC above) upload the photo or scan of the signed paper.

    The file is refused before it is read whole when it is too large or not a PNG, JPEG
    or PDF; the stored file's SHA-256 goes into the ledger and onto the station page.
    """
    election, station = election_station_get(key=key, code=code)
    user: User = request.user  # type: ignore[assignment]
    pec = station_pec_get(election=election, station_code=station.code, with_station=False)
    access_protocol_paper(user, station, pec.parent_id)
    error, status = "", 200
    if request.method == "POST":
        upload = request.FILES.get("photo")
        try:
            if upload is None:
                raise AttachmentRefused(
                    _("Choose the photo or scan of the signed protocol."),
                    data={"station": station.code, "field": "photo"},
                )
            content = attachment_read(upload, station_code=station.code)
            attachment = protocol_attach(
                user=user, election=election, station_code=station.code, content=content
            )
        except DomainError as exc:
            error, status = exc.message, exc.http_status
        else:
            messages.success(
                request,
                _("The signed protocol is stored and published; its SHA-256 is %(sha)s.")
                % {"sha": attachment.sha256},
            )
            return redirect("pollingday:protocol-photo", key=election.key, code=station.code)
    return render(
        request,
        "pollingday/protocol_photo.html",
        {
            "election": election,
            "station": station,
            "error": error,
            "limit_mb": f"{attachment_limit() / 1024 / 1024:g}",
        },
        status=status,
    )
