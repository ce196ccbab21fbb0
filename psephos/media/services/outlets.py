"""Outlets and monitoring plans."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.ledger.actors import text_digest
from psephos.ledger.services.events import event_record

from ..enums import Medium
from ..errors import KeyTaken, OutletInvalid, PlanInvalid
from ..models import CheckAssignment, CodedItem, MonitoringPlan, Outlet
from ..rules.coding import coder_code_ok, windows_ok
from ..selectors import candidate_keys, outlet_get, subject_keys

if TYPE_CHECKING:
    from psephos.elections.models import Election

_KEY = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class OutletSpec:
    key: str
    medium: str
    names: tuple[str, str, str]  # English, Kazakh, Russian
    ownership: str = ""
    state_owned: bool = False
    reach: int | None = None


def outlet_register(*, spec: OutletSpec, actor: str, role: str = "reader") -> Outlet:
    """Register an outlet. One ``outlet.register`` event (names and ownership as digests).

    Raises ``OutletInvalid`` (field named) or ``KeyTaken``.
    """
    if not _KEY.match(spec.key):
        raise OutletInvalid(
            _("Outlet key “%(key)s” is not a lowercase key (letters, digits, dot, hyphen).")
            % {"key": spec.key},
            data={"field": "key"},
        )
    if spec.medium not in Medium.values:
        raise OutletInvalid(
            _("Unknown medium “%(medium)s”; expected one of: %(known)s.")
            % {"medium": spec.medium, "known": ", ".join(Medium.values)},
            data={"field": "medium"},
        )
    with transaction.atomic():
        if Outlet.objects.filter(key=spec.key).exists():
            raise KeyTaken(
                _("Outlet “%(key)s” already exists.") % {"key": spec.key},
                data={"outlet": spec.key},
            )
        outlet = Outlet.objects.create(
            key=spec.key,
            medium=spec.medium,
            name_en=spec.names[0],
            name_kk=spec.names[1],
            name_ru=spec.names[2],
            ownership=spec.ownership,
            state_owned=spec.state_owned,
            reach=spec.reach,
        )
        event_record(
            actor=actor,
            role=role,
            action="outlet.register",
            object_key=outlet.key,
            payload={
                "outlet": outlet.key,
                "medium": outlet.medium,
                "state_owned": outlet.state_owned,
                "reach": outlet.reach,
                "names": text_digest("\n".join(spec.names)),
                "ownership": text_digest(spec.ownership),
            },
        )
    return outlet


@dataclass(frozen=True, slots=True)
class PlanSpec:
    key: str
    name: str
    outlets: tuple[str, ...]
    starts_on: dt.date
    ends_on: dt.date
    window_start: int  # minutes after local midnight
    window_end: int  # exclusive, at most 1440
    coders: tuple[str, ...]
    incumbent: str = ""
    timezone: str = "Asia/Almaty"
    check_share: int = 1000  # basis points of items coded again blind
    tolerance: int = 500  # basis points of share for the equal-coverage test
    criterion: str = ""  # what the equitable weights measure
    weights: tuple[tuple[str, int], ...] = ()  # candidate option key → weight
    # Several daily windows (start, end), in order and not overlapping, e.g. the morning
    # and the evening news; window_start/window_end must then be their span. Empty: one.
    windows: tuple[tuple[int, int], ...] = ()

    def daily_windows(self) -> tuple[tuple[int, int], ...]:
        return self.windows or ((self.window_start, self.window_end),)


def plan_create(
    *, election: Election, spec: PlanSpec, actor: str, role: str = "reader"
) -> MonitoringPlan:
    """Create a monitoring plan. One ``monitoring_plan.create`` event.

    Raises ``PlanInvalid`` naming the field (window, period, coders, share, time zone),
    ``OutletNotFound`` or ``KeyTaken``.
    """
    problem = _plan_problem(spec)
    if problem is not None:
        field, message = problem
        raise PlanInvalid(message, data={"field": field})
    if spec.incumbent and spec.incumbent not in subject_keys(election=election):
        raise PlanInvalid(
            _("The incumbent “%(key)s” is not an option of the ballot.") % {"key": spec.incumbent},
            data={"field": "incumbent"},
        )
    candidates = set(candidate_keys(election=election))
    if any(k not in candidates or w < 0 for k, w in spec.weights) or (
        spec.weights and not spec.criterion.strip()
    ):
        raise PlanInvalid(
            _(
                "Equitable weights are whole numbers from 0 for candidates of the ballot, "
                "with the criterion they measure."
            ),
            data={"field": "weights"},
        )
    outlets = [outlet_get(key=k) for k in spec.outlets]
    with transaction.atomic():
        if MonitoringPlan.objects.filter(election=election, key=spec.key).exists():
            raise KeyTaken(
                _("Monitoring plan “%(key)s” already exists.") % {"key": spec.key},
                data={"plan": spec.key},
            )
        plan = MonitoringPlan.objects.create(
            election=election,
            key=spec.key,
            name=spec.name,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            window_start=spec.window_start,
            window_end=spec.window_end,
            windows=[list(w) for w in spec.windows] if len(spec.windows) > 1 else [],
            timezone=spec.timezone,
            coders=list(spec.coders),
            incumbent=spec.incumbent,
            check_share=spec.check_share,
            tolerance=spec.tolerance,
            criterion=spec.criterion,
            weights=dict(spec.weights),
        )
        plan.outlets.set(outlets)
        event_record(
            actor=actor,
            role=role,
            action="monitoring_plan.create",
            object_key=f"{election.key}/{plan.key}",
            payload={
                "election": election.key,
                "plan": plan.key,
                "outlets": sorted(spec.outlets),
                "starts_on": spec.starts_on.isoformat(),
                "ends_on": spec.ends_on.isoformat(),
                "window": [spec.window_start, spec.window_end],
                "windows": [list(w) for w in spec.daily_windows()],
                "coders": len(spec.coders),
                "check_share": spec.check_share,
                "tolerance": spec.tolerance,
                "weights": dict(spec.weights),
                "criterion": text_digest(spec.criterion),
                "name": text_digest(spec.name),
            },
        )
    return plan


def _plan_problem(spec: PlanSpec) -> tuple[str, str] | None:
    if not _KEY.match(spec.key):
        return "key", _("Plan key “%(key)s” is not a lowercase key.") % {"key": spec.key}
    windows = spec.daily_windows()
    if not windows_ok(windows) or (windows[0][0], windows[-1][1]) != (
        spec.window_start,
        spec.window_end,
    ):
        return "window", _(
            "Each daily window must start before it ends, within 00:00–24:00, the windows "
            "in order without overlapping (minutes %(windows)s given)."
        ) % {"windows": ", ".join(f"{s}–{e}" for s, e in windows)}
    if spec.starts_on > spec.ends_on:
        return "period", _("The period ends before it starts.")
    if not spec.coders:
        return "coders", _("A plan needs at least one coder.")
    malformed = [c for c in spec.coders if not coder_code_ok(c)]
    if malformed:
        return "coders", _(
            "Coders are pseudonymous codes, never names: one to four letters, an optional "
            "hyphen and one to four digits (c1, EOM-12); %(count)d code(s) do not fit."
        ) % {"count": len(malformed)}
    if len(set(spec.coders)) != len(spec.coders):
        return "coders", _("A coder code appears twice.")
    if not 0 <= spec.tolerance <= 10000:
        return "tolerance", _("The tolerance is in basis points of share, 0–10000.")
    if not 0 <= spec.check_share <= 10000:
        return "check_share", _("The share coded twice is in basis points, 0–10000.")
    if spec.timezone not in available_timezones():
        return "timezone", _("Unknown time zone “%(zone)s”.") % {"zone": spec.timezone}
    if not spec.outlets:
        return "outlets", _("A plan monitors at least one outlet.")
    return None


def plan_delete(*, plan: MonitoringPlan, actor: str, role: str = "reader") -> int:
    """Delete a monitoring plan with its coded items and draws; return the items deleted.

    Used when a simulated election is rebuilt (``psephos simulate --replace``). One
    ``monitoring_plan.delete`` event.
    """
    with transaction.atomic():
        items, _counts = CodedItem.objects.filter(plan=plan).delete()
        CheckAssignment.objects.filter(plan=plan).delete()
        key = f"{plan.election.key}/{plan.key}"
        event_record(
            actor=actor,
            role=role,
            action="monitoring_plan.delete",
            object_key=key,
            payload={"election": plan.election.key, "plan": plan.key, "items": items},
        )
        plan.delete()
    return items
