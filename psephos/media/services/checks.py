"""The blind second coding: draw the items a second coder codes again."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.ledger.services.events import event_record

from ..errors import PlanInvalid
from ..models import CheckAssignment, CodedItem, MonitoringPlan
from ..rules.agreement import checks_draw

_SEED = re.compile(r"^\S{1,64}$")


def checks_assign(
    *, plan: MonitoringPlan, seed: str, actor: str, role: str = "reader"
) -> dict[str, str]:
    """Draw the plan's share of the items not drawn before for a blind second coding.

    The draw is ``rules.agreement.checks_draw`` over the primary items not yet drawn
    and the published ``seed``; return item → second coder. One ``coding_checks.assign``
    event with the seed and the count. Raises ``PlanInvalid`` (field ``seed``) for a
    seed with spaces or over 64 characters.
    """
    if not _SEED.match(seed):
        raise PlanInvalid(
            _("The seed is 1–64 characters without spaces (e.g. the dice rolls)."),
            data={"field": "seed"},
        )
    with transaction.atomic():
        drawn = set(CheckAssignment.objects.filter(plan=plan).values_list("item", flat=True))
        items = {
            item: coder
            for item, coder in CodedItem.objects.filter(plan=plan, second=False)
            .values_list("item", "coder")
            .distinct()
            if item not in drawn
        }
        assigned = checks_draw(items=items, share=plan.check_share, seed=seed, coders=plan.coders)
        CheckAssignment.objects.bulk_create(
            [CheckAssignment(plan=plan, item=i, coder=c, seed=seed) for i, c in assigned.items()]
        )
        event_record(
            actor=actor,
            role=role,
            action="coding_checks.assign",
            object_key=f"{plan.election.key}/{plan.key}",
            payload={
                "election": plan.election.key,
                "plan": plan.key,
                "seed": seed,
                "items": len(items),
                "assigned": len(assigned),
            },
        )
    return assigned
