"""The national page's charts, drawn on the server as SVG: the turnout curve and a tile map.

Both are computed here from figures the selectors already read (no query of their
own) and drawn by templates (``web/_turnout_chart.html``, ``web/_tile_map.html``):
axes with labels, a ``<title>`` and a description, and beside each a text table with
the same figures, so a reader without sight or without SVG loses nothing. No script,
no external asset.

Every number that goes into an SVG attribute is formatted here as a plain string
(``_n``): a template would localize it (``123,4`` in Russian, which SVG cannot read)
and spend most of the map's rendering time doing so.

The tile map is schematic: one equal tile per first-level unit, placed roughly where
the unit lies (north up, west left), each tile a link to the unit's page, coloured by
turnout in five classes with a legend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

# The turnout curve's frame in SVG user units: plot area and margins for the labels.
CURVE_W, CURVE_H = 640, 300
CURVE_LEFT, CURVE_BOTTOM, CURVE_TOP, CURVE_RIGHT = 76, 44, 12, 28
# Polls are open from 07:00 to 20:00 local time; the axis spans the whole voting day.
DAY_FROM, DAY_TO = 7 * 60, 22 * 60


def _n(value: float) -> str:
    """Return a coordinate as SVG reads it: a dot for decimals, at most one of them."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True, slots=True)
class CurveDot:
    x: float
    y: float
    time: str  # "HH:MM", local time of the report
    fraction: float  # 0–1, for the page's percent format

    @property
    def cx(self) -> str:
        return _n(self.x)

    @property
    def cy(self) -> str:
        return _n(self.y)


def turnout_curve(points: Sequence[tuple[dt.time, Decimal]]) -> dict[str, object] | None:
    """Return the curve's coordinates, ticks and dots for the template; ``None`` if no point.

    ``points`` are (report time, turnout in percent) in time order.
    """
    if not points:
        return None
    plot_w = CURVE_W - CURVE_LEFT - CURVE_RIGHT
    plot_h = CURVE_H - CURVE_TOP - CURVE_BOTTOM
    bottom = CURVE_TOP + plot_h

    def x_of(t: dt.time) -> float:
        minutes = min(max(t.hour * 60 + t.minute, DAY_FROM), DAY_TO)
        return round(CURVE_LEFT + (minutes - DAY_FROM) * plot_w / (DAY_TO - DAY_FROM), 1)

    def y_of(percent: float) -> float:
        return round(bottom - min(max(percent, 0.0), 100.0) * plot_h / 100, 1)

    dots = [CurveDot(x_of(t), y_of(float(p)), f"{t:%H:%M}", float(p) / 100) for t, p in points]
    return {
        "width": _n(CURVE_W),
        "height": _n(CURVE_H),
        "left": _n(CURVE_LEFT),
        "label_right": _n(CURVE_LEFT - 6),  # the y labels end here
        "right": _n(CURVE_W - CURVE_RIGHT),
        "top": _n(CURVE_TOP),
        "bottom": _n(bottom),
        "tick_end": _n(bottom + 5),
        "tick_label": _n(bottom + 19),
        "x_title": _n(CURVE_H - 4),
        "path": " ".join(f"{d.cx},{d.cy}" for d in dots),
        "dots": dots,
        "x_ticks": [(_n(x_of(dt.time(h))), f"{h:02d}:00") for h in range(7, 23, 3)],
        "y_ticks": [(_n(y_of(p)), str(p)) for p in (0, 25, 50, 75, 100)],
        "x_label_at": _n((CURVE_LEFT + CURVE_W - CURVE_RIGHT) / 2),
        "y_label_at": _n((CURVE_TOP + bottom) / 2),
    }


