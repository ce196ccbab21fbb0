from django.urls import path

from psephos.core.routes import act_routes

from . import views

app_name = "finance"

urlpatterns = [
    path("<slug:key>/", views.finance_list, name="list"),
    path("<slug:key>/receipts.csv", views.finance_csv, name="csv"),
    path("<slug:key>/<slug:fund>/", views.finance_detail, name="detail"),
    path("<slug:key>/<slug:fund>/officer/", views.officer_page, name="officer"),
    *act_routes("<slug:key>/<slug:fund>/officer", views.officer_act, views.OFFICER_ACTS, "officer"),
]
