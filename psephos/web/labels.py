"""Translatable labels the portal shows for commission levels and members.

A commission's own name in the reader's language is ``commissions.labels.commission_title``
(the API names commissions with it too).

The results' labels (protocol lines, statuses, sources, outcomes, broken relations)
are ``psephos.results.labels``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from psephos.commissions.rules.composition import CompositionFinding, CompositionProblem
from psephos.core.i18n import localized

LEVEL_LABELS: dict[str, Promise] = {
    "cec": _("Central Election Commission"),
    "tec_region": _("regional territorial commission"),
    "tec_district": _("district territorial commission"),
    "pec": _("precinct commission"),
}


def label_for_level(level: str) -> str | Promise:
    """Return the name of a commission level."""
    return LEVEL_LABELS.get(level, level)


MEMBER_ROLE_LABELS: dict[str, Promise] = {
    "chair": _("chair"),
    "deputy": _("deputy chair"),
    "secretary": _("secretary"),
    "member": _("member"),
}


def member_composition(counts: dict[str, object]) -> dict[str, object]:
    """Return a commission's composition as labelled rows for a template."""
    by_role = counts.get("by_role", {})
    by_gender = counts.get("by_gender", {})
    assert isinstance(by_role, dict) and isinstance(by_gender, dict)
    return {
        "total": counts.get("total", 0),
        "roles": [(MEMBER_ROLE_LABELS[r], by_role[r]) for r in MEMBER_ROLE_LABELS if r in by_role],
        "women": by_gender.get("F", 0),
        "men": by_gender.get("M", 0),
    }


def composition_published(
    rows: Sequence[Mapping[str, object]],
    findings: Sequence[CompositionFinding],
    forms: Mapping[str, Mapping[str, str]],
) -> dict[str, object]:
    """Return the nominating bodies (stored name, name in the page's language, members)
    and the broken composition rules; ``forms`` are the bodies' names
    (``commissions.selectors.nominating_body_forms``)."""
    texts = {
        CompositionProblem.TOO_FEW: gettext(
            "%(count)d members, fewer than the %(limit)d the rule profile requires."
        ),
        CompositionProblem.TOO_MANY: gettext(
            "%(count)d members, more than the %(limit)d the rule profile allows."
        ),
        CompositionProblem.BODY_OVER_LIMIT: gettext(
            "%(body)s nominated %(count)d members; the rule profile allows %(limit)d."
        ),
    }
    bodies = Counter(str(r["nominated_by"]).strip() for r in rows)

    def name(body: str) -> str:
        return localized(forms.get(body) or {"name": body})

    return {
        "bodies": [(b, name(b), n) for b, n in sorted(bodies.items())],
        "findings": [
            texts[f.problem] % {"count": f.count, "limit": f.limit, "body": name(f.body)}
            for f in findings
        ],
    }
