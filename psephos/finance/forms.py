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


# The largest receipts file the officer's page takes (a campaign's file is far smaller; the
# command line has no limit).
RECEIPTS_FILE_MAX = 20 << 20


class OfficerReceiptsForm(forms.Form):
    file = forms.FileField(label=_("Receipts file (CSV in UTF-8)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "receipts_%s")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > RECEIPTS_FILE_MAX:
            raise forms.ValidationError(
                _("The file is larger than %(mib)d MiB.") % {"mib": RECEIPTS_FILE_MAX >> 20}
            )
        return file


class OfficerAnswerForm(forms.Form):
    audit = forms.TypedChoiceField(label=_("Audit"), coerce=int)
    text = forms.CharField(label=_("The candidate's answer"), widget=forms.Textarea)

    def __init__(self, *args: Any, audits: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "answer_%s")
        super().__init__(*args, **kwargs)
        self.fields["audit"].choices = audits  # type: ignore[attr-defined]
