"""URL patterns shared by the apps' URL lists."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpResponse
from django.urls import URLPattern, path


def act_routes(
    prefix: str, view: Callable[..., HttpResponse], acts: Iterable[str], name: str
) -> list[URLPattern]:
    """One POST route per act of a page: ``PREFIX/ACT/`` calls ``view`` with ``act=ACT``.

    Each route is named ``NAME-ACT``, so a form posts to ``{% url 'app:NAME-ACT' … %}``.
    """
    return [path(f"{prefix}/{act}/", view, {"act": act}, name=f"{name}-{act}") for act in acts]
