"""Paid advertising: outlets' published rates and the ads candidates bought (CSV, all or nothing)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.db import transaction

from psephos.ledger.services.events import event_record

from ..errors import PaidFileInvalid
from ..models import AdRate, Outlet, PaidAd
from ..rules.paid import ads_read, rates_read
from ..selectors import candidate_keys
from .items import file_refuse

if TYPE_CHECKING:
    from psephos.elections.models import Election


def rates_publish(
    *, election: Election, data: bytes, file_name: str, actor: str, role: str = "cec"
) -> int:
    """Record the rates outlets published for the campaign; return how many.

    All or nothing (``rules.paid.rates_read``: ``PaidFileInvalid`` lists every problem
    with line and column). A rate is never changed: a new price is a new rate from a
    later day. One ``paid_rates.publish`` event with the count and the file's SHA-256.
    """
    with transaction.atomic():
        outlets = dict(Outlet.objects.values_list("key", "id"))
        published = frozenset(
            AdRate.objects.filter(election=election).values_list(
                "outlet__key", "placement", "published_on"
            )
        )
        rates, problems = rates_read(data, frozenset(outlets), published)
        if problems:
            file_refuse(PaidFileInvalid, file_name, problems)
        AdRate.objects.bulk_create(
            [
                AdRate(
                    election=election,
                    outlet_id=outlets[r.outlet],
                    placement=r.placement,
                    unit=r.unit,
                    price=r.price,
                    published_on=r.published_on,
                )
                for r in rates
            ]
        )
        _event(election, actor, role, "paid_rates.publish", len(rates), data)
    return len(rates)


def ads_record(
    *, election: Election, data: bytes, file_name: str, actor: str, role: str = "cec"
) -> int:
    """Record the paid ads candidates bought; return how many.

    All or nothing (``rules.paid.ads_read``: ``PaidFileInvalid`` lists every problem
    with line and column). The price check against the published rates is a read
    (``selectors.paid_report``): a price that differs is recorded and shown, not refused.
    One ``paid_ads.record`` event with the count and the file's SHA-256.
    """
    with transaction.atomic():
        outlets = dict(Outlet.objects.values_list("key", "id"))
        stored = frozenset(PaidAd.objects.filter(election=election).values_list("key", flat=True))
        ads, problems = ads_read(
            data, frozenset(outlets), frozenset(candidate_keys(election=election)), stored
        )
        if problems:
            file_refuse(PaidFileInvalid, file_name, problems)
        PaidAd.objects.bulk_create(
            [
                PaidAd(
                    election=election,
                    key=a.ad,
                    outlet_id=outlets[a.outlet],
                    candidate=a.candidate,
                    placement=a.placement,
                    aired_on=a.aired_on,
                    seconds=a.seconds,
                    placements=a.placements,
                    price=a.price,
                )
                for a in ads
            ]
        )
        _event(election, actor, role, "paid_ads.record", len(ads), data)
    return len(ads)


def _event(election: Election, actor: str, role: str, action: str, count: int, data: bytes) -> None:
    event_record(
        actor=actor,
        role=role,
        action=action,
        object_key=election.key,
        payload={
            "election": election.key,
            "count": count,
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
