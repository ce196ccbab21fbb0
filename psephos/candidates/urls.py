from django.urls import include, path

from . import views

app_name = "candidates"

# One election's candidates.
urlpatterns = [
    path(
        "<slug:key>/",
        include(
            [
                path("", views.candidates_list, name="list"),
                path("ballot.pdf", views.ballot_proof_pdf, name="ballot_proof"),
                path("candidates.csv", views.candidates_csv_view, name="csv"),
                path("candidates.json", views.candidates_json_view, name="json"),
                path("<slug:nominee>/", views.candidate_detail, name="detail"),
                path("<slug:nominee>/rejected/", views.rejected_lines_page, name="rejected"),
            ]
        ),
    ),
]
