"""Signature sheets issued to a nominee by the CEC, numbered ([EL-old] Art. 56(3)).

Once sheets are issued to a nominee, a signature file may name only those sheets
(``sheets_unissued``). Where the profile has the CEC issue sheets
(``signature_sheets_issued``, Kazakhstan), a nominee with none issued gets no file
verified; elsewhere such a nominee may name any sheet.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import ValidationFailed
from psephos.ledger.services.events import event_record

from ..models import Nomination, SheetIssue
from .signatures import _collecting_locked

#: At most this many sheets in one issue.
ISSUE_MAX = 100_000


def sheets_issue(
    *, nomination: Nomination, count: int, actor: str, role: str = "cec"
) -> tuple[int, int]:
    """Issue ``count`` more numbered sheets to the nominee; return their first and last numbers.

    Preconditions: the nominee is collecting (``eligible``); 1 ≤ ``count`` ≤
    ``ISSUE_MAX``. Numbers continue after the last issued (from 1). One
    ``sheets.issue`` event. Raises ``ValidationFailed`` or ``NominationState``.
    """
    if not 1 <= count <= ISSUE_MAX:
        raise ValidationFailed(
            _("Issue from 1 to %(max)d sheets, not %(count)d.")
            % {"max": ISSUE_MAX, "count": count},
            data={"field": "count"},
        )
    with transaction.atomic():
        locked = _collecting_locked(nomination, _("issuing signature sheets"))
        last = SheetIssue.objects.filter(nomination=locked).aggregate(m=Max("last"))["m"] or 0
        first = last + 1
        SheetIssue.objects.create(
            nomination=locked, first=first, last=last + count, issued_at=clock.now()
        )
        event_record(
            actor=actor,
            role=role,
            action="sheets.issue",
            object_key=f"{locked.election.key}/{locked.key}",
            payload={
                "election": locked.election.key,
                "nominee": locked.key,
                "first": first,
                "last": last + count,
            },
        )
    return first, last + count
