"""Forms of the back office: parsing only; the services check the rules."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from psephos.accounts.enums import Role
from psephos.commissions.enums import Gender, MemberRole
from psephos.finance.enums import AuditScope, PublicPurpose, ReportKind

TEXT = {"rows": 4, "cols": 30}
DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class OfficeForm(forms.Form):
    """A back-office form; ``ids`` prefixes its controls' ids, so that the forms of one
    page (a session's proposal and its closing both have a document) never share one."""

    ids = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.ids}_%s")
        super().__init__(*args, **kwargs)


class ConfirmField(forms.BooleanField):
    """The tick that stands between an operator and an act that cannot be undone."""

    def __init__(self, label: Any) -> None:
        super().__init__(label=label, required=True)
        self.error_messages["required"] = _("Tick the box to confirm.")


class MemberAddForm(OfficeForm):
    ids = "member"

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    nominated_by = forms.CharField(label=_("Nominating body"), max_length=200)
    nominated_by_kk = forms.CharField(
        label=_("Nominating body in Kazakh (if not on the list)"), max_length=200, required=False
    )
    nominated_by_ru = forms.CharField(
        label=_("Nominating body in Russian (if not on the list)"), max_length=200, required=False
    )
    term_start = forms.DateField(label=_("Term starts"), widget=DATE)
    term_end = forms.DateField(label=_("Term ends"), widget=DATE)
    on = forms.DateField(label=_("Member from"), widget=DATE)


class MemberRoleForm(OfficeForm):
    ids = "role"

    role = forms.ChoiceField(label=_("New role"), choices=MemberRole.choices)
    on = forms.DateField(label=_("From"), widget=DATE)


class MemberEndForm(OfficeForm):
    ids = "end"

    on = forms.DateField(label=_("First day without the member"), widget=DATE)
    confirm = ConfirmField(_("I confirm: the membership ends and cannot be reopened."))


class OperatorInviteForm(OfficeForm):
    ids = "invite"

    username = forms.SlugField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class OperatorRoleForm(OfficeForm):
    ids = "operator"

    role = forms.ChoiceField(label=_("New role"), choices=Role.choices)


class OperatorDeactivateForm(OfficeForm):
    ids = "deactivate"

    confirm = ConfirmField(
        _("I confirm: the account can no longer log in, its API tokens and invitations end.")
    )


ACCESSIBILITY = [("", _("not surveyed")), ("yes", _("yes")), ("no", _("no"))]


class StationForm(OfficeForm):
    ids = "station"

    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=200, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    name = forms.CharField(label=_("Name (English)"), max_length=200)
    address_kk = forms.CharField(label=_("Address (Kazakh)"), max_length=300, required=False)
    address_ru = forms.CharField(label=_("Address (Russian)"), max_length=300, required=False)
    address = forms.CharField(label=_("Address (English)"), max_length=300, required=False)
    step_free = forms.ChoiceField(
        label=_("Step-free access"), choices=ACCESSIBILITY, required=False
    )
    ramp = forms.ChoiceField(label=_("Ramp at the entrance"), choices=ACCESSIBILITY, required=False)
    accessible_booth = forms.ChoiceField(
        label=_("Booth usable from a wheelchair"), choices=ACCESSIBILITY, required=False
    )
    braille_guide = forms.ChoiceField(
        label=_("Ballot guide for blind voters"), choices=ACCESSIBILITY, required=False
    )
    sign_language = forms.ChoiceField(
        label=_("Voter information in sign language"), choices=ACCESSIBILITY, required=False
    )
    opens = forms.TimeField(
        label=_("Opens at (only if not at the election's hour; local time)"),
        required=False,
        widget=TIME,
    )
    closes = forms.TimeField(
        label=_("Closes at (only if not at the election's hour; local time)"),
        required=False,
        widget=TIME,
    )
    timezone = forms.CharField(
        label=_("Time zone (only if not the unit's, such as Asia/Almaty)"),
        max_length=64,
        required=False,
    )
    on = forms.DateField(label=_("The new version holds from"), widget=DATE)

    def clean_timezone(self) -> str:
        zone = str(self.cleaned_data.get("timezone") or "").strip()
        if zone and zone not in available_timezones():
            raise forms.ValidationError(
                _("“%(value)s” is not a time zone (such as Asia/Almaty or Asia/Aqtobe).")
                % {"value": zone}
            )
        return zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens"), data.get("closes")
        if opens and closes and closes <= opens:
            self.add_error("closes", _("The polls must close after they open."))
        return data

    @staticmethod
    def tri(value: str) -> bool | None:
        """Return the accessibility answer as stored: ``None`` when not surveyed."""
        return None if value == "" else value == "yes"


