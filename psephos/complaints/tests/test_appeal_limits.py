"""An appeal has the same length limits as a first complaint (issue 16: 300,000 were stored)."""

from __future__ import annotations

import pytest

from psephos.complaints.errors import ComplaintInvalid
from psephos.complaints.models import Complaint
from psephos.complaints.services.appeals import complaint_appeal
from psephos.ledger.models import Event

from .conftest import at
from .test_filing import file
from .test_lifecycle import decide

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("summary", "s" * 10_001, "The description has more than 10,000 characters."),
        ("summary", "s" * 300_000, "The description has more than 10,000 characters."),
        ("remedy", "r" * 10_001, "The remedy has more than 10,000 characters."),
        ("complainant_name", "n" * 201, "The name has more than 200 characters."),
        ("complainant_contact", "c" * 201, "The contact has more than 200 characters."),
    ],
)
def test_an_over_long_appeal_is_refused_and_nothing_is_stored(world, field, value, message):
    c = file(world)
    decide(c, world.almaty_user, at("2022-11-05 06:00"), outcome="rejected")
    before = (Complaint.objects.count(), Event.objects.count())
    fields = {
        "complainant_kind": "candidate",
        "complainant_name": "Candidate B",
        "summary": "The decision ignored the evidence.",
        "remedy": "Annul the decision.",
    } | {field: value}
    with pytest.raises(ComplaintInvalid) as exc:
        complaint_appeal(parent=c, filed_at=at("2022-11-07 04:00"), **fields)
    assert exc.value.data["errors"] == [{"field": field, "message": message}]
    assert (Complaint.objects.count(), Event.objects.count()) == before


def test_an_appeal_of_exactly_the_limit_is_accepted(world):
    c = file(world)
    decide(c, world.almaty_user, at("2022-11-05 06:00"), outcome="rejected")
    appeal = complaint_appeal(
        parent=c,
        complainant_kind="candidate",
        complainant_name="n" * 200,
        summary="s" * 10_000,
        remedy="r" * 10_000,
        filed_at=at("2022-11-07 04:00"),
    )
    assert len(appeal.summary) == 10_000
