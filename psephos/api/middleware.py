"""The API's language: ``?lang=`` in the query, else what ``LocaleMiddleware`` picked."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils import translation

from psephos.core.errors import ValidationFailed
from psephos.core.middleware import API_PREFIX


class ApiLanguageMiddleware:
    """Let an API request name its language in the query: ``?lang=kk`` (after ``LocaleMiddleware``).

    Without ``lang`` the API answers in the language ``LocaleMiddleware`` picked (the
    language cookie, else ``Accept-Language``, else English); with it, in that language
    (``Content-Language`` says which). A ``lang`` the site does not have is refused
    (422, ``validation_failed``, naming the field and the languages it has). Pages are
    not concerned: they switch language with the cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        lang = request.GET.get("lang") if request.path_info.startswith(API_PREFIX) else None
        if lang is None:
            return self.get_response(request)
        codes = [code for code, _name in settings.LANGUAGES]
        if lang not in codes:
            error = ValidationFailed(
                translation.gettext("query.lang: “%(lang)s” is not one of %(languages)s.")
                % {"lang": lang[:16], "languages": ", ".join(codes)},
                data={"field": "lang", "where": "query.lang", "languages": codes},
            )
            return JsonResponse({"error": error.as_dict()}, status=error.http_status)
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        return self.get_response(request)
