from django.urls import path

from . import views

app_name = "media"

urlpatterns = [
    path("", views.media_index, name="index"),
    path("sw.js", views.media_service_worker, name="sw"),
    path("<slug:key>/", views.media_election, name="election"),
    path("<slug:key>/coverage.csv", views.media_election_csv, name="election_csv"),
    path("<slug:key>/draw/", views.media_draw, name="draw"),
    path("<slug:key>/draw.csv", views.media_draw_csv, name="draw_csv"),
    path("<slug:key>/airtime.csv", views.media_airtime_csv, name="airtime_csv"),
    path("<slug:key>/paid.csv", views.media_paid_csv, name="paid_csv"),
    path("<slug:key>/<slug:plan>/code/", views.media_code_form, name="code"),
]
