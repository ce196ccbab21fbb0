"""The national page's charts: the turnout curve and the tile map of the first-level units."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from psephos.core import clock
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system
from psephos.pollingday.selectors_turnout import turnout_for_election, turnout_national_points
from psephos.pollingday.services.turnout_simulation import turnout_simulate
from psephos.territory.selectors import station_region_code, stations_regular
from psephos.web.charts import CLASSES, NO_DATA, TILES, tile_map, turnout_class, turnout_curve

from .election import KEY, SmallElection


def _luminance(colour: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """Return the WCAG 2.1 contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_tile_colour_keeps_its_text_readable() -> None:
    for _top, fill, ink in (*CLASSES, (0, *NO_DATA)):
        assert contrast(fill, ink) >= 4.5, (fill, ink)


def test_the_turnout_curve_spans_the_voting_day() -> None:
    assert turnout_curve([]) is None
    curve = turnout_curve(
        [(dt.time(7), Decimal("0")), (dt.time(14), Decimal("50")), (dt.time(22), Decimal("100"))]
    )
    assert curve is not None
    first, middle, last = curve["dots"]  # type: ignore[misc]
    assert (first.cx, first.cy) == (curve["left"], curve["bottom"]) == ("76", "256")
    assert (last.cx, last.cy) == (curve["right"], curve["top"]) == ("612", "12")
    assert first.x < middle.x < last.x and last.y < middle.y < first.y
    assert middle.time == "14:00" and middle.fraction == 0.5
    assert (middle.cx, middle.cy) == ("326.1", "134")
    assert curve["path"] == "76,256 326.1,134 612,12"


def test_tiles_sit_on_the_grid_and_take_their_turnout_class() -> None:
    units = [
        ("KZ-75", "/e/x/c/KZ-75/", "Almaty", 0.49),
        ("KZ-71", "/e/x/c/KZ-71/", "Astana", 0.5),
        ("XX-01", "/e/x/c/XX-01/", "Западно-Казахстанская область", 0.85),
        ("XX-02", "/e/x/c/XX-02/", "Nowhere", None),
    ]
    drawn = tile_map(units)
    assert drawn is not None and tile_map([]) is None
    tiles = {t.code: t for t in drawn["tiles"]}  # type: ignore[attr-defined]
    step_x, step_y = 120, 70
    assert (tiles["KZ-75"].x, tiles["KZ-75"].y) == (TILES["KZ-75"][0] * step_x, 3 * step_y)
    # Codes the grid does not know fill the rows below it, in order.
    bottom = 1 + max(r for _c, r in TILES.values())
    assert (tiles["XX-01"].x, tiles["XX-01"].y) == (0, bottom * step_y)
    assert (tiles["XX-02"].x, tiles["XX-02"].y) == (step_x, bottom * step_y)
    assert tiles["KZ-75"].fill == CLASSES[0][1] and tiles["KZ-71"].fill == CLASSES[1][1]
    assert tiles["XX-01"].fill == CLASSES[-1][1] and tiles["XX-02"].fill == NO_DATA[0]
    assert turnout_class(1.0) == CLASSES[-1][1:]
    # A long name loses its generic word and breaks in two lines at its hyphen.
    assert tiles["XX-01"].lines == ("Западно-", "Казахстанская")
    assert tiles["KZ-75"].lines == ("Almaty",)
    assert drawn["height"] == str((bottom + 1) * step_y - 4)
    assert tiles["XX-02"].svg == {
        "x": "120",
        "y": "350",
        "text_x": "128",
        "name_y": "368",
        "value_y": "408",
    }


@pytest.mark.django_db
def test_the_national_page_draws_both_charts_in_kazakh(
    client: Client, small: SmallElection
) -> None:
    election = election_get(key=KEY)
    stations = stations_regular(geography_id=election.geography_id)
    regions = sorted({station_region_code(s) for s in stations})
    slots = [dt.time(10), dt.time(16)]  # two of the profile's reporting times
    rates = [Decimal("12.0"), Decimal("40.0")]
    turnout_simulate(
        election=election,
        registered={s.code: 1000 for s in stations},
        slots=slots,
        region_rates={r: rates for r in regions},
        national=rates,
        actor=actor_system("tests"),
    )
    # The page's one-query curve is the turnout page's national curve.
    points = turnout_national_points(election=election)
    assert [(p.slot, p.percent) for p in points] == [
        (dt.time(10), rates[0]),
        (dt.time(16), rates[1]),
    ]
    assert points == turnout_for_election(election=election, now=clock.now()).national.points
    client.cookies["django_language"] = "kk"
    html = client.get(f"/e/{KEY}/").content.decode()

    curve = html[html.index('aria-labelledby="curve-title curve-desc"') : html.index("</svg>")]
    assert '<title id="curve-title">Күн бойы сайлаушылардың келуі</title>' in curve
    assert re.findall(r'<circle class="dot"[^>]*data-time="([\d:]+)"', curve) == ["10:00", "16:00"]
    assert "жергілікті уақыт бойынша 16:00-де 40,0\u00a0%" in curve  # the latest figure
    table = html[html.index('<table id="curve-table">') :]
    assert re.findall(r'<tr data-time="([\d:]+)">', table[: table.index("</table>")]) == [
        "10:00",
        "16:00",
    ]

    # Each tile is a link named by what it shows: the unit's name and its turnout.
    tiles = re.findall(
        r'<a href="(/e/[^"]+/)" data-code="([^"]+)" data-name="([^"]+)">(.*?)</a>', html, re.S
    )
    assert sorted(code for _url, code, _name, _body in tiles) == ["KZ-71", "KZ-75"]
    for url, code, _name, _body in tiles:
        assert url == f"/e/{KEY}/c/{code}/"
        assert client.get(url).status_code == 200
    shown = {code: (name, re.sub(r"<[^>]+>", " ", body).split()) for _u, code, name, body in tiles}
    assert shown["KZ-75"][0] == "Алматы қаласы"
    assert shown["KZ-75"][1][:2] == ["Алматы", "қаласы"]  # the name in two lines
    assert re.fullmatch(r"\d+,\d %", " ".join(shown["KZ-75"][1][2:]))  # its turnout
    assert html.count('<span class="swatch"') == len(CLASSES) + 1  # the legend

    # Russian writes 56,4 with a comma; an SVG coordinate never does.
    client.cookies["django_language"] = "ru"
    ru = client.get(f"/e/{KEY}/").content.decode()
    assert "Явка в течение дня" in ru
    svgs = re.findall(r"<svg.*?</svg>", ru, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        numbers = re.findall(
            r' (?:x|y|x1|y1|x2|y2|cx|cy|width|height|dy|textLength)="([^"]*)"', svg
        )
        assert numbers and all(re.fullmatch(r"-?\d+(\.\d)?", n) for n in numbers), numbers
