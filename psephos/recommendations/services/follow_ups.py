"""The commission's own follow-up of a recommendation: what was done, when, with documents."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.ledger.actors import actor_user, text_digest
from psephos.ledger.services.events import event_record

from ..access import access_follow_up
from ..errors import FollowUpInvalid
from ..models import FollowUp, FollowUpDocument, Recommendation

if TYPE_CHECKING:
    from psephos.accounts.models import User

SHA256 = re.compile(r"^[0-9a-f]{64}$")
TEXT_MAX = 10_000
DOCUMENTS_MAX = 20
URL_MAX = 500  # FollowUpDocument.url


@dataclass(frozen=True)
class DocumentRef:
    title: str
    sha256: str
    url: str = ""


def _problems(done_on: dt.date, text: str, documents: list[DocumentRef]) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if not text:
        errors.append({"field": "text", "message": _("Say what was done.")})
    elif "\x00" in text:
        errors.append({"field": "text", "message": _("The text holds a NUL character.")})
    elif len(text) > TEXT_MAX:
        errors.append(
            {
                "field": "text",
                "message": _("The text is longer than %(max)d characters.") % {"max": TEXT_MAX},
            }
        )
    if done_on > clock.now().date():
        errors.append({"field": "done_on", "message": _("The date is in the future.")})
    if len(documents) > DOCUMENTS_MAX:
        errors.append(
            {
                "field": "documents",
                "message": _("At most %(max)d documents.") % {"max": DOCUMENTS_MAX},
            }
        )
    for i, d in enumerate(documents):
        if not d.title.strip():
            errors.append({"field": f"documents[{i}].title", "message": _("Give the title.")})
        if not SHA256.match(d.sha256):
            errors.append(
                {
                    "field": f"documents[{i}].sha256",
                    "message": _("A SHA-256 is 64 hexadecimal digits in lower case."),
                }
            )
        if len(d.url) > URL_MAX:
            errors.append(
                {
                    "field": f"documents[{i}].url",
                    "message": _("The address is longer than %(max)d characters.")
                    % {"max": URL_MAX},
                }
            )
        elif d.url and not d.url.startswith(("https://", "http://")):
            errors.append(
                {
                    "field": f"documents[{i}].url",
                    "message": _("An address starts with https:// or http://."),
                }
            )
    return errors


def follow_up_record(
    *,
    recommendation: Recommendation,
    user: User,
    done_on: dt.date,
    text: str,
    documents: list[DocumentRef],
) -> FollowUp:
    """Record the user's commission's note of what it did about ``recommendation``.

    Preconditions: ``user`` is a central commission operator; the text is given (at most
    ``TEXT_MAX`` characters); ``done_on`` is not in the future; each document has a title,
    a SHA-256 (64 lower-case hex digits) and, optionally, an http(s) address. Side effects:
    one note and its documents; one ``follow_up.record`` ledger event with the text's and
    the titles' SHA-256 and the documents' SHA-256 (never the text). Raises
    ``PermissionDenied`` or ``FollowUpInvalid`` (every problem in ``data['errors']``);
    nothing is written then.
    """
    access_follow_up(user)
    commission_id = user.commission_id
    assert commission_id is not None  # the access check requires a commission
    text = text.strip()
    problems = _problems(done_on, text, documents)
    if problems:
        raise FollowUpInvalid(
            _("The follow-up note cannot be recorded: %(problems)s")
            % {"problems": "; ".join(f"{p['field']}: {p['message']}" for p in problems)},
            data={"errors": problems},
        )
    with transaction.atomic():
        note = FollowUp.objects.create(
            recommendation=recommendation,
            commission_id=commission_id,
            done_on=done_on,
            text=text,
            text_sha256=text_digest(text),
            entered_at=clock.now(),
        )
        FollowUpDocument.objects.bulk_create(
            FollowUpDocument(
                follow_up=note,
                position=i + 1,
                title=d.title.strip()[:300],
                url=d.url,
                sha256=d.sha256,
            )
            for i, d in enumerate(documents)
        )
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="follow_up.record",
            object_key=recommendation.key,
            payload={
                "recommendation": recommendation.key,
                "follow_up": note.pk,
                "done_on": done_on.isoformat(),
                "text_sha256": note.text_sha256,
                "documents": [
                    {"title_sha256": text_digest(d.title.strip()[:300]), "sha256": d.sha256}
                    for d in documents
                ],
            },
        )
    return note
