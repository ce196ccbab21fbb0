from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("", views.reports_list, name="reports"),
    path("<slug:key>/", views.report_tracker, name="report"),
]
