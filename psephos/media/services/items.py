"""Coded items: one item coded through the form, or a CSV of items imported all or nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NoReturn

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from psephos.core import clock
from psephos.core.errors import ValidationFailed
from psephos.ledger.services.events import event_record

from ..errors import ItemFileInvalid, ItemInvalid
from ..models import CheckAssignment, CodedItem, MonitoringPlan
from ..rules.coding import ItemRow, Problem, item_problems, items_read
from ..selectors import plan_frame

PROBLEMS = {
    "encoding": gettext_lazy("the file is not UTF-8 CSV"),
    "empty": gettext_lazy("the file has no items"),
    "header": gettext_lazy("the header lacks this column"),
    "required": gettext_lazy("the value is missing"),
    "integer": gettext_lazy("expected a whole number (from 0)"),
    "datetime": gettext_lazy("expected a local date and time as YYYY-MM-DDTHH:MM"),
    "repeated": gettext_lazy("this item, subject and coder appear on an earlier line"),
    "imported": gettext_lazy("this item, subject and coder were imported before"),
    "coded_by_another": gettext_lazy(
        "another coder coded this subject of the item, and this coder was not drawn to code it again"
    ),
    "unknown_outlet": gettext_lazy("the outlet is not one of the plan's outlets"),
    "outside_period": gettext_lazy("the date is outside the monitored period"),
    "outside_window": gettext_lazy("the time is outside the plan's daily window"),
    "unknown_choice": gettext_lazy("not one of the allowed values"),
    "unknown_subject": gettext_lazy(
        "unknown subject (a candidate or side of the ballot, or a listed subject)"
    ),
    "volume_missing": gettext_lazy(
        "the volume is missing (seconds for TV and radio, the area in cm² for print, "
        "characters online)"
    ),
    "beyond_programme": gettext_lazy("more seconds than the programme lasts"),
    "outside_scale": gettext_lazy("the tone is outside the scale −1 (negative) to 1 (positive)"),
    "unknown_coder": gettext_lazy("the coder is not one of the plan's coders"),
    "coder_format": gettext_lazy(
        "a coder is a pseudonymous code (one to four letters, an optional hyphen, one to "
        "four digits: c1, EOM-12), never a name"
    ),
    "date": gettext_lazy("expected a date as YYYY-MM-DD"),
    "amount": gettext_lazy("expected an amount from 0 with at most two decimals"),
    "unknown_slot": gettext_lazy("no free airtime slot has this key"),
    "not_drawn": gettext_lazy("the slot has not been drawn yet"),
    "unknown_candidate": gettext_lazy("not a candidate of the election"),
    "beyond_slot": gettext_lazy("more than the slot offers"),
    "repeated_slot": gettext_lazy("the slot appears on an earlier line"),
    "recorded": gettext_lazy("recorded before"),
    "key": gettext_lazy("a key is letters, digits, hyphens and underscores (at most 64)"),
    "repeated_rate": gettext_lazy("this outlet, placement and day appear on an earlier line"),
    "repeated_ad": gettext_lazy("this ad appears on an earlier line"),
    "no_such_outlet": gettext_lazy("no outlet has this key"),
    "not_your_code": gettext_lazy("a coder uploads only the codings under their own code"),
}


def file_refuse(error: type[ValidationFailed], file_name: str, problems: list[Problem]) -> NoReturn:
    """Raise ``error`` listing every problem as file, line, column and what is wrong."""
    raise error(
        _("%(file)s is refused: %(count)d problem(s); nothing was stored.")
        % {"file": file_name, "count": len(problems)},
        data={
            "errors": [
                _("%(file)s line %(line)d, column %(column)s: %(problem)s")
                % {
                    "file": file_name,
                    "line": p.line,
                    "column": p.column,
                    "problem": PROBLEMS[p.code],
                }
                for p in problems
            ],
            "problems": [{"line": p.line, "column": p.column, "code": p.code} for p in problems],
        },
    )


@dataclass(frozen=True, slots=True)
class ImportSummary:
    items: int
    checks: int  # second codings among them
    sha256: str


def item_code(*, plan: MonitoringPlan, row: ItemRow, actor: str, role: str = "reader") -> CodedItem:
    """Store one coded item. One ``coded_item.add`` event.

    Raises ``ItemInvalid`` with ``data['errors']`` naming each field that breaks the
    plan (``rules.coding.item_problems``) or ``item`` when it was coded before.
    """
    problems = item_problems(row, plan_frame(plan=plan))
    with transaction.atomic():
        problems.extend(
            ("item" if code == "imported" else "coder", code) for _, code in _conflicts(plan, [row])
        )
        if problems:
            raise ItemInvalid(
                _("The coded item is refused: %(problems)s.")
                % {"problems": "; ".join(f"{field}: {PROBLEMS[code]}" for field, code in problems)},
                data={"errors": [{"field": f, "code": c} for f, c in problems]},
            )
        (item,) = _write(plan, [row])
        event_record(
            actor=actor,
            role=role,
            action="coded_item.add",
            object_key=f"{plan.election.key}/{plan.key}/{row.item}",
            payload={
                "election": plan.election.key,
                "plan": plan.key,
                "item": row.item,
                "subject": row.subject,
                "coder": row.coder,
                "second": item.second,
            },
        )
    return item


def items_import(
    *,
    plan: MonitoringPlan,
    data: bytes,
    file_name: str,
    actor: str,
    role: str = "reader",
    coder: str = "",
) -> ImportSummary:
    """Import a CSV of coded items, all or nothing. One ``coded_items.import`` event.

    Every line is read and checked against the plan before anything is written; a line
    whose item, subject and coder are already stored is a problem too, and so, when
    ``coder`` is given (a coder uploading their own codings), is a line under another
    code (``not_your_code``). Raises ``ItemFileInvalid`` listing every problem as file,
    line, column and what is wrong; nothing is stored then.
    """
    digest = hashlib.sha256(data).hexdigest()
    rows, problems = items_read(data, plan_frame(plan=plan))
    if coder:
        problems += [Problem(r.line, "coder", "not_your_code") for r in rows if r.coder != coder]
        problems.sort(key=lambda p: p.line)
    with transaction.atomic():
        if not problems:
            problems = [
                Problem(line, "item" if code == "imported" else "coder", code)
                for line, code in _conflicts(plan, rows)
            ]
        if problems:
            file_refuse(ItemFileInvalid, file_name, problems)
        written = _write(plan, rows)
        checks = sum(1 for i in written if i.second)
        event_record(
            actor=actor,
            role=role,
            action="coded_items.import",
            object_key=f"{plan.election.key}/{plan.key}",
            payload={
                "election": plan.election.key,
                "plan": plan.key,
                "items": len(written),
                "checks": checks,
                "sha256": digest,
            },
        )
    return ImportSummary(items=len(written), checks=checks, sha256=digest)


def _conflicts(plan: MonitoringPlan, rows: list[ItemRow]) -> list[tuple[int, str]]:
    """Return (line, code) for rows that collide with stored codings or earlier rows.

    ``imported``: the item, subject and coder are stored. ``coded_by_another``: a first
    coding of the item's subject exists (stored or earlier in the file) and this coder
    was not drawn to code the item again.
    """
    checks = _check_assignments(plan, rows)
    items = sorted({r.item for r in rows})
    stored: set[tuple[str, str, str]] = set()
    primaries: set[tuple[str, str]] = set()
    for start in range(0, len(items), 500):
        for item, subject, coder, second in CodedItem.objects.filter(
            plan=plan, item__in=items[start : start + 500]
        ).values_list("item", "subject", "coder", "second"):
            stored.add((item, subject, coder))
            if not second:
                primaries.add((item, subject))
    out: list[tuple[int, str]] = []
    for r in rows:
        if (r.item, r.subject, r.coder) in stored:
            out.append((r.line, "imported"))
        elif (r.item, r.coder) not in checks:
            if (r.item, r.subject) in primaries:
                out.append((r.line, "coded_by_another"))
            primaries.add((r.item, r.subject))
    return out


def _write(plan: MonitoringPlan, rows: list[ItemRow]) -> list[CodedItem]:
    outlets = dict(plan.outlets.values_list("key", "id"))
    checks = _check_assignments(plan, rows)
    now = clock.now()
    return CodedItem.objects.bulk_create(
        [
            CodedItem(
                plan=plan,
                outlet_id=outlets[r.outlet],
                item=r.item,
                aired_at=r.aired_at,
                programme=r.programme,
                programme_seconds=r.programme_seconds,
                subject=r.subject,
                seconds=r.seconds,
                characters=r.characters,
                area=r.area,
                tone=r.tone,
                women=r.women,
                men=r.men,
                language=r.language,
                coder=r.coder,
                second=(r.item, r.coder) in checks,
                imported_at=now,
            )
            for r in rows
        ],
        batch_size=2000,
    )


def _check_assignments(plan: MonitoringPlan, rows: list[ItemRow]) -> set[tuple[str, str]]:
    """Return the (item, coder) pairs of ``rows`` that are blind second codings."""
    items = sorted({r.item for r in rows})
    pairs: set[tuple[str, str]] = set()
    for start in range(0, len(items), 500):
        pairs.update(
            CheckAssignment.objects.filter(
                plan=plan, item__in=items[start : start + 500]
            ).values_list("item", "coder")
        )
    return pairs
