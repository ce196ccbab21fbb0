from django.urls import path

from . import views

app_name = "media"

urlpatterns = [
    path("", views.media_index, name="index"),
    path("<slug:key>/", views.media_election, name="election"),
    path("<slug:key>/coverage.csv", views.media_election_csv, name="election_csv"),
]