class SessionAnnounceForm(OfficeForm):
    ids = "announce"

    number = forms.CharField(label=_("Session number"), max_length=32)
    starts_at = forms.DateTimeField(
        label=_("Starts at (UTC)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs=TEXT))


class SessionOpenForm(OfficeForm):
    ids = "open"

    present = forms.TypedMultipleChoiceField(
        label=_("Members present"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = members


class DecisionVoteForm(OfficeForm):
    """A formal decision's reasons, vote and signed document (what every proposal asks)."""

    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs=TEXT))
    present = forms.IntegerField(label=_("Members present"), min_value=0, max_value=1000)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=1000)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=1000)
    abstentions = forms.IntegerField(
        label=_("Abstentions"), min_value=0, max_value=1000, initial=0, required=False
    )
    document = forms.FileField(label=_("Signed decision document (at most 10 MiB)"))


class DecisionProposeForm(DecisionVoteForm):
    ids = "propose"
    field_order = ("number", "title", "title_kk", "title_ru", "title_en")

    number = forms.CharField(label=_("Decision number"), max_length=32)
    title = forms.CharField(label=_("Subject"), max_length=300)
    title_kk = forms.CharField(label=_("Subject in Kazakh"), max_length=300, required=False)
    title_ru = forms.CharField(label=_("Subject in Russian"), max_length=300, required=False)
    title_en = forms.CharField(label=_("Subject in English"), max_length=300, required=False)


class DecisionOutsideForm(DecisionProposeForm):
    on = forms.DateField(label=_("Date of the decision"), widget=DATE)


class SessionChoiceForm(OfficeForm):
    """A decision's form with ``session``: the commission's open sessions to choose from
    (``sessions``, from ``views.base.open_sessions``; empty: taken outside one)."""

    session = forms.ChoiceField(label=_("Adopted at"), required=False)

    def __init__(self, *args: Any, sessions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("outside a session")), *sessions]


class CorrectionForm(SessionChoiceForm, DecisionVoteForm):
    """The TEC's decision behind a protocol correction; the figures are a ``ProtocolForm``.

    ``session`` offers the commission's open sessions (empty: taken outside one);
    ``version`` is the protocol version the operator saw (a newer one refuses it).
    """

    ids = "correction"
    field_order = ("number", "on", "session")

    number = forms.CharField(label=_("Decision number"), max_length=32)
    on = forms.DateField(label=_("Date of the decision"), widget=DATE)
    recount = forms.BooleanField(label=_("The figures come from a recount"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CancellationForm(SessionChoiceForm, DecisionVoteForm):
    """The CEC's decision cancelling a station's results (its accepted protocol).

    ``version`` is the protocol version the operator saw (a newer one refuses it).
    """

    ids = "cancellation"
    field_order = ("number", "on", "session")

    number = forms.CharField(label=_("Decision number"), max_length=32)
    on = forms.DateField(label=_("Date of the decision"), widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AccreditationDecisionForm(SessionChoiceForm, DecisionVoteForm):
    """The CEC's decision to accredit, refuse or revoke an observer's accreditation.

    ``session`` offers the CEC's open sessions (empty: taken outside one)."""

    ids = "accreditation"
    field_order = ("status", "number", "on", "session")

    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accredited", _("accredit")),
            ("refused", _("refuse")),
            ("revoked", _("revoke")),
        ],
    )
    number = forms.CharField(label=_("Decision number"), max_length=32)
    on = forms.DateField(label=_("Date of the decision"), widget=DATE)


class StationChoiceForm(OfficeForm):
    ids = "choose"

    station = forms.CharField(label=_("Polling station code"), max_length=32)


class SessionCloseForm(OfficeForm):
    ids = "close"

    minutes = forms.CharField(
        label=_("Minutes (text or summary)"), widget=forms.Textarea(attrs=TEXT), required=False
    )
    document = forms.FileField(label=_("Signed minutes (at most 10 MiB)"), required=False)
    confirm = ConfirmField(_("I confirm: the session closes and its minutes are final."))


class DecisionConfirmForm(OfficeForm):
    ids = "confirm"

    confirm = ConfirmField(
        _("I have read the signed document and confirm the decision; it takes effect now.")
    )


#: At most this much of a signature file is read from an upload (200,000 lines are ~25 MB).
SIGNATURE_FILE_MAX = 64 * 1024 * 1024


class EligibilityForm(OfficeForm):
    """One outcome, evidence and reason per criterion the profile has the CEC enter.

    The age is computed from the birth date and the incumbent's language test may be
    exempt: those are not asked. The language test also names its examiners and date.
    The service checks the rest (a failed criterion needs its reason).
    """

    ids = "eligibility"

    def __init__(self, *args: Any, criteria: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        outcomes = [("met", _("met")), ("failed", _("failed"))]
        for code, label in criteria:
            self.fields[f"{code}_outcome"] = forms.ChoiceField(
                label=_("%(criterion)s: outcome") % {"criterion": label},
                choices=outcomes,
                widget=forms.RadioSelect,
            )
            self.fields[f"{code}_evidence"] = forms.CharField(
                label=_("%(criterion)s: evidence") % {"criterion": label},
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
            )
            self.fields[f"{code}_reason"] = forms.CharField(
                label=_("%(criterion)s: reason, when failed") % {"criterion": label},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
            )
            if code == "kazakh_language":
                self.fields[f"{code}_examiners"] = forms.CharField(
                    label=_("Linguistic Commission members present (one a line)"),
                    max_length=2000,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
                )
                self.fields[f"{code}_held_on"] = forms.DateField(
                    label=_("Date of the language test"), required=False, widget=DATE
                )


class SignatureFileForm(OfficeForm):
    ids = "signatures"

    file = forms.FileField(label=_("Signature file (CSV in UTF-8 or XLSX)"))

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > SIGNATURE_FILE_MAX:
            raise forms.ValidationError(
                _("The file is larger than %(mib)d MiB.") % {"mib": SIGNATURE_FILE_MAX >> 20}
            )
        return file


class SignatureCompleteForm(SignatureFileForm):
    """The very file of a sampled import, to check every line the sample left."""

    ids = "complete"


class BallotBuildForm(OfficeForm):
    """The CEC makes the ballot from the registered candidates (until the ballot freezes)."""

    ids = "ballot"

    confirm = ConfirmField(
        _("I confirm: the ballot lists the candidates registered now, in the ballot's order.")
    )


class RegistrationProposeForm(SessionChoiceForm):
    ids = "registration"
    field_order = ("outcome", "number", "decided_on", "session")

    outcome = forms.ChoiceField(label=_("Decision"))
    number = forms.CharField(label=_("Decision number"), max_length=32)
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DATE)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=1000)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=1000)
    abstentions = forms.IntegerField(
        label=_("Abstentions"), min_value=0, max_value=1000, initial=0, required=False
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs=TEXT))
    document = forms.FileField(label=_("Signed decision document (at most 10 MiB)"))

    def __init__(
        self,
        *args: Any,
        outcomes: list[tuple[str, str]],
        sessions: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, sessions=sessions, **kwargs)
        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = outcomes


