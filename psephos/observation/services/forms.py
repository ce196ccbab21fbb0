"""Checklist definitions: the built-in library, new versions, XLSForm import and export."""

from __future__ import annotations

import io
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.ledger.actors import SYSTEM, actor_or_system
from psephos.ledger.services.events import event_record

from ..errors import FormInvalid, FormUnknown
from ..models import FormDefinition, Organisation
from ..rules.forms import FormError, FormSpec, spec_from_dict, spec_to_dict
from ..rules.library import builtin_forms
from ..rules.xlsform import spec_from_definition, spec_to_sheets, workbook_read

# Parsed definitions by (id, key, version, created_at): rows never change, and the
# creation time keeps a reused id (after a rolled-back test) from hitting a stale entry.
_SPECS: dict[tuple[Any, ...], FormSpec] = {}


def form_spec(form: FormDefinition) -> FormSpec:
    """Return the parsed definition of a stored form version (versions never change)."""
    cache_key = (form.pk, form.key, form.version, form.created_at)
    spec = _SPECS.get(cache_key)
    if spec is None:
        spec = spec_from_dict(form.definition)
        _SPECS[cache_key] = spec
    return spec


def form_library_install() -> list[FormDefinition]:
    """Store the built-in opening, voting, counting and tabulation forms once."""
    out = []
    with transaction.atomic():
        for spec in builtin_forms():
            if spec.key == "quickcount":
                continue
            form, created = FormDefinition.objects.get_or_create(
                organisation=None,
                key=spec.key,
                version=spec.version,
                defaults={
                    "phase": spec.phase,
                    "sms_code": spec.sms_code,
                    "definition": spec_to_dict(spec),
                    "created_at": clock.now(),
                },
            )
            if created:
                event_record(
                    actor=SYSTEM,
                    role="observation",
                    action="observation.form.publish",
                    object_key=f"observation/library/form/{spec.key}/{spec.version}",
                    payload={"sms_code": spec.sms_code, "questions": len(spec.questions)},
                )
            out.append(form)
    return out


def form_publish(
    *, organisation: Organisation, spec: FormSpec, actor: Any = None
) -> FormDefinition:
    """Store ``spec`` as the organisation's next version of the form and return it."""
    with transaction.atomic():
        latest = (
            FormDefinition.objects.select_for_update()
            .filter(organisation=organisation, key=spec.key)
            .aggregate(v=Max("version"))["v"]
        )
        version = (latest or 0) + 1
        data = spec_to_dict(spec)
        data["version"] = version
        form = FormDefinition.objects.create(
            organisation=organisation,
            key=spec.key,
            version=version,
            phase=spec.phase,
            sms_code=spec.sms_code,
            definition=data,
            created_at=clock.now(),
        )
        event_record(
            actor=actor_or_system(actor, system="psephos", organisation=organisation.key),
            role="observation",
            action="observation.form.publish",
            object_key=f"observation/{organisation.key}/form/{spec.key}/{version}",
            payload={"sms_code": spec.sms_code, "questions": len(spec.questions)},
        )
    return form


def form_resolve(*, organisation: Organisation, key: str) -> FormDefinition:
    """Return the organisation's latest version of a form, else the library's; or ``FormUnknown``."""
    # One query: the organisation's own versions sort before the library's.
    form = (
        FormDefinition.objects.filter(Q(organisation=organisation) | Q(organisation=None), key=key)
        .order_by(F("organisation_id").desc(nulls_last=True), "-version")
        .first()
    )
    if form is None:
        raise FormUnknown(
            _("No form “%(form)s” for %(organisation)s.")
            % {"form": key, "organisation": organisation.key},
            data={"form": key},
        )
    return form


def forms_available(*, organisation: Organisation) -> list[FormDefinition]:
    """Return the latest version of every form the organisation can use, own forms first."""
    out: dict[str, FormDefinition] = {}
    for form in FormDefinition.objects.filter(organisation=None).order_by("key", "-version"):
        out.setdefault(form.key, form)
    own: dict[str, FormDefinition] = {}
    for form in FormDefinition.objects.filter(organisation=organisation).order_by(
        "key", "-version"
    ):
        own.setdefault(form.key, form)
    out.update(own)
    return [out[k] for k in sorted(out)]


def sheets_workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """Return sheets given as rows of cells as an XLSX workbook."""
    from openpyxl import Workbook

    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def form_export_xlsform(*, form: FormDefinition) -> bytes:
    """Return the form as an XLSForm workbook (survey, choices, settings) that pyxform converts."""
    return sheets_workbook(spec_to_sheets(form_spec(form)))


def form_import_xlsform(
    *, organisation: Organisation, data: bytes, actor: Any = None
) -> FormDefinition:
    """Read an XLSForm workbook (with pyxform, as ODK does) and publish it as the next version."""
    try:
        definition = workbook_read(data)
    except FormError as exc:
        raise FormInvalid(
            _("The file is not an XLSX workbook."), data={"errors": exc.problems}
        ) from None
    try:
        spec = spec_from_definition(definition)
    except FormError as exc:
        raise FormInvalid(
            _("The XLSForm has problems: %(p)s") % {"p": str(exc)}, data={"errors": exc.problems}
        ) from None
    return form_publish(organisation=organisation, spec=spec, actor=actor)
