from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("<slug:key>/", views.finance_list, name="list"),
    path("<slug:key>/receipts.csv", views.finance_csv, name="csv"),
    path("<slug:key>/<slug:fund>/", views.finance_detail, name="detail"),
]
