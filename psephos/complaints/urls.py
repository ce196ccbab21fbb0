"""Complaint pages at /complaints/, and the legal calendar at /complaints/calendar/."""

from django.urls import path

from psephos.elections import views_calendar

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.register, name="register"),
    path("file/", views.file_form, name="file"),
    path("finality/<slug:election>/", views.finality, name="finality"),
    path("calendar/<slug:election>/", views_calendar.timeline, name="calendar"),
    path("calendar/<slug:election>.ics", views_calendar.ics, name="calendar_ics"),
    path("calendar/<slug:election>.json", views_calendar.as_json, name="calendar_json"),
    path("<slug:key>/", views.detail, name="detail"),
    path("<slug:key>/decide/", views.decide, name="decide"),
    path("<slug:key>/appeal/", views.appeal, name="appeal"),
    path("<slug:key>/evidence/<int:position>/", views.evidence, name="evidence"),
]
