"""Unofficial translations of recommendations' texts, loaded from a TOML file."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.ledger.services.events import event_record

from ..errors import ReportFileMissing, TranslationsUnreadable
from ..models import Recommendation

LANGUAGES = ("kk", "ru")
BUNDLED = Path(__file__).resolve().parent.parent / "data" / "unofficial-translations.toml"


def _line_of(text: str, key: str) -> int:
    """The line of the table ``[key]`` in the file (1-based), 0 if not found."""
    match = re.search(rf"^[ \t]*\[{re.escape(key)}\]", text, flags=re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def translations_load(*, path: Path = BUNDLED, actor: str, role: str = "system") -> int:
    """Set the unofficial Kazakh and Russian texts of the recommendations the file names.

    The file has one table per recommendation key with ``kk`` and/or ``ru`` strings. Every
    key must name a recommendation psephos holds, with only those languages and non-empty
    texts; otherwise ``TranslationsUnreadable`` lists each problem with its line and
    nothing is written. A translation is marked unofficial; loading again replaces the
    unofficial texts. Writes one ``recommendations.translate`` event (the file's SHA-256,
    the keys and languages). Returns the number of texts set.
    """
    try:
        raw = path.read_bytes()
    except OSError:
        raise ReportFileMissing(
            _("%(file)s: no such file.") % {"file": path.name}, data={"file": path.name}
        ) from None
    text = raw.decode("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TranslationsUnreadable(
            _("%(file)s: not TOML: %(error)s") % {"file": path.name, "error": str(exc)},
            data={"file": path.name, "errors": [str(exc)]},
        ) from None
    found = {r.key: r for r in Recommendation.objects.filter(key__in=list(data))}
    errors: list[str] = []
    for key, table in data.items():
        where = _("%(file)s, line %(line)d") % {"file": path.name, "line": _line_of(text, key)}
        if key not in found:
            errors.append(
                _("%(where)s: no recommendation “%(key)s”.") % {"where": where, "key": key}
            )
            continue
        if not isinstance(table, dict):
            errors.append(_("%(where)s: “%(key)s” is not a table.") % {"where": where, "key": key})
            continue
        for lang, value in table.items():
            if lang not in LANGUAGES:
                errors.append(
                    _("%(where)s: “%(lang)s” is not kk or ru.") % {"where": where, "lang": lang}
                )
            elif not isinstance(value, str) or not value.strip():
                errors.append(
                    _("%(where)s: the %(lang)s text of “%(key)s” is empty.")
                    % {"where": where, "lang": lang, "key": key}
                )
    if errors:
        raise TranslationsUnreadable("\n".join(errors), data={"file": path.name, "errors": errors})
    count = 0
    with transaction.atomic():
        for key, table in data.items():
            rec = found[key]
            fields: list[str] = []
            for lang, value in table.items():
                setattr(rec, f"text_{lang}", value.strip())
                setattr(rec, f"text_{lang}_unofficial", True)
                fields += [f"text_{lang}", f"text_{lang}_unofficial"]
                count += 1
            rec.save(update_fields=fields)
        event_record(
            actor=actor,
            role=role,
            action="recommendations.translate",
            object_key=path.name,
            payload={
                "file_sha256": hashlib.sha256(raw).hexdigest(),
                "texts": {key: sorted(table) for key, table in sorted(data.items())},
            },
        )
    return count
