"""URL converters shared by the apps' pages: ``<code:...>`` is registered on import."""

from __future__ import annotations

from django.urls import register_converter


class CodeConverter:
    """A natural key of a commission or station (``KZ-75-0412``): anything else is a 404.

    Rejecting other characters here keeps bytes such as NUL, which PostgreSQL
    refuses in text, from ever reaching a query.
    """

    regex = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")
