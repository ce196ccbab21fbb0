"""Refusals of the back office's pages, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import ValidationFailed


class FormRefused(ValidationFailed):
    """A back-office form that is incomplete; its errors are shown beside its fields."""

    code = "office_form_invalid"


class NothingChanged(ValidationFailed):
    """A new version that would change nothing."""

    code = "office_nothing_changed"
