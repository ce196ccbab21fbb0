"""Observation pages: public accreditation list and badge check, findings, mobile form, admin."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from psephos.core.errors import DomainError
from psephos.core.i18n import localized
from psephos.elections.selectors import election_get, election_options, elections_list

from .access import (
    access_coordinate,
    access_submit,
    session_two_factor_ok,
    session_two_factor_pass,
)
from .enums import AccreditationStatus
from .errors import TwoFactorAlreadySetUp, TwoFactorLocked
from .selectors import (
    access_log_list,
    accreditation_by_token,
    accreditation_list_public,
    accreditations_by_badge,
    coverage,
    findings_all,
    findings_csv,
    findings_markdown,
    observer_roster,
    organisation_get,
    quickcount_estimate,
    quickcount_official,
    totp_confirmed,
    totp_pending,
)
from .services.forms import forms_available
from .services.organisations import totp_device_create, totp_verify

STATIC = Path(__file__).resolve().parent / "static" / "observation"


def index(request: HttpRequest) -> HttpResponse:
    """List each election's public observation pages, and the observers' checklist."""
    return render(request, "observation/index.html", {"elections": elections_list()})


def accreditations(request: HttpRequest, election: str) -> HttpResponse:
    """Show the public list of accreditation decisions."""
    e = election_get(key=election)
    rows = [
        {**r, "status_label": AccreditationStatus(r["status"]).label}
        for r in accreditation_list_public(election=e)
    ]
    return render(request, "observation/accreditations.html", {"election": e, "rows": rows})


def badge(request: HttpRequest, token: str) -> HttpResponse:
    """Show what a badge certifies: anyone scanning its QR code lands here."""
    acc = accreditation_by_token(token=token)
    return render(request, "observation/badge.html", {"acc": acc})


def badge_number(request: HttpRequest) -> HttpResponse:
    """Check a badge by the number printed on it: ``?number=`` lists its accreditations.

    An unknown number is answered on the same page (404) so that it can be corrected.
    """
    number = request.GET.get("number", "").strip()
    rows: list[Any] = []
    error: DomainError | None = None
    if number:
        try:
            rows = accreditations_by_badge(number=number)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "observation/badge_number.html",
        {"number": number, "rows": rows, "error": error.message if error else ""},
        status=error.http_status if error else 200,
    )


def badge_qr(request: HttpRequest, token: str) -> HttpResponse:
    """Return the badge's QR code pointing at its public check page.

    A stand-alone SVG document needs the SVG namespace on its root (the inline form
    used inside HTML pages leaves it out, and browsers then refuse the image).
    """
    accreditation_by_token(token=token)
    url = request.build_absolute_uri(reverse("observation:badge", args=[token]))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgclass=None)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


#: A finding said in words, by measure; the plural follows the denominator ``n``.
_FINDING_WORDS = {
    "problem": ngettext_lazy(
        "Problem reported in %(count)s of %(n)s observation.",
        "Problem reported in %(count)s of %(n)s observations.",
        "n",
    ),
    "yes": ngettext_lazy(
        "Answered yes in %(count)s of %(n)s observation.",
        "Answered yes in %(count)s of %(n)s observations.",
        "n",
    ),
    "selected": ngettext_lazy(
        "Selected in %(count)s of %(n)s observation.",
        "Selected in %(count)s of %(n)s observations.",
        "n",
    ),
    "negative": ngettext_lazy(
        "Assessed negatively in %(count)s of %(n)s observation.",
        "Assessed negatively in %(count)s of %(n)s observations.",
        "n",
    ),
    "positive": ngettext_lazy(
        "Assessed positively in %(count)s of %(n)s observation.",
        "Assessed positively in %(count)s of %(n)s observations.",
        "n",
    ),
}


def finding_words(row: dict[str, Any]) -> str:
    """Say a finding's figure in words, in the page's language.

    "Problem reported in 3 of 40 observations" rather than the measure's code and a bare
    count; a question nobody was asked says so.
    """
    if not row["denominator"]:
        return _("No observation answered this question.")
    values = {"count": row["count"], "n": row["denominator"]}
    return str(_FINDING_WORDS[row["measure"]] % values)


def findings(request: HttpRequest, election: str) -> HttpResponse:
    """Show findings with denominators; ``?format=csv|md`` downloads them."""
    e = election_get(key=election)
    key = request.GET.get("organisation", "")
    org = organisation_get(key=key) if key else None
    reports = findings_all(election=e, organisation=org)
    fmt = request.GET.get("format")
    if fmt == "csv":
        resp = HttpResponse(findings_csv(reports), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="findings-{e.key}.csv"'
        return resp
    if fmt == "md":
        return HttpResponse(findings_markdown(reports), content_type="text/markdown; charset=utf-8")
    for rep in reports:
        for row in rep.rows:
            if row["dimension"] == "all":
                row["words"] = finding_words(row)
                # Fractions for the portal's percent filter (the page's decimal comma).
                for key in ("percent", "ci_low", "ci_high"):
                    row[f"{key}_share"] = None if row[key] is None else row[key] / 100
    return render(
        request, "observation/findings.html", {"election": e, "org": org, "reports": reports}
    )


@login_required
def mobile_form(request: HttpRequest) -> HttpResponse:
    """The observer's mobile checklist; it keeps working offline through the service worker."""
    observer = access_submit(user=request.user)
    forms = [f.definition for f in forms_available(organisation=observer.organisation)]
    return render(
        request,
        "observation/form.html",
        {"observer": observer, "forms": forms, "elections": request.GET.get("election", "")},
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    """Serve the service worker from /observation/ so that it controls the form page."""
    resp = HttpResponse((STATIC / "sw.js").read_text(), content_type="application/javascript")
    resp["Service-Worker-Allowed"] = "/observation/"
    resp["Cache-Control"] = "no-cache"
    return resp


def _landing(request: HttpRequest, target: str) -> str:
    """Return ``target`` if it is a URL on this site, else the observation index.

    ``next`` comes from the query string, so anyone can put any address there: an
    absolute or scheme-relative URL to another site would turn a passed check into a
    trusted-looking hop to a phishing page.
    """
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("observation:index")


def _retry_after(response: HttpResponse, error: DomainError | None) -> HttpResponse:
    """Add ``Retry-After`` to the refusal of a locked two-factor check."""
    if isinstance(error, TwoFactorLocked):
        response["Retry-After"] = str(error.data["retry_after_seconds"])
    return response


@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the authenticator code; success verifies this session and follows ``next``.

    ``next`` is followed only to a page of this site (``_landing``).
    """
    error: DomainError | None = None
    if request.method == "POST":
        try:
            device = totp_verify(user=request.user, code=request.POST.get("code", ""))
        except DomainError as exc:
            error = exc
        else:
            session_two_factor_pass(request.session, device)
            return redirect(_landing(request, request.GET.get("next", "")))
    response = render(
        request,
        "observation/two_factor.html",
        {"error": error.message if error else "", "set_up": totp_confirmed(user=request.user)},
        status=error.http_status if error else 200,
    )
    return _retry_after(response, error)


@login_required
def roster(request: HttpRequest, organisation: str) -> HttpResponse:
    """Show the roster (personal data, logged) and the access log to an organisation admin."""
    org = organisation_get(key=organisation)
    ok = session_two_factor_ok(request.session, request.user)
    if not ok:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('observation:two_factor')}?{query}")
    rows = observer_roster(user=request.user, organisation=org, two_factor_ok=ok)
    log = access_log_list(user=request.user, organisation=org, two_factor_ok=ok)
    return render(
        request,
        "observation/roster.html",
        {"org": org, "rows": rows, "log": log, "title": _("Observers")},
    )


@login_required
def coverage_page(request: HttpRequest, organisation: str, election: str) -> HttpResponse:
    """Show the coverage dashboard: assigned, reported, missing, late by region."""
    org = organisation_get(key=organisation)
    access_coordinate(user=request.user, organisation=org)
    e = election_get(key=election)
    rows = coverage(election=e, organisation=org)
    totals = {k: sum(r[k] for r in rows) for k in ("assigned", "reported", "missing", "late")}
    return render(
        request,
        "observation/coverage.html",
        {"org": org, "election": e, "rows": rows, "totals": totals},
    )


def quickcount_page(request: HttpRequest, organisation: str, election: str) -> HttpResponse:
    """Show the quick count: estimates with margins beside the official figures."""
    org = organisation_get(key=organisation)
    e = election_get(key=election)
    est = quickcount_estimate(
        election=e, organisation=org, official=quickcount_official(election=e)
    )
    labels: dict[str, str] = {"turnout": _("Turnout"), "invalid": _("Invalid ballots")}
    labels.update({f"votes_{o.key}": localized(o) for o in election_options(election=e)})
    return render(
        request,
        "observation/quickcount.html",
        {"org": org, "election": e, "est": est, "labels": labels},
    )


@login_required
@never_cache
@sensitive_variables("enrolment", "qr", "key")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: a POST generates a secret and shows it, once.

    A GET only reads: it offers to generate a secret, or, when one is waiting for its
    first code, the confirmation form without the secret. The secret is not shown
    again because whoever could read it later (a shared screen, the browser's cache
    or history, a hijacked session) would hold the second factor the moment its owner
    confirms it; losing it costs only a new POST, which replaces the unconfirmed
    authenticator. So the POST answers with the page itself (never cached) instead of
    redirecting: a GET after a redirect could only show the secret by storing it.

    A confirmed authenticator cannot be replaced from here (that needs another
    admin), so a stolen password alone cannot switch the second factor.
    """
    if request.method == "POST":
        try:
            enrolment = totp_device_create(user=request.user)
        except TwoFactorAlreadySetUp:
            return redirect("observation:two_factor")
        qr = segno.make(enrolment.uri, error="m").svg_inline(scale=4)
        key = " ".join(textwrap.wrap(enrolment.secret, 4))
        return render(request, "observation/two_factor_setup.html", {"qr": qr, "key": key})
    if totp_confirmed(user=request.user):
        return redirect("observation:two_factor")
    return render(
        request,
        "observation/two_factor_setup.html",
        {"pending": totp_pending(user=request.user)},
    )


@login_required
@sensitive_post_parameters("code")
@require_POST
def two_factor_setup_confirm(request: HttpRequest) -> HttpResponse:
    """Confirm a new authenticator with its first code, then redirect (Post/Redirect/Get).

    Success also marks this session as two-factor verified. A wrong code re-renders
    the set-up page (without the secret) with the refusal; nothing is written then.
    """
    if totp_confirmed(user=request.user):
        return redirect("observation:two_factor")
    try:
        device = totp_verify(user=request.user, code=request.POST.get("code", ""))
    except DomainError as exc:
        response = render(
            request,
            "observation/two_factor_setup.html",
            {"pending": totp_pending(user=request.user), "error": exc.message},
            status=exc.http_status,
        )
        return _retry_after(response, exc)
    session_two_factor_pass(request.session, device)
    messages.success(request, _("Your authenticator is set up and this login is confirmed."))
    return redirect("observation:index")
