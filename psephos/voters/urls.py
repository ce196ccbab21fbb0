"""Voter pages under /voters/."""

from django.urls import path

import psephos.core.converters  # noqa: F401 (registers <code:…>)

from . import views

app_name = "voters"

urlpatterns = [
    path("check/", views.self_check, name="self_check"),
    path("<slug:key>/stations/<code:code>/", views.station_list, name="station_list"),
    path("<slug:key>/stations/<code:code>/mark/", views.station_mark, name="station_mark"),
    path(
        "<slug:key>/stations/<code:code>/certificates/",
        views.station_certificates,
        name="station_certificates",
    ),
    path(
        "<slug:key>/stations/<code:code>/corrections/",
        views.station_corrections,
        name="station_corrections",
    ),
]
