"""Forms of the public filing page and the staff decision page: parsing only, no rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import ComplainantKind, Outcome, RespondentKind, SubjectKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[object]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


class ComplaintForm(forms.Form):
    election = forms.ChoiceField(label=_("Election"))
    complainant_kind = forms.ChoiceField(label=_("You file as"), choices=ComplainantKind.choices)
    complainant_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    complainant_contact = forms.CharField(
        label=_("Contact (e-mail or phone; never published)"), max_length=200, required=False
    )
    respondent_kind = forms.ChoiceField(
        label=_("Complaint against"), choices=RespondentKind.choices
    )
    respondent_commission = forms.CharField(
        label=_("Commission code (e.g. KZ-75-01)"), max_length=32, required=False
    )
    respondent_name = forms.CharField(
        label=_("Name of the official or candidate"), max_length=200, required=False
    )
    addressed_to = forms.CharField(
        label=_("Commission addressed (for an official or candidate)"),
        max_length=32,
        required=False,
    )
    subject_kind = forms.ChoiceField(
        label=_("What is complained about"), choices=SubjectKind.choices
    )
    subject_date = forms.DateField(
        label=_("Date of the decision, action or inaction"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    summary = forms.CharField(label=_("What happened"), widget=forms.Textarea, required=False)
    remedy = forms.CharField(label=_("What you ask for"), widget=forms.Textarea, required=False)
    to_court = forms.BooleanField(label=_("File with a court instead"), required=False)
    also_in_court = forms.BooleanField(
        label=_("The same complaint is also before a court"), required=False
    )
    court_reference = forms.CharField(
        label=_("Court and case number"), max_length=100, required=False
    )
    evidence = MultipleFileField(
        label=_("Evidence (PDF, JPEG, PNG or text; up to 5 files of 5 MiB)"), required=False
    )


class DecisionForm(forms.Form):
    facts = forms.CharField(label=_("Facts found"), widget=forms.Textarea, required=False)
    law = forms.CharField(
        label=_("Law applied, and how it applies to the facts"),
        widget=forms.Textarea,
        required=False,
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    remedy_ordered = forms.CharField(
        label=_("Remedy ordered"), widget=forms.Textarea, required=False
    )
    decided_at = forms.DateTimeField(label=_("Decided at (UTC; now when empty)"), required=False)
    # How a commission adopted it (not asked for a court's ruling).
    number = forms.CharField(label=_("Decision number"), max_length=32, required=False)
    present = forms.IntegerField(label=_("Members present"), min_value=0, max_value=1000)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=1000)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=1000)
    abstentions = forms.IntegerField(
        label=_("Abstentions"), min_value=0, max_value=1000, initial=0, required=False
    )
    document = forms.FileField(label=_("Signed decision document (at most 10 MiB)"), required=False)
    session = forms.ChoiceField(label=_("Adopted at"), required=False)

    VOTE_FIELDS = (
        "number",
        "present",
        "votes_for",
        "votes_against",
        "abstentions",
        "document",
        "session",
    )

    def __init__(
        self,
        *args: object,
        by_commission: bool = True,
        sessions: list[tuple[str, str]] | None = None,
        **kwargs: object,
    ) -> None:
        """``sessions``: the deciding commission's open sessions (``commissions.register.
        session_choices``); the decision is adopted at one of them or outside one."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        session = self.fields["session"]
        assert isinstance(session, forms.ChoiceField)
        session.choices = [("", _("outside a session")), *(sessions or [])]
        for name in self.VOTE_FIELDS:
            if not by_commission:
                del self.fields[name]
            elif name in ("number", "document"):
                self.fields[name].required = True


class AppealForm(forms.Form):
    complainant_kind = forms.ChoiceField(label=_("You file as"), choices=ComplainantKind.choices)
    complainant_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    complainant_contact = forms.CharField(
        label=_("Contact (e-mail or phone; never published)"), max_length=200, required=False
    )
    summary = forms.CharField(
        label=_("Why the decision is wrong"), widget=forms.Textarea, required=False
    )
    remedy = forms.CharField(label=_("What you ask for"), widget=forms.Textarea, required=False)
    evidence = MultipleFileField(
        label=_("Evidence (PDF, JPEG, PNG or text; up to 5 files of 5 MiB)"), required=False
    )
