from django.urls import path

from . import views

app_name = "integrity"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:election_key>/", views.report, name="report"),
    path("<slug:election_key>/report.json", views.report_json, name="report_json"),
]
