from django.urls import path

import psephos.core.converters  # noqa: F401 (registers <code:…>)

from . import views

app_name = "commissions"

urlpatterns = [
    path("<slug:geography>/composition/", views.composition_page, name="composition"),
    path("<slug:geography>/<code:code>/decisions/", views.decisions_page, name="decisions"),
    path("<slug:geography>/<code:code>/decisions.csv", views.decisions_csv, name="decisions_csv"),
    path(
        "<slug:geography>/<code:code>/decisions.json", views.decisions_json, name="decisions_json"
    ),
    path(
        "<slug:geography>/<code:code>/decisions.atom",
        views.DecisionsFeed(),
        name="decisions_feed",
    ),
    path("<slug:geography>/<code:code>/sessions/", views.sessions_page, name="sessions"),
    path(
        "<slug:geography>/<code:code>/sessions/<code:number>/",
        views.session_page,
        name="session",
    ),
]
