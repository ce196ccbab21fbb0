"""Template filters of the portal: shares, bar widths and localized names."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

from psephos.web.labels import label_for_level, label_for_line, label_for_source, label_for_status

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 2) -> str:
    """Return a fraction as a localized percentage (``69.44 %``), or a dash if unknown."""
    if value is None:
        return "–"
    # number_format truncates; round first so 73.289 reads 73.29.
    return f"{number_format(round(value * 100, digits), decimal_pos=digits, use_l10n=True)} %"


@register.filter
def bar_width(value: float | None) -> str:
    """Return a fraction as a CSS width (always with a dot), clamped to 0–100 %."""
    if value is None:
        return "0%"
    return f"{max(0.0, min(1.0, value)) * 100:.2f}%"


@register.filter
def local_name(obj: Any, base: str = "name") -> str:
    """Return ``obj.<base>_<language>``, falling back to English."""
    lang = (get_language() or "en")[:2]
    value = getattr(obj, f"{base}_{lang}", None)
    return str(value or getattr(obj, f"{base}_en", "") or "")


@register.filter
def line_label(name: str) -> str:
    """Return the translated label of a protocol line."""
    return str(label_for_line(name))


@register.filter
def status_label(status: str) -> str:
    """Return the translated label of a protocol status."""
    return str(label_for_status(status))


@register.filter
def level_label(level: str) -> str:
    """Return the translated name of a commission level."""
    return str(label_for_level(level))


@register.filter
def source_label(source: str | None) -> str:
    """Return the translated origin of a protocol version."""
    return str(label_for_source(source)) if source else "–"


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """Return ``mapping[key]`` or ``None``."""
    return mapping.get(key) if mapping else None
