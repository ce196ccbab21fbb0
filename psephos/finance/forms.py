"""The finance officer's forms: a report to submit, an answer to an audit's findings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import ReportKind


class OfficerReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    through = forms.DateField(
        label=_("Records up to (empty: today; a final report: voting day or later)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "report_%s")
        super().__init__(*args, **kwargs)


class OfficerAnswerForm(forms.Form):
    audit = forms.TypedChoiceField(label=_("Audit"), coerce=int)
    text = forms.CharField(label=_("The candidate's answer"), widget=forms.Textarea)

    def __init__(self, *args: Any, audits: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "answer_%s")
        super().__init__(*args, **kwargs)
        self.fields["audit"].choices = audits  # type: ignore[attr-defined]