class RegistrationConfirmForm(OfficeForm):
    ids = "confirm"

    number = forms.CharField(widget=forms.HiddenInput, max_length=32)
    confirm = ConfirmField(
        _("I have read the signed document and confirm the decision; it takes effect now.")
    )


class SheetsIssueForm(OfficeForm):
    ids = "sheets"

    count = forms.IntegerField(label=_("Number of sheets to issue"), min_value=1, max_value=100_000)


class LinesFlagForm(OfficeForm):
    """A document reviewer's finding: one person signed these lines of a sheet."""

    ids = "flag"

    sheet = forms.IntegerField(label=_("Sheet"), min_value=1)
    lines = forms.CharField(label=_("Lines (e.g. 3,4,9)"), max_length=2000)

    def clean_lines(self) -> list[int]:
        text = self.cleaned_data["lines"]
        try:
            numbers = [int(part) for part in text.split(",")]
        except ValueError:
            numbers = []
        if not numbers or min(numbers) < 1:
            raise forms.ValidationError(_("Give line numbers separated by commas, such as 3,4,9."))
        return numbers


class ProxyAppointForm(OfficeForm):
    ids = "proxy"

    username = forms.CharField(label=_("User name of the proxy's account"), max_length=150)


class FinanceOfficerForm(OfficeForm):
    ids = "officer"

    username = forms.CharField(
        label=_("User name of the finance officer's account"), max_length=150
    )


class ContractForm(OfficeForm):
    ids = "contract"

    purpose = forms.ChoiceField(label=_("Purpose"), choices=PublicPurpose.choices)
    provider = forms.CharField(label=_("Provider"), max_length=300)
    reference = forms.CharField(label=_("Contract number"), max_length=64)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)


