"""Portal URLs: public results by natural keys, staff pages, log in and out."""

from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from . import staff, views


class CodeConverter:
    """A natural key of a commission or station (``KZ-75-0412``): anything else is a 404.

    Rejecting other characters here keeps bytes such as NUL, which PostgreSQL
    refuses in text, from ever reaching a query.
    """

    regex = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("e/<slug:key>/", views.election_results, name="election"),
    path("e/<slug:key>/c/<code:code>/", views.commission_results, name="commission"),
    path("e/<slug:key>/find/", views.commission_find, name="find"),
    path("staff/", staff.staff_home, name="staff"),
    path("staff/e/<slug:key>/protocol/", staff.protocol_entry, name="protocol-entry"),
    path("staff/e/<slug:key>/queue/", staff.protocol_queue, name="protocol-queue"),
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
            redirect_authenticated_user=True,
            next_page="web:staff",
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="web:home"), name="logout"),
]
