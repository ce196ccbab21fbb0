"""Template filters of the portal: shares, bar widths and localized names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from psephos.accounts.enums import Role
from psephos.commissions.labels import commission_title
from psephos.core.i18n import localized
from psephos.recommendations.labels import area_label as _area_label
from psephos.results.labels import label_for_line, label_for_source, label_for_status
from psephos.web.labels import label_for_level

register = template.Library()


# Django ships no number formats for Kazakh; Kazakh writes 1 234 567,89 as Russian does.
_SEPARATORS = {"kk": (",", "\u00a0")}


def _separators() -> tuple[str, str]:
    """Return the active language's decimal and thousand separators."""
    override = _SEPARATORS.get((get_language() or "en")[:2])
    if override is not None:
        return override
    return str(get_format("DECIMAL_SEPARATOR")), str(get_format("THOUSAND_SEPARATOR"))


@register.filter
def percent(value: float | None, digits: int = 2) -> str:
    """Return a fraction as a localized percentage (``69.44 %``), or a dash if unknown.

    Formats directly rather than through ``number_format``: a TEC page renders
    over a thousand figures, and this is several times faster.
    """
    if value is None:
        return "–"
    decimal, _thousands = _separators()
    return f"{value * 100:.{digits}f}".replace(".", decimal) + "\u00a0%"


@register.filter
def num(value: int | None) -> str:
    """Return an integer with the active language's thousand separator, or a dash."""
    if value is None:
        return "–"
    _decimal, thousands = _separators()
    return f"{value:,}".replace(",", thousands)


@register.filter
def money(value: Decimal | int | None) -> str:
    """Return an amount with two decimals and the active language's separators
    (``1 620 000 000,00`` in Kazakh and Russian), or a dash if unknown."""
    if value is None:
        return "–"
    decimal, thousands = _separators()
    whole, _, cents = f"{Decimal(value):,.2f}".partition(".")
    return f"{whole.replace(',', thousands)}{decimal}{cents}"


@register.filter
def bar_width(value: float | None) -> str:
    """Return a fraction as a CSS width (always with a dot), clamped to 0–100 %."""
    if value is None:
        return "0%"
    return f"{max(0.0, min(1.0, value)) * 100:.2f}%"


@register.filter
def local_name(obj: Any, base: str = "name") -> str:
    """Return a stored name or text in the page's language (``psephos.core.i18n``)."""
    return localized(obj, base)


@register.filter
def commission_name(commission: Any) -> str:
    """Return a commission's name in the page's language (``commissions.labels.commission_title``)."""
    return commission_title(commission)


# The roles a ledger event may carry besides the accounts' ``Role`` values.
_ROLE_LABELS = {
    "system": _("psephos itself"),
    "observation": _("observer organisation"),
    "observer": _("observer"),
}


@register.filter
def role_label(role: str) -> str:
    """Return the translated name of the role a ledger event was written in."""
    if role in Role.values:
        return str(Role(role).label)
    return str(_ROLE_LABELS.get(role, role))


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
def area_label(area: str) -> str:
    """A recommendation's area in the page's language (``recommendations.labels``)."""
    return _area_label(area)


@register.filter
def wrapper_id(field: Any) -> str:
    """Return the id of a form field's wrapper (``web/_fields.html``): ``field-<name>`` for a
    form with Django's default control ids (``id_<name>``), else ``field-<control id>``, so
    the wrappers of several forms on one page are as distinct as their controls (a back
    office form's ``ids`` prefix, a pending decision's own ``auto_id``)."""
    control = str(field.auto_id or field.html_name)
    default = f"id_{field.html_name}"
    return f"field-{field.name if control == default else control}"


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """Return ``mapping[key]`` or ``None``."""
    return mapping.get(key) if mapping else None


@register.simple_tag
def osm_url(latitude: object, longitude: object) -> str:
    """Return a link to OpenStreetMap at a place (``""`` without coordinates): a map that
    loads nothing from another site into the page."""
    if latitude is None or longitude is None:
        return ""
    return f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=17/{latitude}/{longitude}"
