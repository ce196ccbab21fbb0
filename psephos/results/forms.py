"""The protocol entry form: one whole-number field per line and per ballot option.

The form checks only the shape of each figure (present, whole, not negative);
the control relations between figures are the results service's to check, so
the portal, the API and the CLI refuse the same protocols for the same reasons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from psephos.results.rules.lines import LINE_NAMES, ProtocolLines

from .labels import LINE_LABELS

if TYPE_CHECKING:
    from psephos.elections.models import Option

VOTE_PREFIX = "vote_"


class ProtocolForm(forms.Form):
    """Protocol lines then votes per option, in ballot order."""

    def __init__(self, *args: Any, options: list[Option], kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_keys = [o.key for o in options]
        for name in LINE_NAMES:
            if name == "ballots_both_marked" and kind != "referendum":
                continue
            self.fields[name] = self._count(LINE_LABELS[name])
        for option in options:
            self.fields[VOTE_PREFIX + option.key] = self._count(option_label(option))

    @staticmethod
    def _count(label: Any) -> forms.IntegerField:
        return forms.IntegerField(
            label=label,
            min_value=0,
            max_value=10**9,
            error_messages={
                "required": _("Enter a number (0 if none)."),
                "invalid": _("Enter a whole number."),
                "min_value": _("The number cannot be negative."),
                "max_value": _("The number is too large."),
            },
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "step": "1"}),
        )

    def line_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in LINE_NAMES if name in self.fields]

    def vote_fields(self) -> list[forms.BoundField]:
        return [self[VOTE_PREFIX + key] for key in self.option_keys]

    def to_lines(self) -> ProtocolLines:
        """Return the cleaned figures as protocol lines (call after ``is_valid``)."""
        data = self.cleaned_data
        return ProtocolLines(
            **{name: data.get(name, 0) or 0 for name in LINE_NAMES},
            votes={key: data[VOTE_PREFIX + key] for key in self.option_keys},
        )


def option_label(option: Option) -> str:
    from django.utils.translation import get_language

    lang = (get_language() or "en")[:2]
    return str(getattr(option, f"name_{lang}", "") or option.name_en)


def initial_from(lines: dict[str, int], votes: dict[str, int]) -> dict[str, int]:
    """Return form initial values from a protocol's lines and votes."""
    return {**lines, **{VOTE_PREFIX + k: v for k, v in votes.items()}}


def fields_of_breach(breach: dict[str, Any], option_keys: list[str]) -> list[str]:
    """Return the form fields a broken control relation involves."""
    names: list[str] = []
    for number in breach.get("numbers", {}):
        if number in LINE_NAMES:
            names.append(number)
        elif number == "votes_total":
            names.extend(VOTE_PREFIX + k for k in option_keys)
        elif number.startswith("votes."):
            names.append(VOTE_PREFIX + number.removeprefix("votes."))
    return names
