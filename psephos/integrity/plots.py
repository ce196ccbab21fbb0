"""Inline SVG plots for the report: fingerprint heat map, 0.1-point histograms, digit bars.

Plain SVG strings built from numbers the report computed; every text label is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

W, H, PAD = 640, 260, 36


def _frame(width: int, height: int, body: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _axes(
    width: int, height: int, x_label: str, y_label: str, ticks: list[tuple[float, str]]
) -> str:
    x0, y0, x1 = PAD, height - PAD, width - 8
    parts = [
        f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#333"/>',
        f'<line x1="{x0}" y1="8" x2="{x0}" y2="{y0}" stroke="#333"/>',
        f'<text x="{(x0 + x1) / 2}" y="{height - 4}" font-size="11" text-anchor="middle">{escape(x_label)}</text>',
        f'<text x="10" y="{(8 + y0) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 10 {(8 + y0) / 2})">{escape(y_label)}</text>',
    ]
    for frac, label in ticks:
        x = x0 + frac * (x1 - x0)
        parts.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + 4}" stroke="#333"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y0 + 15}" font-size="10" text-anchor="middle">{escape(label)}</text>'
        )
    return "".join(parts)


def histogram_svg(counts: list[int], *, title: str, x_label: str, y_label: str) -> str:
    """Return a step histogram over [0, 100] % of fine bins (integer spikes stay visible)."""
    n = len(counts)
    top = max(counts) if counts and max(counts) > 0 else 1
    x0, y0, x1, y1 = PAD, H - PAD, W - 8, 8
    dx = (x1 - x0) / max(n, 1)
    points = [f"M{x0},{y0}"]
    for i, c in enumerate(counts):
        y = y0 - (y0 - y1) * c / top
        points.append(f"L{x0 + i * dx:.2f},{y:.2f}L{x0 + (i + 1) * dx:.2f},{y:.2f}")
    points.append(f"L{x1},{y0}Z")
    ticks = [(k / 10, f"{k * 10}") for k in range(11)]
    body = f'<path d="{"".join(points)}" fill="#4a7ab5" stroke="#1f4e79" stroke-width="0.4"/>'
    return _frame(W, H, _axes(W, H, x_label, y_label, ticks) + body, title)


def heatmap_svg(counts: list[list[int]], *, title: str, x_label: str, y_label: str) -> str:
    """Return the fingerprint: rows are turnout bins (x), columns leader-share bins (y)."""
    size = 360
    if len(counts) > 50 and len(counts) % 2 == 0:
        # 2×2 cells into one: at most 2,500 rectangles keep the page light
        half = len(counts) // 2
        counts = [
            [
                counts[2 * i][2 * j]
                + counts[2 * i][2 * j + 1]
                + counts[2 * i + 1][2 * j]
                + counts[2 * i + 1][2 * j + 1]
                for j in range(half)
            ]
            for i in range(half)
        ]
    bins = len(counts)
    top = max((max(row) for row in counts), default=0) or 1
    cell = (size - PAD - 8) / max(bins, 1)
    parts = []
    for i, row in enumerate(counts):
        for j, c in enumerate(row):
            if c <= 0:
                continue
            # square-root scale keeps sparse fraud tails visible next to the dense core
            shade = (c / top) ** 0.5
            light = int(255 - 235 * shade)
            x = PAD + i * cell
            y = size - PAD - (j + 1) * cell
            parts.append(
                f'<rect x="{x:.2f}" y="{y:.2f}" width="{cell + 0.05:.2f}" height="{cell + 0.05:.2f}" fill="rgb({light},{light},255)"/>'
            )
    ticks = [(k / 5, f"{k * 20}") for k in range(6)]
    yt = "".join(
        f'<text x="{PAD - 4}" y="{size - PAD - k / 5 * (size - PAD - 8) + 3:.1f}" font-size="10" text-anchor="end">{k * 20}</text>'
        for k in range(6)
    )
    return _frame(
        size, size, _axes(size, size, x_label, y_label, ticks) + yt + "".join(parts), title
    )


def digits_svg(frequencies: list[int], expected: list[float], *, title: str, x_label: str) -> str:
    """Return bars of observed digit shares with the expected shares as markers."""
    width, height = 360, 220
    total = sum(frequencies) or 1
    shares = [f / total for f in frequencies]
    top = max([*shares, *expected, 0.01]) * 1.1
    x0, y0, x1, y1 = PAD, height - PAD, width - 8, 8
    bw = (x1 - x0) / 10
    parts = []
    for d in range(10):
        h = (y0 - y1) * shares[d] / top
        parts.append(
            f'<rect x="{x0 + d * bw + 3:.1f}" y="{y0 - h:.1f}" width="{bw - 6:.1f}" height="{h:.1f}" fill="#4a7ab5"><title>{d}: {shares[d]:.4f}</title></rect>'
        )
        ey = y0 - (y0 - y1) * expected[d] / top
        parts.append(
            f'<line x1="{x0 + d * bw:.1f}" x2="{x0 + (d + 1) * bw:.1f}" y1="{ey:.1f}" y2="{ey:.1f}" stroke="#c0392b" stroke-width="2"/>'
        )
    ticks = [((d + 0.5) / 10, str(d)) for d in range(10)]
    return _frame(width, height, _axes(width, height, x_label, "", ticks) + "".join(parts), title)


def report_plots(report: dict[str, Any], labels: dict[str, str]) -> dict[str, str]:
    """Return the report's SVG plots keyed by name; ``labels`` holds the translated texts."""
    plots: dict[str, str] = {}
    fp = report.get("fingerprint", {})
    if fp.get("counts"):
        plots["fingerprint"] = heatmap_svg(
            fp["counts"],
            title=labels["fingerprint"],
            x_label=labels["turnout"],
            y_label=labels["leader_share"],
        )
    hist = report.get("histograms", {})
    if hist.get("turnout"):
        plots["turnout"] = histogram_svg(
            hist["turnout"],
            title=labels["turnout_hist"],
            x_label=labels["turnout"],
            y_label=labels["stations"],
        )
        plots["leader_share"] = histogram_svg(
            hist["leader_share"],
            title=labels["share_hist"],
            x_label=labels["leader_share"],
            y_label=labels["stations"],
        )
    b2 = report.get("benford_2bl", {})
    if b2.get("frequencies"):
        plots["benford_2bl"] = digits_svg(
            b2["frequencies"],
            b2["expected"],
            title=labels["benford"],
            x_label=labels["second_digit"],
        )
    ld = report.get("last_digit", {})
    if ld.get("frequencies"):
        plots["last_digit"] = digits_svg(
            ld["frequencies"],
            [0.1] * 10,
            title=labels["last_digit"],
            x_label=labels["last_digit_axis"],
        )
    return plots
