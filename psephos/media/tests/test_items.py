"""Coding items: one through the service, a CSV all or nothing, the command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from psephos.ledger.models import Event
from psephos.media.errors import ItemFileInvalid, ItemInvalid, PlanInvalid
from psephos.media.models import CodedItem, MonitoringPlan
from psephos.media.rules.coding import ItemRow, coder_code_ok
from psephos.media.services.items import item_code, items_import
from psephos.media.services.outlets import PlanSpec, plan_create

from .conftest import ACTOR, HEADER, Media

ALMATY = ZoneInfo("Asia/Almaty")
GOOD = (
    "kh-1,khabar,2022-10-25T20:00,news,1800,tokayev,120,,1,0,2,kk,c1\n"
    "kh-1,khabar,2022-10-25T20:00,news,1800,incumbent_institutional,300,,1,1,3,kk,c1\n"
    "vl-1,vlast,2022-10-26T19:30,news,,abden,,2400,0,1,0,ru,c2\n"
)


def test_a_file_is_imported(media: Media) -> None:
    events = Event.objects.count()
    summary = items_import(
        plan=media.plan, data=(HEADER + GOOD).encode(), file_name="a.csv", actor=ACTOR
    )
    assert (summary.items, summary.checks) == (3, 0)
    rows = list(
        CodedItem.objects.order_by("id").values_list(
            "item", "outlet__key", "subject", "seconds", "characters", "tone"
        )
    )
    assert rows == [
        ("kh-1", "khabar", "tokayev", 120, None, 1),
        ("kh-1", "khabar", "incumbent_institutional", 300, None, 1),
        ("vl-1", "vlast", "abden", None, 2400, 0),
    ]
    assert CodedItem.objects.get(subject="abden").aired_at == dt.datetime(
        2022, 10, 26, 19, 30, tzinfo=ALMATY
    )
    event = Event.objects.order_by("-seq").first()
    assert Event.objects.count() == events + 1
    assert event is not None and event.action == "coded_items.import"
    assert event.payload == {
        "election": "kz-test-presidential",
        "plan": "odihr",
        "items": 3,
        "checks": 0,
        "sha256": summary.sha256,
    }


def test_a_file_with_one_bad_line_stores_nothing(media: Media) -> None:
    events = Event.objects.count()
    data = HEADER + GOOD + "kh-2,khabar,2022-10-25T20:10,news,60,tokayev,90,,1,0,1,kk,c1\n"
    with pytest.raises(ItemFileInvalid) as refused:
        items_import(plan=media.plan, data=data.encode(), file_name="b.csv", actor=ACTOR)
    assert refused.value.data["problems"] == [
        {"line": 5, "column": "seconds", "code": "beyond_programme"}
    ]
    assert refused.value.data["errors"] == [
        "b.csv line 5, column seconds: more seconds than the programme lasts"
    ]
    assert refused.value.message == "b.csv is refused: 1 problem(s); nothing was stored."
    assert (CodedItem.objects.count(), Event.objects.count()) == (0, events)


def test_an_item_imported_twice_is_refused_with_its_line(media: Media) -> None:
    items_import(plan=media.plan, data=(HEADER + GOOD).encode(), file_name="a.csv", actor=ACTOR)
    events = Event.objects.count()
    with pytest.raises(ItemFileInvalid) as refused:
        items_import(
            plan=media.plan,
            data=(HEADER + GOOD.splitlines(keepends=True)[2]).encode(),
            file_name="a2.csv",
            actor=ACTOR,
        )
    assert refused.value.data["problems"] == [{"line": 2, "column": "item", "code": "imported"}]
    assert (CodedItem.objects.count(), Event.objects.count()) == (3, events)


def _row(**change: object) -> ItemRow:
    base: dict[str, object] = {
        "item": "kh-9",
        "outlet": "khabar",
        "aired_at": dt.datetime(2022, 10, 25, 21, 0, tzinfo=ALMATY),
        "programme": "news",
        "programme_seconds": 600,
        "subject": "abden",
        "seconds": 60,
        "characters": None,
        "tone": 0,
        "women": 1,
        "men": 1,
        "language": "ru",
        "coder": "c3",
    }
    base.update(change)
    return ItemRow(**base)  # type: ignore[arg-type]


def test_one_item_is_coded(media: Media) -> None:
    item = item_code(plan=media.plan, row=_row(), actor=ACTOR)
    assert (item.subject, item.seconds, item.second) == ("abden", 60, False)
    assert Event.objects.order_by("-seq").values_list("action", flat=True)[0] == "coded_item.add"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (
            {"aired_at": dt.datetime(2022, 10, 25, 9, 0, tzinfo=ALMATY)},
            "aired_at",
            "outside_window",
        ),
        ({"seconds": 601}, "seconds", "beyond_programme"),
        ({"subject": "someone"}, "subject", "unknown_subject"),
        ({"tone": 3}, "tone", "outside_scale"),
        ({"coder": "c9"}, "coder", "unknown_coder"),
        ({"coder": "Aigerim"}, "coder", "coder_format"),
    ],
)
def test_a_bad_item_is_refused_naming_the_field(
    media: Media, change: dict[str, object], field: str, code: str
) -> None:
    events = Event.objects.count()
    with pytest.raises(ItemInvalid) as refused:
        item_code(plan=media.plan, row=_row(**change), actor=ACTOR)
    assert refused.value.data["errors"] == [{"field": field, "code": code}]
    assert refused.value.message.startswith(f"The coded item is refused: {field}: ")
    assert (CodedItem.objects.count(), Event.objects.count()) == (0, events)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"window_start": 1440, "window_end": 1440}, "window"),
        ({"window_end": 1441}, "window"),
        # Several windows: in order, within the day, not overlapping, spanned by start–end.
        ({"window_start": 420, "windows": ((420, 540), (500, 1440))}, "window"),
        (
            {"window_start": 1080, "window_end": 540, "windows": ((1080, 1440), (420, 540))},
            "window",
        ),
        ({"window_start": 420, "windows": ((420, 540), (1080, 1500))}, "window"),
        ({"window_start": 420, "windows": ((420, 420), (1080, 1440))}, "window"),
        ({"windows": ((420, 540), (1080, 1440))}, "window"),  # the span starts at 420
        ({"ends_on": dt.date(2022, 10, 1)}, "period"),
        ({"coders": ("Aigerim Bekova",)}, "coders"),
        ({"coders": ("c1", "aigerim")}, "coders"),
        ({"coders": ("Bekova1",)}, "coders"),
        ({"coders": ()}, "coders"),
        ({"coders": ("c1", "c1")}, "coders"),
        ({"incumbent": "putin"}, "incumbent"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field(
    media: Media, change: dict[str, object], field: str
) -> None:
    spec = dict(
        key="second",
        name="x",
        outlets=("khabar",),
        starts_on=dt.date(2022, 10, 21),
        ends_on=dt.date(2022, 11, 20),
        window_start=1080,
        window_end=1440,
        coders=("c1",),
    )
    spec.update(change)
    events = Event.objects.count()
    assert media.country.election is not None
    with pytest.raises(PlanInvalid) as refused:
        plan_create(election=media.country.election, spec=PlanSpec(**spec), actor=ACTOR)  # type: ignore[arg-type]
    assert refused.value.data == {"field": field}
    assert Event.objects.count() == events


def test_coder_codes_that_fit_and_that_do_not() -> None:
    assert all(coder_code_ok(c) for c in ("c1", "EOM-12", "KZ07", "abcd-9999"))
    assert not any(
        coder_code_ok(c)
        for c in ("Aigerim", "A. Bekova", "abcde1", "c12345", "c 1", "1", "c-", "c1\n", "")
    )


def test_the_command_imports_and_refuses(
    media: Media, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    call_command(
        "media", "import-items", str(good), "--election", "kz-test-presidential", "--plan", "odihr"
    )
    assert capsys.readouterr().out.startswith("3 coded items imported (0 second codings); SHA-256 ")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "x,khabar,2022-10-25T20:00,news,,tokayev,5,,9,0,0,kk,c1\n", encoding="utf-8"
    )
    with pytest.raises(CommandError) as refused:
        call_command(
            "media",
            "import-items",
            str(bad),
            "--election",
            "kz-test-presidential",
            "--plan",
            "odihr",
        )
    assert str(refused.value) == (
        "coded_item_file_invalid: bad.csv is refused: 1 problem(s); nothing was stored.\n"
        "  bad.csv line 2, column tone: the tone is outside the scale −1 (negative) to 1 (positive)"
    )
    assert CodedItem.objects.count() == 3


def test_outlets_and_plans_from_the_command_line(
    media: Media, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "media",
        "outlet",
        "ktk",
        "--medium",
        "tv",
        "--names",
        "KTK",
        "КТК",
        "КТК",
        "--ownership",
        "private",
        "--reach",
        "5000000",
    )
    assert capsys.readouterr().out == "Outlet ktk registered.\n"
    call_command(
        "media",
        "plan",
        "kz-test-presidential",
        "--key",
        "citizens",
        "--name",
        "Citizen monitors",
        "--outlets",
        "ktk,vlast",
        "--period",
        "2022-10-21:2022-11-19",
        "--window",
        "07:00-09:00, 18:00-24:00",
        "--coders",
        "a1,a2",
        "--incumbent",
        "tokayev",
    )
    assert capsys.readouterr().out == "Monitoring plan citizens created.\n"
    plan = MonitoringPlan.objects.get(key="citizens")
    assert (plan.window_start, plan.window_end, plan.coders) == (420, 1440, ["a1", "a2"])
    assert plan.daily_windows() == ((420, 540), (1080, 1440))
    assert sorted(plan.outlets.values_list("key", flat=True)) == ["ktk", "vlast"]
    with pytest.raises(CommandError) as refused:
        call_command(
            "media",
            "plan",
            "kz-test-presidential",
            "--key",
            "x",
            "--name",
            "x",
            "--outlets",
            "ktk",
            "--period",
            "2022-10-21:2022-11-19",
            "--window",
            "six-midnight",
            "--coders",
            "a1",
        )
    assert str(refused.value) == (
        "monitoring_plan_invalid: The window is HH:MM-HH:MM, several separated by commas "
        "(07:00-09:00,18:00-24:00)."
    )


def test_a_plan_with_morning_and_evening_windows(media: Media) -> None:
    """Items in either window are taken; one between them is refused naming aired_at."""
    assert media.country.election is not None
    plan = plan_create(
        election=media.country.election,
        spec=PlanSpec(
            key="two",
            name="Morning and evening news",
            outlets=("khabar",),
            starts_on=dt.date(2022, 10, 21),
            ends_on=dt.date(2022, 11, 20),
            window_start=7 * 60,
            window_end=24 * 60,
            windows=((7 * 60, 9 * 60), (18 * 60, 24 * 60)),
            coders=("c1",),
        ),
        actor=ACTOR,
    )
    assert plan.daily_windows() == ((420, 540), (1080, 1440))
    event = Event.objects.filter(action="monitoring_plan.create").order_by("seq").last()
    assert event is not None and event.payload["windows"] == [[420, 540], [1080, 1440]]
    for at, ok in (("08:59", True), ("09:00", False), ("12:00", False), ("18:00", True)):
        aired = dt.datetime.fromisoformat(f"2022-10-25T{at}+06:00")
        row = _row(item=f"kh-{at}", aired_at=aired, coder="c1")
        if ok:
            item_code(plan=plan, row=row, actor=ACTOR)
            continue
        with pytest.raises(ItemInvalid) as refused:
            item_code(plan=plan, row=row, actor=ACTOR)
        assert refused.value.data["errors"] == [{"field": "aired_at", "code": "outside_window"}]
    assert CodedItem.objects.filter(plan=plan).count() == 2
