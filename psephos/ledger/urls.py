"""The public ledger pages, mounted at /ledger/."""

from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.ledger_page, name="index"),
    path("events/<int:seq>/", views.event_page, name="event"),
]
