from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("<slug:key>/", views.candidates_list, name="list"),
    path("<slug:key>/ballot.pdf", views.ballot_proof_pdf, name="ballot_proof"),
    path("<slug:key>/candidates.csv", views.candidates_csv_view, name="csv"),
    path("<slug:key>/candidates.json", views.candidates_json_view, name="json"),
    path("<slug:key>/<slug:nominee>/", views.candidate_detail, name="detail"),
    path("<slug:key>/<slug:nominee>/rejected/", views.rejected_lines_page, name="rejected"),
]
