"""The mobile checklist in headless Chromium: the same expressions as the server, every ODK type."""

from __future__ import annotations

import base64

import pytest
from django.core.files.storage import default_storage

from psephos.observation.models import Submission
from psephos.observation.services.forms import form_import_xlsform, sheets_workbook

from .factories import observed_country
from .test_browser import _log_in, browser_context  # noqa: F401 — the phone-sized context
from .test_xlsform import CASES, RICH, photo_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _form_page(live_server, browser_context):  # noqa: F811
    o = observed_country()
    _log_in(live_server, browser_context, o.observer_user)
    form_import_xlsform(organisation=o.org, data=sheets_workbook(RICH))
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/observation/form/?election=kz-test-presidential")
    page.wait_for_function("window.PsephosXPath !== undefined")
    return o, page


def test_the_javascript_evaluator_agrees_with_the_python_table(live_server, browser_context):  # noqa: F811
    _o, page = _form_page(live_server, browser_context)
    got = page.evaluate(
        """(t) => t.cases.map(([expr, cur, expected]) => typeof expected === "boolean"
              ? PsephosXPath.holds(expr, t.answers, cur)
              : PsephosXPath.toString(PsephosXPath.evaluate(expr, t.answers, cur)))""",
        CASES,
    )
    assert got == [expected for _e, _c, expected in CASES["cases"]]
    positions = page.evaluate(
        """(errors) => errors.map(([expr]) => {
              try { PsephosXPath.parse(expr); return null; } catch (e) { return e.position; } })""",
        CASES["errors"],
    )
    assert positions == [p for _e, p in CASES["errors"]]


def test_every_type_with_relevant_constraint_and_required(
    live_server,
    browser_context,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    o, page = _form_page(live_server, browser_context)
    page.select_option("select[name=form]", "seals")
    page.fill("input[name=place]", "KZ-01-0101")
    assert page.is_visible("[data-id=A]")  # the note
    assert page.is_hidden("fieldset[data-group=broken]")
    page.select_option("select[name=q_B]", "no")
    assert page.is_visible("fieldset[data-group=broken]")
    # More than two seals breaks the constraint: its message, and the form is not sent.
    for seal in ("top", "side", "slot"):
        page.check(f"input[name=q_C][value={seal}]")
    page.click("#checklist button[type=submit]")
    page.wait_for_function(
        "document.querySelector('[data-id=C] .err').textContent === 'At most two seals.'"
    )
    page.uncheck("input[name=q_C][value=side]")
    assert page.text_content("[data-id=C] .err") == ""
    page.fill("input[name=q_D]", "43.238, 76.945")
    photo = base64.b64decode(photo_with_gps().split(",", 1)[1])
    page.set_input_files(
        "input[name=q_E]", files=[{"name": "seal.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    page.fill("input[name=q_F]", "2500")
    page.fill("input[name=q_G]", "101")
    page.fill("input[name=q_H]", "2022-11-20")
    page.fill("input[name=q_I]", "20:05")
    page.click("#checklist button[type=submit]")
    page.wait_for_function(
        "document.querySelector('[data-id=G] .err').textContent === 'This answer is not allowed here.'"
    )
    page.fill("input[name=q_G]", "68,5")
    # The calculate (voters > 2000) and the date make the remarks relevant.
    page.wait_for_function("document.querySelector('[data-id=J]').dataset.value === 'yes'")
    assert page.is_visible("[data-id=K]")
    page.fill("textarea[name=q_K]", "Counted in public.")
    page.wait_for_function("document.querySelector('[data-id=G] .err').textContent === ''")
    # required as an expression: more than 2,900 voters asks why.
    page.fill("input[name=q_F]", "2950")
    page.click("#checklist button[type=submit]")
    page.wait_for_function(
        "document.querySelector('[data-id=L] .err').textContent === 'An answer is required.'"
    )
    page.fill("textarea[name=q_L]", "A queue outside.")
    page.click("#checklist button[type=submit]")
    page.wait_for_function("document.getElementById('result').textContent === 'Sent.'")
    sub = Submission.objects.get(observer=o.observer)
    photo_name = sub.answers.pop("E")
    assert sub.answers == {
        "B": "no",
        "C": ["top", "slot"],
        "D": "43.238 76.945",
        "F": 2950,
        "G": 68.5,
        "H": "2022-11-20",
        "I": "20:05",
        "J": "yes",
        "K": "Counted in public.",
        "L": "A queue outside.",
    }
    with default_storage.open(photo_name) as fh:
        assert b"SERIAL-0042" not in fh.read()
