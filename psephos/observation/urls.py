from django.urls import include, path

from . import views

app_name = "observation"

urlpatterns = [
    path("", views.index, name="index"),
    path("accreditations/<slug:election>/", views.accreditations, name="accreditations"),
    path("badges/", views.badge_number, name="badge_number"),
    path("badge/<str:token>/", views.badge, name="badge"),
    path("badge/<str:token>/qr.svg", views.badge_qr, name="badge_qr"),
    path("findings/<slug:election>/", views.findings, name="findings"),
    path("form/", views.mobile_form, name="form"),
    path("sw.js", views.service_worker, name="sw"),
    path(
        "2fa/",
        include(
            [
                path("", views.two_factor, name="two_factor"),
                path("setup/", views.two_factor_setup, name="two_factor_setup"),
                path(
                    "setup/confirm/",
                    views.two_factor_setup_confirm,
                    name="two_factor_setup_confirm",
                ),
            ]
        ),
    ),
    # One observer organisation's pages.
    path(
        "organisations/<slug:organisation>/",
        include(
            [
                path("observers/", views.roster, name="roster"),
                path("coverage/<slug:election>/", views.coverage_page, name="coverage"),
                path("quickcount/<slug:election>/", views.quickcount_page, name="quickcount"),
            ]
        ),
    ),
]