# Where each first-level unit of Kazakhstan's 2022 map sits on the grid: (column, row).
TILES: dict[str, tuple[int, int]] = {
    "KZ-27": (0, 0),  # West Kazakhstan
    "KZ-39": (2, 0),  # Kostanay
    "KZ-59": (3, 0),  # North Kazakhstan
    "KZ-55": (4, 0),  # Pavlodar
    "KZ-63": (5, 0),  # East Kazakhstan
    "KZ-23": (0, 1),  # Atyrau
    "KZ-15": (1, 1),  # Aktobe
    "KZ-11": (3, 1),  # Akmola
    "KZ-71": (4, 1),  # Astana
    "KZ-10": (5, 1),  # Abai
    "KZ-47": (0, 2),  # Mangystau
    "KZ-62": (2, 2),  # Ulytau
    "KZ-35": (3, 2),  # Karaganda
    "KZ-33": (5, 2),  # Jetisu
    "KZ-43": (1, 3),  # Kyzylorda
    "KZ-61": (2, 3),  # Turkistan
    "KZ-31": (3, 3),  # Jambyl
    "KZ-19": (4, 3),  # Almaty Region
    "KZ-75": (5, 3),  # Almaty
    "KZ-79": (2, 4),  # Shymkent
}
TILE_W, TILE_H, TILE_GAP = 116, 66, 4
COLUMNS = 6
# Turnout classes: upper bound (fraction, exclusive), fill, ink. Each ink has at least
# 4.5:1 contrast on its fill (WCAG 2.1 AA for small text).
CLASSES: tuple[tuple[float, str, str], ...] = (
    (0.5, "#f1f6fb", "#111111"),
    (0.6, "#c6dbef", "#111111"),
    (0.7, "#7fb2da", "#111111"),
    (0.8, "#2166ac", "#ffffff"),
    (1.01, "#08306b", "#ffffff"),
)
NO_DATA = ("#e4e4e4", "#111111")
# The words a unit's name ends with that a tile leaves out ("Abai Region" → "Abai").
GENERIC = (" Region", " облысы", " область")
LINE_CHARS = 12
# A line longer than this is squeezed to the tile's width (SVG textLength).
FIT_CHARS = 11
FIT_WIDTH = TILE_W - 14


@dataclass(frozen=True, slots=True)
class Tile:
    code: str
    url: str
    name: str  # the full name, for the link's accessible name
    lines: tuple[str, ...]  # the short name as drawn, one or two lines
    turnout: float | None
    x: int
    y: int
    fill: str
    ink: str

    @property
    def svg(self) -> dict[str, str]:
        """Return the tile's coordinates as SVG attribute values (``_n``)."""
        return {
            "x": _n(self.x),
            "y": _n(self.y),
            "text_x": _n(self.x + 8),
            "name_y": _n(self.y + 18),
            "value_y": _n(self.y + 58),
        }


def _short(name: str) -> tuple[str, ...]:
    """Return the name without its generic word, in two lines when it is long."""
    for word in GENERIC:
        if name.endswith(word):
            name = name[: -len(word)]
            break
    if len(name) <= LINE_CHARS:
        return (name,)
    cuts = [i + 1 for i, ch in enumerate(name) if ch == "-"] + [
        i for i, ch in enumerate(name) if ch == " "
    ]
    if not cuts:
        return (name,)
    cut = min(cuts, key=lambda i: abs(i - len(name) / 2))
    return (name[:cut].strip(), name[cut:].strip())


def turnout_class(turnout: float | None) -> tuple[str, str]:
    """Return (fill, ink) of a turnout."""
    if turnout is None:
        return NO_DATA
    return next(((f, i) for top, f, i in CLASSES if turnout < top), CLASSES[-1][1:])


def tile_map(units: Sequence[tuple[str, str, str, float | None]]) -> dict[str, object] | None:
    """Return the tiles of (code, url, name, turnout) units and the map's size.

    A unit the grid does not place (another country's map) takes the next free cell
    below the placed ones, in the given order; ``None`` when there is no unit.
    """
    if not units:
        return None
    extra_row = 1 + max((r for _c, r in TILES.values()), default=-1)
    spare = 0
    tiles = []
    for code, url, name, turnout in units:
        if code in TILES:
            col, row = TILES[code]
        else:
            col, row = spare % COLUMNS, extra_row + spare // COLUMNS
            spare += 1
        fill, ink = turnout_class(turnout)
        tiles.append(
            Tile(
                code=code,
                url=url,
                name=name,
                lines=_short(name),
                turnout=turnout,
                x=col * (TILE_W + TILE_GAP),
                y=row * (TILE_H + TILE_GAP),
                fill=fill,
                ink=ink,
            )
        )
    columns = 1 + max(t.x for t in tiles) // (TILE_W + TILE_GAP)
    rows = 1 + max(t.y for t in tiles) // (TILE_H + TILE_GAP)
    lower = [0.0, *(top for top, _f, _i in CLASSES[:-1])]
    return {
        "tiles": tiles,
        "width": _n(columns * (TILE_W + TILE_GAP) - TILE_GAP),
        "height": _n(rows * (TILE_H + TILE_GAP) - TILE_GAP),
        "tile_w": _n(TILE_W),
        "tile_h": _n(TILE_H),
        "fit_chars": FIT_CHARS,
        "fit_width": _n(FIT_WIDTH),
        "legend": [
            (low, top if top <= 1 else None, fill)
            for low, (top, fill, _ink) in zip(lower, CLASSES, strict=True)
        ],
        "no_data": NO_DATA[0],
    }
