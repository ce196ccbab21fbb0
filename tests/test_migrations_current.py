"""Every model change has its migration: a field or choice changed without one fails here."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"a model change has no migration (exit {exc.code}):\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()
