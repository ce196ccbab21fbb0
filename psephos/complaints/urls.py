"""Complaint pages at /complaints/ (the legal calendar beside them is ``elections.urls``)."""

from django.urls import include, path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.register, name="register"),
    path("file/", views.file_form, name="file"),
    path("finality/<slug:election>/", views.finality, name="finality"),
    # One complaint.
    path(
        "<slug:key>/",
        include(
            [
                path("", views.detail, name="detail"),
                path("decide/", views.decide, name="decide"),
                path(
                    "decisions/<path:number>/confirm/",
                    views.decision_confirm,
                    name="decision_confirm",
                ),
                path("appeal/", views.appeal, name="appeal"),
                path("evidence/<int:position>/", views.evidence, name="evidence"),
            ]
        ),
    ),
]
