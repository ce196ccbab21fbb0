"""Public results transparency pages, mounted at /results/."""

from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("<slug:key>/stations/<str:code>/", views.station_page, name="station"),
    path(
        "<slug:key>/stations/<str:code>/attachments/<str:sha256>/",
        views.attachment_file,
        name="attachment",
    ),
    path("<slug:key>/room/<str:code>/", views.room_page, name="room"),
    path("<slug:key>/room/<str:code>/live/", views.room_fragment, name="room-live"),
    path("<slug:key>/manifest.json", views.manifest_json, name="manifest"),
]
