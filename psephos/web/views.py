"""Portal views: thin, they call selectors and render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from psephos.elections.models import Election


def home(request: HttpRequest) -> HttpResponse:
    """List the elections."""
    return render(request, "web/home.html", {"elections": Election.objects.all()})
