"""The central commission's follow-up of ODIHR's recommendations (issue 23): a page per
recommendation with its notes so far and a form to record a new one (CEC operators only;
the same service as ``POST /api/v1/recommendations/recommendations/{key}/follow-ups``)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from psephos.core.errors import DomainError
from psephos.recommendations.access import access_follow_up
from psephos.recommendations.selectors import (
    follow_up_list_for_recommendation,
    recommendation_get,
    recommendation_list_for_report,
    report_list,
)
from psephos.recommendations.services.follow_ups import DocumentRef, follow_up_record

from ..forms import FOLLOW_UP_DOCUMENTS, FollowUpForm
from .base import form_refused, operator

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest, HttpResponse

    from psephos.accounts.models import User
    from psephos.recommendations.models import Recommendation


def _cec(request: HttpRequest) -> User:
    """The logged-in central commission operator, else 403."""
    user, _own = operator(request)
    access_follow_up(user)
    return user


@login_required
def recommendations_page(request: HttpRequest) -> HttpResponse:
    """Every report's recommendations, each with a link to its follow-up page."""
    _cec(request)
    reports = [(r, list(recommendation_list_for_report(report=r))) for r in report_list()]
    return render(request, "backoffice/recommendations.html", {"reports": reports})


def _page(
    request: HttpRequest, rec: Recommendation, form: FollowUpForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "backoffice/follow_ups.html",
        {
            "rec": rec,
            "notes": follow_up_list_for_recommendation(recommendation=rec),
            "form": form,
        },
        status=status,
    )


@login_required
def follow_ups_page(request: HttpRequest, key: str) -> HttpResponse:
    """A recommendation, the central commission's notes on it and the form for a new one."""
    _cec(request)
    return _page(request, recommendation_get(key=key), FollowUpForm())


def _sha256(upload: UploadedFile) -> str:
    h = hashlib.sha256()
    for chunk in upload.chunks():
        h.update(chunk)
    return h.hexdigest()


# The service names a document's problem as documents[i].FIELD; the form's fields are docN_….
_DOC_FIELD = {"title": "title", "sha256": "file", "url": "url"}


@login_required
@require_POST
def follow_up_add_view(request: HttpRequest, key: str) -> HttpResponse:
    """Record the note; each refusal is shown beside its field, nothing is written then."""
    user = _cec(request)
    rec = recommendation_get(key=key)
    form = FollowUpForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, rec, form, status=422)
    d = form.cleaned_data
    rows = [n for n in range(1, FOLLOW_UP_DOCUMENTS + 1) if d.get(f"doc{n}_file")]
    documents = [
        DocumentRef(d[f"doc{n}_title"], _sha256(d[f"doc{n}_file"]), d[f"doc{n}_url"].strip())
        for n in rows
    ]
    try:
        follow_up_record(
            recommendation=rec, user=user, done_on=d["done_on"], text=d["text"], documents=documents
        )
    except DomainError as exc:
        status = form_refused(form, exc) if not exc.data.get("errors") else exc.http_status
        for problem in exc.data.get("errors", []):
            form.add_error(_form_field(str(problem["field"]), rows), str(problem["message"]))
        return _page(request, rec, form, status=status)
    messages.success(request, _("The follow-up note is recorded."))
    return redirect("backoffice:follow-ups", key=rec.key)


def _form_field(field: str, rows: list[int]) -> str | None:
    """The form field of a problem the service names (``text``, ``documents[0].url``…)."""
    if field in ("text", "done_on"):
        return field
    if field.startswith("documents[") and "]." in field:
        index, name = field.removeprefix("documents[").split("].", 1)
        if index.isdigit() and int(index) < len(rows) and name in _DOC_FIELD:
            return f"doc{rows[int(index)]}_{_DOC_FIELD[name]}"
    return None
