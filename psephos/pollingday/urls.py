"""Election-day pages under /pollingday/."""

from django.urls import path

import psephos.core.converters  # noqa: F401 (registers <code:…>)

from . import views, views_mobile, views_protocol

app_name = "pollingday"

urlpatterns = [
    path("<slug:key>/turnout/", views.turnout_page, name="turnout"),
    path("<slug:key>/stations/<code:code>/", views.day_page, name="day"),
    path("<slug:key>/stations/<code:code>/opening/", views.opening_page, name="opening"),
    path("<slug:key>/stations/<code:code>/mobile/", views_mobile.mobile_page, name="mobile"),
    path(
        "<slug:key>/stations/<code:code>/protocol.pdf",
        views_protocol.protocol_pdf_page,
        name="protocol-pdf",
    ),
    path(
        "<slug:key>/stations/<code:code>/protocol/photo/",
        views_protocol.protocol_photo_page,
        name="protocol-photo",
    ),
    path(
        "<slug:key>/stations/<code:code>/protocol/scan/",
        views_protocol.protocol_scan_page,
        name="protocol-scan",
    ),
]
