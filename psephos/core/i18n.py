"""Stored names and texts in the reader's language: the one place that picks the form.

A stored text keeps its three forms side by side: ``<base>_kk``, ``<base>_ru`` and
``<base>_en`` (or ``<base>`` itself for English where a table kept the column's first
name, as a polling station's ``name`` and ``address`` do). A form left empty falls back
in a fixed order, never to a mix inside one text:

- Kazakh: Kazakh, then Russian (the other language of the state's documents, which a
  Kazakh reader reads far more often than English), then English;
- Russian: Russian, then English, then Kazakh;
- English (and any other language): English, then Russian, then Kazakh.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

FALLBACK: dict[str, tuple[str, ...]] = {
    "kk": ("kk", "ru", "en"),
    "ru": ("ru", "en", "kk"),
    "en": ("en", "ru", "kk"),
}


def localized(obj: Any, base: str = "name", language: str | None = None) -> str:
    """Return ``obj``'s ``base`` text in ``language`` (the active one if not given).

    ``obj`` is a model instance, a mapping or any object with the ``<base>_<lang>``
    attributes (or keys); the English form may also be plain ``<base>``.
    """
    lang = (language or get_language() or "en")[:2]
    for form in FALLBACK.get(lang, FALLBACK["en"]):
        value = _form(obj, base, form)
        if value:
            return value
    return ""


def _form(obj: Any, base: str, form: str) -> str:
    names = (f"{base}_{form}", base) if form == "en" else (f"{base}_{form}",)
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value:
            return str(value)
    return ""
