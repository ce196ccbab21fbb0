"""The finance officer's forms: a receipt, a receipts file, a report, an answer to an audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Purpose, ReportKind, Source


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


class OfficerReceiptForm(forms.Form):
    """One receipt as the officer writes it: the fields of a receipts file's line, as text.

    The fields are read by the same ``receipt_read`` as a file's lines, so a bad amount
    or date gets the same message; only the form's shape is checked here.
    """

    received_on = forms.CharField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.CharField(label=_("Amount (KZT, at most two decimals)"), max_length=30)
    currency = forms.CharField(label=_("Currency"), initial="KZT", max_length=10)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    donor_id = forms.CharField(
        label=_("Donor's IIN or BIN (never published)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    donor_name = forms.CharField(label=_("Donor's name"), required=False, max_length=300)
    in_kind = forms.BooleanField(label=_("In kind (not money)"), required=False)
    reference = forms.CharField(
        label=_("The bank's transaction reference"), required=False, max_length=64
    )
    in_account = forms.BooleanField(
        label=_(
            "The money is already in the fund's account (a receipt that breaks a rule is "
            "then recorded for return instead of refused)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "receipt_%s")
        super().__init__(*args, **kwargs)


class OfficerPaymentForm(forms.Form):
    """One payment from the fund; ``payment_record`` checks the amount and the day."""

    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.CharField(label=_("Amount (KZT, at most two decimals)"), max_length=30)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    payee = forms.CharField(label=_("Payee"), max_length=300)
    invoice = forms.CharField(
        label=_("Invoice number (empty: paid without an invoice)"), required=False, max_length=64
    )
    reference = forms.CharField(
        label=_("The bank's transaction reference"), required=False, max_length=64
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "payment_%s")
        super().__init__(*args, **kwargs)


class OfficerAnswerForm(forms.Form):
    audit = forms.TypedChoiceField(label=_("Audit"), coerce=int)
    text = forms.CharField(label=_("The candidate's answer"), widget=forms.Textarea)

    def __init__(self, *args: Any, audits: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "answer_%s")
        super().__init__(*args, **kwargs)
        self.fields["audit"].choices = audits  # type: ignore[attr-defined]
