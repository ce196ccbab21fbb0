"""Voter pages under /voters/."""

from django.urls import include, path

import psephos.core.converters  # noqa: F401 (registers <code:…>)

from . import views

app_name = "voters"

urlpatterns = [
    path("check/", views.self_check, name="self_check"),
    # One station's register pages.
    path(
        "<slug:key>/stations/<code:code>/",
        include(
            [
                path("", views.station_list, name="station_list"),
                path("mark/", views.station_mark, name="station_mark"),
                path("certificates/", views.station_certificates, name="station_certificates"),
                path("corrections/", views.station_corrections, name="station_corrections"),
            ]
        ),
    ),
]
