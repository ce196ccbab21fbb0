"""Voter pages under /voters/."""

from django.urls import path

from . import views

app_name = "voters"

urlpatterns = [
    path("check/", views.self_check, name="self_check"),
    path("<slug:key>/stations/<str:code>/", views.station_list, name="station_list"),
    path("<slug:key>/stations/<str:code>/mark/", views.station_mark, name="station_mark"),
    path(
        "<slug:key>/stations/<str:code>/certificates/",
        views.station_certificates,
        name="station_certificates",
    ),
    path(
        "<slug:key>/stations/<str:code>/corrections/",
        views.station_corrections,
        name="station_corrections",
    ),
]
