"""Portal URLs: public results by natural keys, staff pages, log in and out."""

from django.contrib.auth import views as auth_views
from django.urls import path

import psephos.core.converters  # noqa: F401 (registers <code:…>)
from psephos.results import staff
from psephos.results import views as results_views

from . import views
from .login import ThrottledAuthenticationForm

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("e/<slug:key>/", views.election_results, name="election"),
    path("e/<slug:key>/c/<code:code>/", views.commission_results, name="commission"),
    path("e/<slug:key>/find/", views.commission_find, name="find"),
    path("e/<slug:key>/voter-calendar/", views.voter_calendar_page, name="voter-calendar"),
    path("e/<slug:key>/voter-calendar.ics", views.voter_calendar_ics, name="voter-calendar-ics"),
    # The results' quarantine page keeps its address under /ledger/, where it was first published.
    path("ledger/quarantine/<slug:key>/", results_views.quarantine_page, name="quarantine"),
    # The results' staff pages (psephos.results.staff) keep their addresses and names.
    path("staff/", staff.staff_home, name="staff"),
    path("staff/e/<slug:key>/protocol/", staff.protocol_entry, name="protocol-entry"),
    path("staff/e/<slug:key>/queue/", staff.protocol_queue, name="protocol-queue"),
    path("staff/e/<slug:key>/keying/", staff.protocol_keying_find, name="protocol-keying-find"),
    path("staff/e/<slug:key>/keying/<code:code>/", staff.protocol_keying, name="protocol-keying"),
    path("staff/e/<slug:key>/certify/", staff.election_certify_view, name="election-certify"),
    path(
        "staff/e/<slug:key>/p/<code:code>/<str:decision>/",
        staff.protocol_decide,
        name="protocol-decide",
    ),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html",
            authentication_form=ThrottledAuthenticationForm,
            redirect_authenticated_user=True,
            next_page="web:staff",
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="web:home"), name="logout"),
]