class InvoiceForm(OfficeForm):
    ids = "invoice"

    contract = forms.ChoiceField(label=_("Contract"))
    reference = forms.CharField(label=_("Invoice number"), max_length=64)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    amount = forms.CharField(label=_("Amount, KZT (at most two decimals)"), max_length=20)

    def __init__(self, *args: Any, contracts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contract"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = contracts


class FinanceProposeForm(SessionChoiceForm):
    """A commission's decision on an invoice (or a report): the subject, the outcome, the
    adoption (number, date, the open session or none, vote, signed document) and the
    reasons (a refusal needs them)."""

    ids = "propose"
    field_order = ("subject", "outcome", "number", "decided_on", "session")

    subject = forms.TypedChoiceField(label=_("Invoice"), coerce=int)
    outcome = forms.ChoiceField(label=_("Decision"))
    number = forms.CharField(label=_("Decision number"), max_length=32)
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DATE)
    present = forms.IntegerField(label=_("Members present"), min_value=0, max_value=1000)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=1000)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=1000)
    abstentions = forms.IntegerField(
        label=_("Abstentions"), min_value=0, max_value=1000, initial=0, required=False
    )
    reasons = forms.CharField(
        label=_("Reasons (required for a refusal)"),
        widget=forms.Textarea(attrs=TEXT),
        required=False,
    )
    document = forms.FileField(label=_("Signed decision document (at most 10 MiB)"))

    def __init__(
        self,
        *args: Any,
        subjects: list[tuple[int, str]],
        outcomes: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("subject", subjects), ("outcome", outcomes)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


class AuditProposeForm(FinanceProposeForm):
    """The CEC's decision closing an audit: without a sanction, or with one of the
    profile's and the reason it is proportionate."""

    def __init__(self, *args: Any, sanctions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["outcome"]
        self.fields["sanction"] = forms.ChoiceField(
            label=_("Sanction"),
            choices=[("", _("none: closed without sanction")), *sanctions],
            required=False,
        )
        self.fields["fine_mci"] = forms.IntegerField(
            label=_("Fine in MCI (with a fine only; converted to KZT on the decision's date)"),
            min_value=1,
            required=False,
        )
        self.fields["proportionality"] = forms.CharField(
            label=_("Why the sanction is proportionate (required with a sanction)"),
            widget=forms.Textarea(attrs=TEXT),
            required=False,
        )
        self.fields["reasons"].label = _("Reasons")
        self.order_fields(["subject", "sanction", "fine_mci", "proportionality"])


class FinanceConfirmForm(RegistrationConfirmForm):
    subject = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReportSubmitForm(OfficeForm):
    ids = "report"

    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    through = forms.DateField(
        label=_("Records up to (empty: today; a final report: voting day or later)"),
        widget=DATE,
        required=False,
    )


class AuditOpenForm(OfficeForm):
    ids = "audit"

    scope = forms.ChoiceField(label=_("Scope"), choices=AuditScope.choices)
    sample_size = forms.IntegerField(
        label=_("Receipts and payments in the sample (each)"),
        min_value=0,
        max_value=100_000,
        required=False,
    )


class FindingForm(OfficeForm):
    ids = "finding"

    audit = forms.TypedChoiceField(label=_("Audit"), coerce=int)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs=TEXT))
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs=TEXT))
    receipt = forms.IntegerField(label=_("Receipt No. (optional)"), min_value=1, required=False)
    payment = forms.IntegerField(label=_("Payment No. (optional)"), min_value=1, required=False)

    def __init__(self, *args: Any, audits: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["audit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = audits


class AnswerForm(FindingForm):
    ids = "answer"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("evidence", "receipt", "payment"):
            del self.fields[name]
        self.fields["text"].label = _("The candidate's answer")


#: Documents one follow-up note cites from the back office (the API takes up to 20).
FOLLOW_UP_DOCUMENTS = 3


class FollowUpForm(OfficeForm):
    """The central commission's note of what it did about a recommendation; each document
    is uploaded only to take its SHA-256 (the file itself is not kept)."""

    ids = "follow_up"

    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, FOLLOW_UP_DOCUMENTS + 1):
            self.fields[f"doc{n}_title"] = forms.CharField(
                label=_("Document %(n)d: title") % {"n": n}, max_length=300, required=False
            )
            self.fields[f"doc{n}_file"] = forms.FileField(
                label=_("Document %(n)d: file (only its SHA-256 is kept)") % {"n": n},
                required=False,
            )
            self.fields[f"doc{n}_url"] = forms.CharField(
                label=_("Document %(n)d: address where it is published") % {"n": n},
                max_length=500,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, FOLLOW_UP_DOCUMENTS + 1):
            title, upload = data.get(f"doc{n}_title"), data.get(f"doc{n}_file")
            if (title or data.get(f"doc{n}_url")) and not upload:
                self.add_error(f"doc{n}_file", _("Choose the document's file."))
            if upload and not title:
                self.add_error(f"doc{n}_title", _("Give the document's title."))
        return data
