"""The PEC's opening form: its fields and its member and box rows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .enums import BoxKind, MemberRole
from .rules.opening import BoxEntry, MemberEntry

MEMBER_ROWS = 9
BOX_ROWS = 3


class OpeningForm(forms.Form):
    opened_time = forms.TimeField(label=_("Opened at (local time)"))
    ballots_received = forms.IntegerField(
        label=_("Ballots received"), min_value=0, max_value=1_000_000
    )
    ballots_announced = forms.BooleanField(
        label=_("Ballots counted and the number announced"), required=False
    )
    observers_present = forms.IntegerField(
        label=_("Observers present"), min_value=0, max_value=1000, initial=0
    )
    proxies_present = forms.IntegerField(
        label=_("Proxies present"), min_value=0, max_value=1000, initial=0
    )
    media_present = forms.IntegerField(
        label=_("Media present"), min_value=0, max_value=1000, initial=0
    )


def opened_at(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """Return the aware instant of ``time`` on ``day`` at the station."""
    return dt.datetime.combine(day, time, tzinfo=zone)


def member_rows(data: QueryDict) -> tuple[MemberEntry, ...]:
    """Return the filled member rows (a row without a role is empty)."""
    roles = set(MemberRole.values)
    rows = []
    for i in range(MEMBER_ROWS):
        role = data.get(f"member-{i}-role", "")
        if role in roles:
            rows.append(MemberEntry(role, data.get(f"member-{i}-issues") == "on"))
    return tuple(rows)


def box_rows(data: QueryDict) -> tuple[BoxEntry, ...]:
    """Return the filled box rows (a row without a serial number is empty)."""
    rows = []
    for i in range(BOX_ROWS):
        serial = data.get(f"box-{i}-serial", "")[:64].strip()
        if not serial:
            continue
        kind = data.get(f"box-{i}-kind", "")
        kind = kind if kind in BoxKind.values else BoxKind.STATIONARY.value
        seals = tuple(data.get(f"box-{i}-seals", "")[:250].split())
        rows.append(BoxEntry(kind, serial, seals))
    return tuple(rows)
