from django.urls import path

from . import views
from .feeds import AssessmentsFeed

app_name = "recommendations"

urlpatterns = [
    path("", views.reports_list, name="reports"),
    path("feed.atom", AssessmentsFeed(), name="feed"),
    path("r/<slug:key>/", views.recommendation_page, name="recommendation"),
    path("<slug:key>/", views.report_tracker, name="report"),
]
