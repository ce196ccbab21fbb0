"""Public results transparency pages, mounted at /results/."""

from django.urls import include, path

from . import views

app_name = "results"

# One election's results.
urlpatterns = [
    path(
        "<slug:key>/",
        include(
            [
                path("stations/<str:code>/", views.station_page, name="station"),
                path(
                    "stations/<str:code>/attachments/<str:sha256>/",
                    views.attachment_file,
                    name="attachment",
                ),
                path("room/<str:code>/", views.room_page, name="room"),
                path("room/<str:code>/live/", views.room_fragment, name="room-live"),
                path("manifest.json", views.manifest_json, name="manifest"),
            ]
        ),
    ),
]
