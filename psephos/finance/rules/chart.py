"""Coordinates of a simple inline SVG line chart (no library, no JavaScript)."""

from __future__ import annotations

from decimal import Decimal


def polyline(values: list[Decimal], *, top: Decimal, width: int, height: int) -> str:
    """Return SVG polyline points of ``values`` spread over ``width``, scaled to ``top``."""
    if not values or top <= 0:
        return ""
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - float(v / top) * height:.1f}" for i, v in enumerate(values)
    )
