from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("<slug:key>/", views.finance_list, name="list"),
    path("<slug:key>/receipts.csv", views.finance_csv, name="csv"),
    path("<slug:key>/<slug:fund>/", views.finance_detail, name="detail"),
    path("<slug:key>/<slug:fund>/officer/", views.officer_page, name="officer"),
    *(
        path(
            f"<slug:key>/<slug:fund>/officer/{act}/",
            views.officer_act,
            {"act": act},
            name=f"officer-{act}",
        )
        for act in views.OFFICER_ACTS
    ),
]
