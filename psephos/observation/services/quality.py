"""Apply the quality checks and the organisation's inclusion rules to stored submissions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from psephos.ledger.actors import SYSTEM
from psephos.ledger.services.events import event_record

from ..models import Organisation, Submission
from ..rules.quality import InclusionRules, Sub, quality_check
from .forms import form_spec

if TYPE_CHECKING:
    from psephos.elections.models import Election


def quality_apply(*, election: Election, organisation: Organisation) -> dict[str, int]:
    """Flag late, inconsistent and conflicting submissions; mark which enter the findings.

    Deadlines come from ``organisation.inclusion_rules["deadlines"]`` (form → ISO
    time). Excluded submissions keep their reasons and stay visible. Returns
    counts of flagged and excluded submissions.
    """
    cfg = organisation.inclusion_rules or {}
    rules = InclusionRules.from_dict(cfg)
    deadlines = {
        form: dt.datetime.fromisoformat(when) for form, when in (cfg.get("deadlines") or {}).items()
    }
    with transaction.atomic():
        subs = list(
            Submission.objects.select_for_update()
            .filter(election=election, organisation=organisation)
            .select_related("form", "observer")
        )
        names: dict[str, dict[str, str]] = {}
        items = []
        for s in subs:
            spec = form_spec(s.form)
            names.setdefault(s.form.key, {q.id: q.name for q in spec.questions})
            items.append(
                Sub(
                    id=s.pk,
                    form=s.form.key,
                    place=s.place_code,
                    observer=s.observer.code,
                    answers=s.answers,
                    submitted_at=s.submitted_at,
                )
            )
        verdicts = quality_check(items, names=names, deadlines=deadlines, rules=rules)
        changed = []
        for s in subs:
            v = verdicts[s.pk]
            reasons = v.reasons if not v.included else []
            if s.flags != v.flags or s.included != v.included or s.excluded_reasons != reasons:
                s.flags, s.included, s.excluded_reasons = v.flags, v.included, reasons
                changed.append(s)
        Submission.objects.bulk_update(
            changed, ["flags", "included", "excluded_reasons"], batch_size=1000
        )
        summary = {
            "checked": len(subs),
            "flagged": sum(1 for v in verdicts.values() if v.flags),
            "excluded": sum(1 for v in verdicts.values() if not v.included),
        }
        event_record(
            actor=SYSTEM,
            role="observation",
            action="observation.quality.apply",
            object_key=f"observation/{organisation.key}/{election.key}/quality",
            payload=summary,
        )
    return summary
