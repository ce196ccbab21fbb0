"""The report through the import: selector (one GROUP BY), command, API and pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from psephos.media.selectors import coverage_rows, plan_report
from psephos.media.services.items import items_import

from .conftest import ACTOR, HEADER, Media

ITEMS = (
    # Khabar news: 90 s each candidate, 210 s the president in office, 610 s government.
    "kh-1,khabar,2022-10-21T20:00,news,1800,abden,90,,1,0,1,kk,c1\n"
    "kh-1,khabar,2022-10-21T20:00,news,1800,tokayev,90,,1,0,1,kk,c1\n"
    "kh-2,khabar,2022-10-21T20:05,news,1800,incumbent_institutional,210,,1,1,3,kk,c1\n"
    "kh-3,khabar,2022-10-29T20:10,news,1800,government,610,,-1,0,1,ru,c2\n"
    "kh-4,khabar,2022-10-29T22:00,paid,60,tokayev,60,,1,0,0,kk,c2\n"
    "vl-1,vlast,2022-10-22T19:00,news,,abden,,3000,0,1,0,ru,c3\n"
)


@pytest.fixture
def coded(media: Media) -> Media:
    items_import(plan=media.plan, data=(HEADER + ITEMS).encode(), file_name="i.csv", actor=ACTOR)
    return media


def test_one_group_by_gives_the_rows(coded: Media, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        rows = coverage_rows(plan=coded.plan)
    assert len(rows) == 6


def test_the_report_in_a_bounded_number_of_queries(
    coded: Media, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        report = plan_report(plan=coded.plan)
    khabar = report.coverage[0]
    assert (khabar.outlet, khabar.scope, khabar.news_volume) == ("khabar", "period", 1000)
    assert [(s.subject, s.news_share) for s in khabar.subjects] == [
        ("abden", 0.09),
        ("tokayev", 0.09),
        ("incumbent_institutional", 0.21),
        ("government", 0.61),
    ]
    assert (khabar.incumbent_institutional, khabar.incumbent_candidate) == (210, 150)
    assert (khabar.women_share, khabar.paid_volume) == (0.1429, 60)
    assert report.items == 5


def test_the_command_prints_json_and_csv(coded: Media, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("media", "report", "kz-test-presidential", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    (plan,) = data["plans"]
    assert (plan["plan"], plan["items"], plan["window"]) == ("odihr", 5, [1080, 1440])
    weeks = [(c["outlet"], c["scope"]) for c in plan["coverage"]]
    assert weeks == [
        ("khabar", "period"),
        ("khabar", "2022-10-21"),
        ("khabar", "2022-10-28"),
        ("vlast", "period"),
        ("vlast", "2022-10-21"),
        # Khabar counts seconds and Vlast characters: a total per unit, never one sum.
        ("*character", "period"),
        ("*character", "2022-10-21"),
        ("*second", "period"),
        ("*second", "2022-10-21"),
        ("*second", "2022-10-28"),
    ]
    assert plan["coverage"][0]["equal"] == {
        "expected": {"abden": 0.5, "tokayev": 0.5},
        "actual": {"abden": 0.5, "tokayev": 0.5},
        "deviation": 0.0,
        "passed": True,
    }
    call_command("media", "report", "kz-test-presidential", "--plan", "odihr", "--format", "csv")
    lines = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    vlast = [r for r in lines if r["outlet"] == "vlast" and r["scope"] == "period"]
    assert [
        (r["subject"], r["news_volume"], r["news_share"], r["neutral_items"]) for r in vlast
    ] == [("abden", "3000", "1.0", "1")]


def test_the_api(coded: Media, client: Client) -> None:
    response = client.get("/api/v1/elections/kz-test-presidential/media")
    assert response.status_code == 200
    body = response.json()
    assert body["election"] == "kz-test-presidential"
    subjects = body["plans"][0]["coverage"][0]["subjects"]
    assert subjects[2] == {
        "subject": "incumbent_institutional",
        "news_volume": 210,
        "news_share": 0.21,
        "all_volume": 210,
        "all_share": 0.1981,
        "tone_volume": {"negative": 0, "neutral": 0, "positive": 210},
        "tone_items": {"negative": 0, "neutral": 0, "positive": 1},
        "paid_items": 0,
        "free_airtime_volume": 0,
    }
    missing = client.get("/api/v1/elections/nowhere/media")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("language", "heading", "women"),
    [
        ("en", "Media monitoring", "Women among speakers"),
        ("ru", "Мониторинг СМИ", "Доля женщин среди выступающих"),
        ("kk", "БАҚ мониторингі", "Сөйлеушілер арасындағы әйелдер"),
    ],
)
def test_the_page_in_three_languages(
    coded: Media, client: Client, language: str, heading: str, women: str
) -> None:
    client.cookies["django_language"] = language
    page = client.get("/media/kz-test-presidential/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<h1>{heading}: " in html
    assert women in html
    # Khabar (TV, seconds) and Vlast (online, characters) are totalled per unit.
    assert html.count('<tr data-outlet="') == 4
    assert "all TV and radio (seconds)" in html or language != "en"
    assert "cannot be added together" in html or language != "en"
    # One segment per subject with a share: Khabar news 4 and all 4, Vlast 1 and 1, the
    # seconds' total as Khabar and the characters' as Vlast; news per week: in seconds
    # abden, tokayev, in office, then government; in characters abden.
    # Tone per subject, one bar each (a segment per tone it has): Khabar 4 subjects, one
    # tone each; Vlast 1; the totals the same again.
    tones = 4 + 1 + 4 + 1
    assert html.count("<rect ") == 4 + 4 + 1 + 1 + 4 + 4 + 1 + 1 + 3 + 1 + 1 + tones
    gov = html.split('<tr data-subject="government">')[1].split("</tr>")[0]
    assert gov.count('<rect class="bar-tone-1" x="0.0" y="0" width="100.0"') == 1
    assert 'data-alpha="volume">—<' in html


def test_the_csv_page_and_the_index(coded: Media, client: Client) -> None:
    response = client.get("/media/kz-test-presidential/coverage.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().startswith("plan,outlet,scope,subject,news_volume,")
    index = client.get("/media/").content.decode()
    assert 'href="/media/kz-test-presidential/"' in index
    assert client.get("/media/nowhere/").status_code == 404


def test_the_fast_local_day_is_the_generic_one(coded: Media) -> None:
    # 23:59 and 00:00 local are different days whichever way the day is computed.
    late = HEADER + "kh-8,khabar,2022-10-23T23:59,news,60,abden,10,,0,0,1,kk,c1\n"
    items_import(plan=coded.plan, data=late.encode(), file_name="l.csv", actor=ACTOR)
    fast = sorted(coverage_rows(plan=coded.plan), key=repr)
    assert fast == sorted(coverage_rows(plan=coded.plan, generic=True), key=repr)
    assert dt.date(2022, 10, 23) in {r.day for r in fast}


def test_a_report_is_available_at_once_after_an_import(media: Media, client: Client) -> None:
    """Nothing is precomputed: the report asked for a minute after an import holds it and
    says when the last coding was imported and when the period ended ("48 hours")."""
    from psephos.core import clock

    tz = dt.timezone(dt.timedelta(hours=6))
    ended = dt.datetime(2022, 11, 21, 0, 0, tzinfo=tz)  # 20 Nov's window ends at midnight
    before = plan_report(plan=media.plan)
    assert (before.items, before.last_imported_at, before.period_ended_at) == (0, None, ended)
    imported = ended + dt.timedelta(hours=30)
    with clock.fixed(imported):
        items_import(
            plan=media.plan, data=(HEADER + ITEMS).encode(), file_name="i.csv", actor=ACTOR
        )
    with clock.fixed(imported + dt.timedelta(minutes=1)):
        body = client.get("/api/v1/elections/kz-test-presidential/media").json()
        page = client.get("/media/kz-test-presidential/").content.decode()
    (plan,) = body["plans"]
    assert plan["items"] == 5 and plan["coverage"][0]["news_volume"] == 1000
    assert (plan["last_imported_at"], plan["period_ended_at"], plan["computed_at"]) == (
        "2022-11-22T06:00:00+06:00",
        "2022-11-21T00:00:00+06:00",
        "2022-11-22T06:01:00+06:00",
    )
    assert "Last coded item imported 2022-11-22 06:00." in page
    assert "the monitored period ends 2022-11-21 00:00." in page


def test_print_shares_are_shares_of_the_area(media: Media) -> None:
    """A print outlet's items carry their area in cm²: its shares are shares of area,
    whatever characters a coder also noted; a print line without an area is refused."""
    from psephos.media.errors import ItemFileInvalid
    from psephos.media.models import Outlet
    from psephos.media.services.outlets import OutletSpec, outlet_register

    outlet_register(
        spec=OutletSpec("egemen", "print", ("Egemen Qazaqstan",) * 3, "state", True), actor=ACTOR
    )
    media.plan.outlets.add(Outlet.objects.get(key="egemen"))
    header = HEADER.replace(",characters,", ",characters,area,")
    lines = (
        "eg-1,egemen,2022-10-22T19:00,news,,tokayev,,9000,300,1,0,1,kk,c1\n"
        "eg-1,egemen,2022-10-22T19:00,news,,abden,,100,100,0,1,0,kk,c1\n"
    )
    with pytest.raises(ItemFileInvalid) as refused:
        items_import(
            plan=media.plan,
            data=(
                header + lines + "eg-2,egemen,2022-10-23T19:00,news,,abden,,800,,0,0,1,kk,c1\n"
            ).encode(),
            file_name="print.csv",
            actor=ACTOR,
        )
    assert refused.value.data["problems"] == [
        {"line": 4, "column": "area", "code": "volume_missing"}
    ]
    assert "print.csv line 4, column area: the volume is missing" in refused.value.data["errors"][0]
    items_import(plan=media.plan, data=(header + lines).encode(), file_name="p.csv", actor=ACTOR)
    egemen = plan_report(plan=media.plan).coverage[0]
    assert (egemen.outlet, egemen.scope, egemen.news_volume) == ("egemen", "period", 400)
    assert [(s.subject, s.news_share) for s in egemen.subjects] == [
        ("abden", 0.25),
        ("tokayev", 0.75),
    ]
