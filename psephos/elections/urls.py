"""The public legal calendar pages, mounted at ``/complaints/calendar/`` (``config.urls``)."""

from django.urls import path

from . import views_calendar

app_name = "elections"

urlpatterns = [
    path("<slug:election>/", views_calendar.timeline, name="calendar"),
    path("<slug:election>.ics", views_calendar.ics, name="calendar_ics"),
    path("<slug:election>.json", views_calendar.as_json, name="calendar_json"),
]
