from django.urls import include, path

import psephos.core.converters  # noqa: F401 (registers <code:…>)

from . import views

app_name = "commissions"

urlpatterns = [
    path("<slug:geography>/composition/", views.composition_page, name="composition"),
    # One commission's decisions and sessions.
    path(
        "<slug:geography>/<code:code>/",
        include(
            [
                path("decisions/", views.decisions_page, name="decisions"),
                path("decisions.csv", views.decisions_csv, name="decisions_csv"),
                path("decisions.json", views.decisions_json, name="decisions_json"),
                path("decisions.atom", views.DecisionsFeed(), name="decisions_feed"),
                path("sessions/", views.sessions_page, name="sessions"),
                path("sessions/<code:number>/", views.session_page, name="session"),
            ]
        ),
    ),
]
