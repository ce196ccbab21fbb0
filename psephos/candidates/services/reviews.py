"""A document reviewer's findings on signature sheets: one person signed for several voters.

The verifier finds patterns of one hand in the data (one collector's identical
timestamps, sequential IINs); a reviewer holding the paper sheets finds the same
handwriting on several lines. Flagging those lines makes them invalid with their own
reason code, in the units' verification protocols, as if the verifier had found it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core.errors import ValidationFailed
from psephos.ledger.services.events import event_record

from ..models import Nomination, SignatureImport, SignatureLine, SignatureTally
from ..rules.signatures import Reason
from .signatures import _collecting_locked


def signature_lines_flag(
    *, nomination: Nomination, sheet: int, lines: list[int], actor: str, role: str = "cec"
) -> int:
    """Mark checked ``lines`` of ``sheet`` as signed by one person for several voters.

    Preconditions: the nominee is collecting (``eligible``); every line is a checked
    line of the nominee's sheet. Each line gets ``Reason.ONE_SIGNER`` (once: flagging it
    again changes nothing); a line that was valid becomes invalid, so its unit's
    protocol and its import lose one valid line. One ``signatures.flag`` event with the
    sheet, the lines newly flagged and how many were valid. Returns how many valid
    lines became invalid. Raises ``ValidationFailed`` (a line not checked, none given)
    or ``NominationState``; nothing is written then.
    """
    code = Reason.ONE_SIGNER.value
    wanted = sorted(set(lines))
    with transaction.atomic():
        locked = _collecting_locked(nomination, _("a reviewer's finding"))
        found = list(
            SignatureLine.objects.select_for_update()
            .filter(nomination=locked, sheet=sheet, line__in=wanted)
            .order_by("line")
        )
        missing = sorted(set(wanted) - {f.line for f in found})
        if missing or not wanted:
            raise ValidationFailed(
                _(
                    "Sheet %(sheet)d of “%(key)s” has no checked line %(lines)s; nothing was flagged."
                )
                % {
                    "sheet": sheet,
                    "key": locked.key,
                    "lines": ", ".join(map(str, missing)) or "—",
                },
                data={"field": "lines", "sheet": sheet, "missing": missing},
            )
        new = [f for f in found if code not in f.reasons.split(",")]
        was_valid = [f for f in new if not f.reasons]
        for f in new:
            f.reasons = ",".join([r for r in f.reasons.split(",") if r] + [code])
        SignatureLine.objects.bulk_update(new, ["reasons"])
        for unit in sorted({f.unit_code for f in new}):
            tally = SignatureTally.objects.select_for_update().get(
                nomination=locked, unit_code=unit
            )
            here = [f for f in new if f.unit_code == unit]
            tally.reasons = {**tally.reasons, code: tally.reasons.get(code, 0) + len(here)}
            tally.valid -= sum(1 for f in here if f in was_valid)
            tally.save(update_fields=["reasons", "valid"])
        for batch_id in sorted({f.batch_id for f in was_valid}):
            batch = SignatureImport.objects.select_for_update().get(pk=batch_id)
            batch.valid -= sum(1 for f in was_valid if f.batch_id == batch_id)
            batch.save(update_fields=["valid"])
        if new:
            event_record(
                actor=actor,
                role=role,
                action="signatures.flag",
                object_key=f"{locked.election.key}/{locked.key}",
                payload={
                    "election": locked.election.key,
                    "nominee": locked.key,
                    "sheet": sheet,
                    "lines": [f.line for f in new],
                    "reason": code,
                    "valid_before": len(was_valid),
                },
            )
    return len(was_valid)
