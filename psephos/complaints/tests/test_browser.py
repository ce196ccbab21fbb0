"""The filing form and the public register, driven in headless Chromium."""

from __future__ import annotations

import hashlib

import pytest

from psephos.complaints.models import Complaint, Evidence

from .test_filing import PNG

pytestmark = pytest.mark.browser


def test_file_a_complaint_with_evidence_then_find_it_masked_in_the_register(
    transactional_db, world, live_server, page
):
    page.goto(f"{live_server.url}/complaints/file/")
    page.select_option("select[name=election]", "kz-2022-presidential")
    page.select_option("select[name=complainant_kind]", "voter")
    page.fill("input[name=complainant_name]", "Aliya Private")
    page.fill("input[name=complainant_contact]", "aliya@example.org")
    page.select_option("select[name=respondent_kind]", "commission")
    page.fill("input[name=respondent_commission]", "KZ-75-01")
    page.select_option("select[name=subject_kind]", "inaction")
    page.fill("input[name=subject_date]", "2022-11-01")
    page.fill("textarea[name=summary]", "The commission did not answer my request.")
    # Submit once without a remedy: the error is shown beside the field, nothing stored.
    page.click("form.complaint-form button[type=submit]")
    assert page.inner_text("#field-remedy .errorlist") == "Say what you ask the body to do."
    # The refusal is announced, and the field points a screen reader at its error.
    assert page.get_attribute("#form-errors", "role") == "alert"
    described = page.get_attribute("textarea[name=remedy]", "aria-describedby") or ""
    assert "id_remedy_error" in described.split()
    for ref in described.split():
        assert page.locator(f"#{ref}").count() == 1, ref
    assert page.get_attribute("textarea[name=remedy]", "aria-invalid") == "true"
    assert Complaint.objects.count() == 0

    page.fill("textarea[name=remedy]", "Answer the request.")
    page.set_input_files(
        "input[name=evidence]",
        files=[{"name": "letter.png", "mimeType": "image/png", "buffer": PNG}],
    )
    page.click("form.complaint-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/complaints/kz-2022-presidential-c0001/")
    assert page.inner_text("#body") == "KZ-75"
    # Filed in the present, years after 2022: registered but out of time, with the rule.
    assert "window closed at 24:00 on 2022-11-11 (Asia/Almaty)" in page.inner_text("#out-of-time")
    assert hashlib.sha256(PNG).hexdigest() in page.content()
    assert Evidence.objects.get().sha256 == hashlib.sha256(PNG).hexdigest()

    page.goto(f"{live_server.url}/complaints/?election=kz-2022-presidential")
    row = page.locator("tr[data-key='kz-2022-presidential-c0001']")
    assert row.locator(".complainant").inner_text() == "private person (name withheld)"
    assert "Aliya" not in page.content() and "example.org" not in page.content()
    assert page.inner_text("#stat-total") == "1"
    assert row.locator(".flag").inner_text() == "out of time"
    # The body has 5 days from filing: not overdue yet, so the overdue filter shows nothing.
    page.check("input[name=overdue]")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**overdue=1")
    assert page.locator("tr[data-key]").count() == 0
    assert page.inner_text("table.register tbody") == "No complaints."
