"""The coding rules without a database: each bad field is named with its code."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from psephos.media.enums import Language, Programme
from psephos.media.rules.coding import (
    LANGUAGES,
    PROGRAMMES,
    ItemRow,
    PlanFrame,
    Problem,
    item_problems,
    items_read,
)

ALMATY = ZoneInfo("Asia/Almaty")
FRAME = PlanFrame(
    starts_on=dt.date(2022, 10, 21),
    ends_on=dt.date(2022, 11, 20),
    window_start=18 * 60,
    window_end=24 * 60,
    timezone="Asia/Almaty",
    outlets={"khabar": "tv", "vlast": "online", "egemen": "print"},
    subjects=frozenset({"abden", "tokayev", "incumbent_institutional", "government"}),
    coders=frozenset({"c1", "c2"}),
)
GOOD = ItemRow(
    item="kh-1",
    outlet="khabar",
    aired_at=dt.datetime(2022, 10, 25, 20, 0, tzinfo=ALMATY),
    programme="news",
    programme_seconds=1800,
    subject="tokayev",
    seconds=120,
    characters=None,
    tone=1,
    women=0,
    men=2,
    language="kk",
    coder="c1",
)


def test_rule_values_are_the_enums() -> None:
    assert PROGRAMMES == tuple(Programme.values)
    assert LANGUAGES == tuple(Language.values)


def test_a_good_item_has_no_problem() -> None:
    assert item_problems(GOOD, FRAME) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"aired_at": dt.datetime(2022, 10, 25, 17, 59, 59, tzinfo=ALMATY)},
            [("aired_at", "outside_window")],
        ),
        ({"aired_at": dt.datetime(2022, 10, 25, 18, 0, tzinfo=ALMATY)}, []),
        ({"aired_at": dt.datetime(2022, 10, 25, 23, 59, 59, tzinfo=ALMATY)}, []),
        (
            {"aired_at": dt.datetime(2022, 10, 26, 0, 0, tzinfo=ALMATY)},
            [("aired_at", "outside_window")],
        ),
        # 14:00 UTC is 20:00 in Almaty (UTC+6 in 2022): inside the window.
        ({"aired_at": dt.datetime(2022, 10, 25, 14, 0, tzinfo=dt.UTC)}, []),
        (
            {"aired_at": dt.datetime(2022, 11, 21, 20, 0, tzinfo=ALMATY)},
            [("aired_at", "outside_period")],
        ),
        ({"seconds": 1801}, [("seconds", "beyond_programme")]),
        ({"seconds": 1800}, []),
        ({"seconds": None}, [("seconds", "volume_missing")]),
        ({"subject": "nazarbayev"}, [("subject", "unknown_subject")]),
        ({"tone": 2}, [("tone", "outside_scale")]),
        ({"tone": -2}, [("tone", "outside_scale")]),
        ({"outlet": "ktk"}, [("outlet", "unknown_outlet")]),
        ({"outlet": "vlast", "seconds": None}, [("characters", "volume_missing")]),
        # Print is measured in cm² of the page: characters alone are not its volume.
        ({"outlet": "egemen", "seconds": None, "characters": 900}, [("area", "volume_missing")]),
        ({"outlet": "egemen", "seconds": None, "area": 240}, []),
        ({"programme": "sport"}, [("programme", "unknown_choice")]),
        ({"language": "en"}, [("language", "unknown_choice")]),
        ({"coder": "c9"}, [("coder", "unknown_coder")]),
    ],
)
def test_each_bad_field_is_named(
    change: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert item_problems(dataclasses.replace(GOOD, **change), FRAME) == expected  # type: ignore[arg-type]


HEADER = "item,outlet,aired_at,programme,programme_seconds,subject,seconds,characters,tone,women,men,language,coder\n"


def test_a_file_is_read_with_local_times() -> None:
    rows, problems = items_read(
        (HEADER + "kh-1,khabar,2022-10-25T20:00,news,1800,tokayev,120,,1,0,2,kk,c1\n").encode(),
        FRAME,
    )
    assert problems == []
    assert rows == [dataclasses.replace(GOOD, line=2)]


def test_every_problem_of_a_file_has_line_and_column() -> None:
    data = (
        HEADER
        + "kh-1,khabar,2022-10-25T20:00,news,1800,tokayev,120,,1,0,2,kk,c1\n"
        + "kh-2,khabar,2022-10-25T12:00,news,60,nobody,90,,3,0,1,kk,c1\n"
        + "kh-3,khabar,yesterday,news,,tokayev,x,,0,0,1,,c2\n"
        + "kh-1,khabar,2022-10-25T20:00,news,1800,tokayev,120,,1,0,2,kk,c1\n"
    ).encode()
    _, problems = items_read(data, FRAME)
    assert problems == [
        Problem(3, "aired_at", "outside_window"),
        Problem(3, "subject", "unknown_subject"),
        Problem(3, "seconds", "beyond_programme"),
        Problem(3, "tone", "outside_scale"),
        Problem(4, "language", "required"),
        Problem(4, "seconds", "integer"),
        Problem(4, "aired_at", "datetime"),
        Problem(5, "item", "repeated"),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xfe", [Problem(1, "*", "encoding")]),
        (HEADER.encode(), [Problem(1, "*", "empty")]),
        (
            b"item,outlet\nx,y\n",
            [
                Problem(1, c, "header")
                for c in ("aired_at", "programme", "subject", "tone", "language", "coder")
            ],
        ),
    ],
)
def test_a_broken_file_is_named(data: bytes, expected: list[Problem]) -> None:
    assert items_read(data, FRAME) == ([], expected)


def test_a_print_item_is_read_with_its_area() -> None:
    header = HEADER.replace(",characters,", ",characters,area,")
    rows, problems = items_read(
        (
            header
            + "eg-1,egemen,2022-10-25T20:00,news,,tokayev,,,240,1,0,2,kk,c1\n"
            + "eg-2,egemen,2022-10-25T20:00,news,,tokayev,,1200,,1,0,2,kk,c1\n"
            + "eg-3,egemen,2022-10-25T20:00,news,,tokayev,,,-5,1,0,2,kk,c1\n"
        ).encode(),
        FRAME,
    )
    assert problems == [Problem(3, "area", "volume_missing"), Problem(4, "area", "integer")]
    assert (rows[0].area, rows[0].characters, rows[1].area) == (240, None, None)
