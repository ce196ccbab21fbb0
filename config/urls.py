"""Root URL configuration: the API, the language switch and the portal."""

from django.urls import include, path

urlpatterns = [
    path("api/", include("psephos.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("psephos.web.urls")),
]
