"""Paid advertising: published rates, ads bought, and the equal-access price check."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.ledger.models import Event
from psephos.media.errors import PaidFileInvalid
from psephos.media.models import AdRate, PaidAd
from psephos.media.rules.coding import Problem
from psephos.media.rules.paid import Ad, Rate, ads_read, price_check, rates_read
from psephos.media.selectors import paid_report
from psephos.media.services.paid import ads_record, rates_publish

from .conftest import ACTOR, Media

KEY = "kz-test-presidential"
RATES = (
    "outlet,placement,unit,price,published_on\n"
    "khabar,prime-spot,second,10000,2022-10-15\n"
    "khabar,prime-spot,second,12000,2022-11-05\n"
    "vlast,banner,placement,150000.50,2022-10-15\n"
)
ADS = (
    "ad,outlet,candidate,placement,aired_on,seconds,placements,price\n"
    "t-1,khabar,tokayev,prime-spot,2022-11-01,30,,300000\n"  # 30 × 10,000: the rate
    "a-1,khabar,abden,prime-spot,2022-11-01,30,,450000\n"  # 150,000 more than the rate
    "a-2,khabar,abden,prime-spot,2022-11-06,30,,360000\n"  # the new rate: 30 × 12,000
    "a-3,vlast,abden,banner,2022-11-02,,2,300001\n"  # 2 × 150,000.50 = 300,001
    "t-2,vlast,tokayev,front-page,2022-11-02,,1,90000\n"  # no rate published
)


def _ad(key: str, on: dt.date, seconds: int | None, price: str) -> Ad:
    return Ad(key, "khabar", "abden", "spot", on, seconds, None, Decimal(price))


def test_the_rate_in_force_on_the_day_gives_the_price() -> None:
    rates = [
        Rate("khabar", "spot", "second", Decimal(100), dt.date(2022, 10, 1)),
        Rate("khabar", "spot", "second", Decimal(150), dt.date(2022, 11, 1)),
    ]
    checks = price_check(
        [
            _ad("a", dt.date(2022, 10, 31), 10, "1000"),
            _ad("b", dt.date(2022, 11, 1), 10, "1000"),
            _ad("c", dt.date(2022, 9, 30), 10, "1000"),
            _ad("d", dt.date(2022, 11, 2), None, "1000"),
        ],
        rates,
    )
    assert [(k.status, k.expected, k.difference) for k in checks] == [
        ("published_rate", Decimal(1000), Decimal(0)),
        ("differs", Decimal(1500), Decimal(-500)),
        ("no_rate", None, None),
        ("no_seconds", None, None),
    ]
    assert checks[1].rate == rates[1]


def test_bad_lines_are_named() -> None:
    _, problems = rates_read(
        (
            b"outlet,placement,unit,price,published_on\n"
            b"ktk,spot,second,1,2022-10-01\n"
            b"khabar,spot,minute,-1,2022-13-01\n"
            b"khabar,prime spot,second,1.005,2022-10-01\n"
            b"khabar,spot,second,1,2022-10-01\n"
        ),
        frozenset({"khabar"}),
        frozenset({("khabar", "spot", dt.date(2022, 10, 1))}),
    )
    assert problems == [
        Problem(2, "outlet", "no_such_outlet"),
        Problem(3, "unit", "unknown_choice"),
        Problem(3, "price", "amount"),
        Problem(3, "published_on", "date"),
        Problem(4, "placement", "key"),
        Problem(4, "price", "amount"),
        Problem(5, "published_on", "recorded"),
    ]
    _, ads = ads_read(
        (
            b"ad,outlet,candidate,placement,aired_on,seconds,placements,price\n"
            b"a-1,khabar,nobody,spot,2022-11-01,,,ten\n"
            b"a-1,khabar,abden,spot,2022-11-01,30,,1\n"
        ),
        frozenset({"khabar"}),
        frozenset({"abden"}),
        frozenset(),
    )
    assert ads == [
        Problem(2, "candidate", "unknown_candidate"),
        Problem(2, "seconds", "volume_missing"),
        Problem(2, "price", "amount"),
        Problem(3, "ad", "repeated_ad"),
    ]


def test_recorded_and_checked_on_the_report(media: Media, client: Client) -> None:
    election = media.country.election
    assert election is not None
    assert (
        rates_publish(election=election, data=RATES.encode(), file_name="r.csv", actor=ACTOR) == 3
    )
    assert ads_record(election=election, data=ADS.encode(), file_name="a.csv", actor=ACTOR) == 5
    event = Event.objects.order_by("-seq").first()
    assert event is not None and event.action == "paid_ads.record"
    assert event.payload["count"] == 5
    report = paid_report(election=election)
    status = {k.ad.ad: (k.status, k.difference) for k in report.checks}
    assert status == {
        "t-1": ("published_rate", Decimal(0)),
        "a-1": ("differs", Decimal(150000)),
        "a-2": ("published_rate", Decimal(0)),
        "a-3": ("published_rate", Decimal("0.00")),
        "t-2": ("no_rate", None),
    }
    totals = {t.candidate: t for t in report.totals}
    assert (totals["abden"].ads, totals["abden"].paid, totals["abden"].flagged) == (
        3,
        Decimal("1110001"),
        1,
    )
    html = client.get(f"/media/{KEY}/").content.decode()
    assert '<section id="paid">' in html
    assert '<tr data-ad="a-1" data-status="differs">' in html
    assert '<tr data-ad="t-2" data-status="no_rate">' in html
    assert "<td data-difference>150,000.00</td>" in html
    assert html.count('<tr data-ad="') == 2
    body = client.get(f"/api/v1/elections/{KEY}/media").json()["paid"]
    a1 = next(a for a in body["ads"] if a["ad"] == "a-1")
    assert (a1["rate_price"], a1["quantity"], a1["expected"], a1["difference"]) == (
        "10000.00",
        30,
        "300000.00",
        "150000.00",
    )
    rows = list(csv.DictReader(io.StringIO(client.get(f"/media/{KEY}/paid.csv").content.decode())))
    assert [(r["ad"], r["status"]) for r in rows][:2] == [
        ("a-1", "differs"),
        ("t-1", "published_rate"),
    ]


def test_a_bad_file_stores_nothing(media: Media, tmp_path: Path) -> None:
    election = media.country.election
    assert election is not None
    events = Event.objects.count()
    bad = RATES + "khabar,spot,second,,2022-10-01\n"
    with pytest.raises(PaidFileInvalid) as refused:
        rates_publish(election=election, data=bad.encode(), file_name="r.csv", actor=ACTOR)
    assert refused.value.data["problems"] == [{"line": 5, "column": "price", "code": "required"}]
    assert (AdRate.objects.count(), PaidAd.objects.count(), Event.objects.count()) == (0, 0, events)
    path = tmp_path / "ads.csv"
    path.write_text(ADS.replace("2022-11-06", "6 Nov"), encoding="utf-8")
    with pytest.raises(CommandError) as command:
        call_command("media", "ads", str(path), "--election", KEY)
    assert str(command.value) == (
        "paid_advertising_file_invalid: ads.csv is refused: 1 problem(s); nothing was stored.\n"
        "  ads.csv line 4, column aired_on: expected a date as YYYY-MM-DD"
    )
    (tmp_path / "rates.csv").write_text(RATES, encoding="utf-8")
    call_command("media", "rates", str(tmp_path / "rates.csv"), "--election", KEY)
    path.write_text(ADS, encoding="utf-8")
    call_command("media", "ads", str(path), "--election", KEY)
    assert PaidAd.objects.count() == 5
