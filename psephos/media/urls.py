from django.urls import include, path

from . import views

app_name = "media"

urlpatterns = [
    path("", views.media_index, name="index"),
    path("sw.js", views.media_service_worker, name="sw"),
    # One election's monitoring.
    path(
        "<slug:key>/",
        include(
            [
                path("", views.media_election, name="election"),
                path("coverage.csv", views.media_election_csv, name="election_csv"),
                path("draw/", views.media_draw, name="draw"),
                path("draw.csv", views.media_draw_csv, name="draw_csv"),
                path("airtime.csv", views.media_airtime_csv, name="airtime_csv"),
                path("paid.csv", views.media_paid_csv, name="paid_csv"),
                path("<slug:plan>/code/", views.media_code_form, name="code"),
            ]
        ),
    ),
]
