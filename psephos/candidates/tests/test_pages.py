"""The public candidate pages in English and Kazakh, and their errors."""

from __future__ import annotations

import re

from .conftest import World, collecting
from .test_registration import decide, sign


def test_the_list_and_the_nominee_page_show_status_criteria_and_signatures(
    client, world: World, django_assert_max_num_queries
) -> None:
    nomination = collecting(world)
    sign(world, nomination, [0, 1, 10, 11], "a.csv")
    decide(nomination, "register")

    with django_assert_max_num_queries(12):
        response = client.get("/candidates/kz-test-presidential/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'data-nominee="([^"]+)" data-status="([^"]+)"', html) == [
        ("tokayev", "registered")
    ]
    assert ">Kassym-Jomart Tokayev</a>" in html

    response = client.get("/candidates/kz-test-presidential/tokayev/", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Қасым-Жомарт Тоқаев</h1>" in html
    assert '<dd id="status" data-status="registered">тіркелді</dd>' in html
    assert re.findall(r'<tr data-outcome="([^"]+)"><td>([^<]+)</td>', html)[:3] == [
        ("met", "дауыс беру күніндегі жасы"),
        ("met", "туғаннан азамат"),
        ("exempt", "қазақ тілін еркін меңгеруі"),
    ]
    assert re.findall(r'data-unit="([^"]+)"><td>[^<]+</td><td>(\d+)</td>', html) == [
        ("KZ-01", "2"),
        ("KZ-02", "2"),
        ("KZ-03", "0"),
    ]
    # Registered, but no fund opened and no airtime drawn: the blocks say so, and link the report.
    assert '<p id="no-fund">' in html and 'id="fund-link"' not in html
    assert '<p id="airtime-not-drawn">' in html
    assert 'href="/media/kz-test-presidential/#airtime"' in html


def test_a_missing_election_or_nominee_is_404(client, world: World) -> None:
    assert client.get("/candidates/nope/").status_code == 404
    response = client.get("/candidates/kz-test-presidential/nobody/")
    assert response.status_code == 404
    assert "No nominee “nobody” in election “kz-test-presidential”." in response.content.decode()


def test_a_refused_nominee_files_a_complaint_from_the_decision_page(
    client, world: World, frozen
) -> None:
    import datetime as dt

    from psephos.candidates.services.eligibility import eligibility_decide
    from psephos.complaints.models import Complaint

    from .conftest import language, passing
    from .test_nominations import submit

    nomination = submit(world, incumbent=False)
    eligibility_decide(
        nomination=nomination,
        assessments=[*passing(public_service="2 years, 5 required"), language()],
        actor="system:tests",
    )
    decide(nomination, "refuse", reasons="Art. 41(2): public service.")
    html = client.get("/candidates/kz-test-presidential/tokayev/").content.decode()
    [link] = re.findall(r'<p class="challenge"><a href="([^"]+)">', html)
    assert "to the Supreme Court, within 10 days (until 2022-10-22)." in html
    form = client.get(link.replace("&amp;", "&")).content.decode()
    for name, value in (
        ("complainant_name", "Kassym-Jomart Tokayev"),
        ("respondent_commission", "CEC"),
        ("subject_date", "2022-10-12"),
    ):
        assert re.search(rf'name="{name}"[^>]*value="{value}"', form), name
    assert 'value="candidate" selected' in form
    frozen[0] = dt.datetime(2022, 10, 13, 6, 0, tzinfo=dt.UTC)  # the day after the decision
    response = client.post(
        "/complaints/file/",
        {
            "election": "kz-test-presidential",
            "complainant_kind": "candidate",
            "complainant_name": "Kassym-Jomart Tokayev",
            "respondent_kind": "commission",
            "respondent_commission": "CEC",
            "subject_kind": "decision",
            "subject_date": "2022-10-12",
            "summary": "CEC decision No. 1 refused my registration.",
            "remedy": "Register me.",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.body_kind, complaint.body_court) == ("court", "Supreme Court")
