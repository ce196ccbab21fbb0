"""Complaint pages at /complaints/ (the legal calendar beside them is ``elections.urls``)."""

from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.register, name="register"),
    path("file/", views.file_form, name="file"),
    path("finality/<slug:election>/", views.finality, name="finality"),
    path("<slug:key>/", views.detail, name="detail"),
    path("<slug:key>/decide/", views.decide, name="decide"),
    path(
        "<slug:key>/decisions/<path:number>/confirm/",
        views.decision_confirm,
        name="decision_confirm",
    ),
    path("<slug:key>/appeal/", views.appeal, name="appeal"),
    path("<slug:key>/evidence/<int:position>/", views.evidence, name="evidence"),
]
