"""Import a nominee's signature file and verify every line against the voter register."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import F, Field, Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from psephos.core import clock
from psephos.core.bulk import collector_paused
from psephos.core.errors import ValidationFailed
from psephos.core.progress import progress
from psephos.ledger.services.events import event_record
from psephos.voters.rules.eligibility import ineligibility
from psephos.voters.selectors import signer_keys, signers_by_key
from psephos.voters.services.lists import eligibility_rules

from ..enums import NominationStatus
from ..errors import SheetDuplicate, SheetNotIssued, SignatureFileInvalid
from ..models import Nomination, SignatureImport, SignatureLine, SignatureSheet, SignatureTally
from ..profile import candidate_profile, pattern_rules
from ..rules.sheet_files import FileProblem, signature_file_read
from ..rules.signatures import (
    Reason,
    RegisterFacts,
    SignatureRow,
    line_reasons,
    name_masked,
    reason_counts,
    sample_indices,
)
from ..selectors import election_today, sheets_issued_any, sheets_unissued, signing_window
from .nominations import state_refused

if TYPE_CHECKING:
    import uuid

    from psephos.elections.models import Election

FILE_PROBLEMS = {
    "encoding": gettext_lazy("the file is not UTF-8 CSV or XLSX"),
    "empty": gettext_lazy("the file has no lines"),
    "header": gettext_lazy("the header lacks this column"),
    "required": gettext_lazy("the value is missing"),
    "integer": gettext_lazy("expected a whole number from 1 to 2147483647"),
    "date": gettext_lazy("expected a date as YYYY-MM-DD"),
    "datetime": gettext_lazy("expected a date or a date and time as YYYY-MM-DDTHH:MM"),
    "repeated": gettext_lazy("this sheet and line number appear earlier in the file"),
    "sheet_units": gettext_lazy("a sheet claims one unit; this line names another"),
    "malformed": gettext_lazy(
        "the line cannot be read as CSV (a value over 128 KiB); nothing after it was read"
    ),
    "too_long": gettext_lazy("a unit code has at most 32 characters"),
}


@dataclass(frozen=True, slots=True)
class ImportSummary:
    lines: int
    checked: int
    valid: int
    reasons: dict[str, int]
    seed: str


def signatures_import(
    *,
    nomination: Nomination,
    path: Path,
    actor: str,
    role: str = "cec",
    sample: int | None = None,
    seed: int = 0,
    show_progress: bool | None = False,
) -> ImportSummary:
    """Verify the signature file at ``path``: ``signatures_import_data`` with its bytes."""
    return signatures_import_data(
        nomination=nomination,
        file_name=path.name,
        data=path.read_bytes(),
        actor=actor,
        role=role,
        sample=sample,
        seed=seed,
        show_progress=show_progress,
    )


@collector_paused()
def signatures_import_data(
    *,
    nomination: Nomination,
    file_name: str,
    data: bytes,
    actor: str,
    role: str = "cec",
    sample: int | None = None,
    seed: int = 0,
    show_progress: bool | None = False,
) -> ImportSummary:
    """Verify every line of a signature file (or a published random sample) and store the verdicts.

    Preconditions: the nominee is ``eligible`` (collecting); the file is well formed;
    none of its sheets was imported before; every sheet it names was issued to the
    nominee (where the profile has the CEC issue sheets, ``signature_sheets_issued``, a
    nominee with none issued gets none verified). Each line is looked up in the register by
    its keyed IIN value and gets every reason that applies (``rules.signatures``); the
    lines, their keyed values and reasons (never IINs; a rejected line keeps its signer's masked
    name, ``rules.signatures.name_masked``, for the nominee's proxies), each sheet and each
    unit's tally are stored; one ``signatures.import`` event. ``sample`` checks that
    many lines drawn from ``seed`` (a number, published in the event) + the file's SHA-256, where the profile allows
    sampling. Raises ``SignatureFileInvalid`` (every problem with line and column),
    ``SheetDuplicate``, ``SheetNotIssued``, ``NominationState`` or ``ValidationFailed``;
    nothing is stored then.
    Progress bars (reading, checking, storing) are drawn as ``core.progress`` says
    (``show_progress``: None on a terminal, as the command asks; never from a page).
    """
    election = nomination.election
    profile = candidate_profile(election)
    digest = hashlib.sha256(data).hexdigest()
    rows, problems = _file_read(file_name, data, show_progress)
    if problems:
        errors = [
            _("%(file)s line %(line)d, column %(column)s: %(problem)s")
            % {
                "file": file_name,
                "line": p.line,
                "column": p.column,
                "problem": FILE_PROBLEMS[p.code],
            }
            for p in problems
        ]
        raise SignatureFileInvalid(
            _("%(file)s is refused: %(count)d problem(s); nothing was stored.")
            % {"file": file_name, "count": len(problems)},
            data={
                "errors": errors,
                "problems": [
                    {"line": p.line, "column": p.column, "code": p.code} for p in problems
                ],
            },
        )
    if sample is not None and not profile.signature_sampling:
        raise ValidationFailed(
            _("The rule profile does not allow checking a sample of signatures."),
            data={"field": "sample"},
        )
    sample_seed = f"{seed}:{digest}" if sample is not None else ""
    checked = (
        rows
        if sample is None
        else [rows[i] for i in sample_indices(len(rows), sample, sample_seed)]
    )
    keys, facts = _register_facts(election, checked, show_progress)
    sheets: dict[int, tuple[str, int]] = {}
    for r in rows:
        unit, n = sheets.get(r.sheet, (r.unit, 0))
        sheets[r.sheet] = (unit, n + 1)
    with transaction.atomic():
        locked = _collecting_locked(nomination, _("signature import"))
        # The nominee's earlier sheets, not tens of thousands of numbers in one IN list.
        repeated = sorted(
            sheets.keys()
            & set(SignatureSheet.objects.filter(nomination=locked).values_list("number", flat=True))
        )
        if repeated:
            raise SheetDuplicate(
                _("Sheet(s) %(sheets)s of “%(key)s” were imported before; nothing was stored.")
                % {"sheets": ", ".join(map(str, repeated)), "key": locked.key},
                data={"sheets": repeated},
            )
        if profile.signature_sheets_issued and not sheets_issued_any(nomination=locked):
            raise SheetNotIssued(
                _(
                    "No signature sheets were issued to “%(key)s”: the CEC issues numbered "
                    "sheets before their signatures are verified; nothing was stored."
                )
                % {"key": locked.key},
                data={"field": "file", "sheets": sorted(sheets)},
            )
        unissued = sheets_unissued(nomination=locked, numbers=list(sheets))
        if unissued:
            raise SheetNotIssued(
                _("Sheet(s) %(sheets)s were not issued to “%(key)s”; nothing was stored.")
                % {"sheets": ", ".join(map(str, unissued)), "key": locked.key},
                data={"field": "file", "sheets": unissued},
            )
        reasons = _lines_verified(locked, checked, keys, facts)
        valid = sum(1 for found_reasons in reasons if not found_reasons)
        batch = SignatureImport.objects.create(
            nomination=locked,
            file_name=file_name[:200],
            sha256=digest,
            lines=len(rows),
            checked=len(checked),
            valid=valid,
            sample_seed=sample_seed,
            imported_at=clock.now(),
        )
        _rows_insert(
            SignatureSheet,
            ("nomination", "batch", "number", "unit_code", "lines"),
            ((locked.pk, batch.pk, n, u, c) for n, (u, c) in sorted(sheets.items())),
        )
        _lines_insert(
            _line_values(locked.pk, batch.pk, checked, keys, reasons), len(checked), show_progress
        )
        _tallies_add(locked, rows, checked, reasons)
        counts = reason_counts(reasons)
        event_record(
            actor=actor,
            role=role,
            action="signatures.import",
            object_key=f"{election.key}/{locked.key}",
            payload={
                "election": election.key,
                "nominee": locked.key,
                "file_sha256": digest,
                "sheets": sorted(sheets),
                "lines": len(rows),
                "checked": len(checked),
                "valid": valid,
                "reasons": dict(sorted(counts.items())),
                "sample_seed": seed if sample is not None else None,
            },
        )
    return ImportSummary(len(rows), len(checked), valid, dict(counts), sample_seed)


@collector_paused()
def signatures_check_rest(
    *,
    nomination: Nomination,
    file_name: str,
    data: bytes,
    actor: str,
    role: str = "cec",
    show_progress: bool | None = False,
) -> ImportSummary:
    """Check every line that a sampled import of this file left unchecked.

    A sample whose verdict is neither "register" nor "refuse" (the point estimate below
    the requirement, its upper bound above it: ``rules.signatures.signature_verdict``)
    obliges the commission to check more lines; this checks all the rest, so that the
    verdict becomes the full count's. ``data`` must be the very file of a sampled import
    of this nominee (same SHA-256); the sample is drawn again from the import's published
    seed, the other lines are verified as the import verifies them, stored, and added to
    the units' verification protocols (not to their collected lines); one
    ``signatures.complete`` event. Raises ``NominationState`` (no longer collecting) or
    ``ValidationFailed`` (no sampled import of this file with lines left). Progress bars
    as ``signatures_import_data`` draws them.
    """
    election = nomination.election
    digest = hashlib.sha256(data).hexdigest()
    batch = (
        SignatureImport.objects.filter(nomination=nomination, sha256=digest)
        .exclude(sample_seed="")
        .first()
    )
    if batch is None or batch.checked >= batch.lines:
        raise ValidationFailed(
            _(
                "%(file)s is not a sampled signature file of “%(key)s” with unchecked lines: "
                "import it first, or every line is checked already."
            )
            % {"file": file_name, "key": nomination.key},
            data={"field": "file", "errors": [{"field": "file", "code": "no_sample_to_complete"}]},
        )
    rows, problems = _file_read(file_name, data, show_progress)
    if problems or len(rows) != batch.lines:  # the same bytes were read before
        raise SignatureFileInvalid(
            _("%(file)s cannot be read as it was at its import.") % {"file": file_name},
            data={"errors": [{"field": "file", "code": "changed"}]},
        )
    sampled = set(sample_indices(len(rows), batch.checked, batch.sample_seed))
    rest = [r for i, r in enumerate(rows) if i not in sampled]
    keys, facts = _register_facts(election, rest, show_progress)
    with transaction.atomic():
        locked = _collecting_locked(nomination, _("signature check"))
        reasons = _lines_verified(locked, rest, keys, facts)
        valid = sum(1 for found_reasons in reasons if not found_reasons)
        SignatureImport.objects.filter(pk=batch.pk).update(
            checked=F("checked") + len(rest), valid=F("valid") + valid
        )
        _lines_insert(
            _line_values(locked.pk, batch.pk, rest, keys, reasons), len(rest), show_progress
        )
        _tallies_add(locked, [], rest, reasons)
        counts = reason_counts(reasons)
        event_record(
            actor=actor,
            role=role,
            action="signatures.complete",
            object_key=f"{election.key}/{locked.key}",
            payload={
                "election": election.key,
                "nominee": locked.key,
                "file_sha256": digest,
                "lines": len(rows),
                "checked": len(rest),
                "valid": valid,
                "reasons": dict(sorted(counts.items())),
            },
        )
    return ImportSummary(len(rows), len(rest), valid, dict(counts), batch.sample_seed)


def _file_read(
    file_name: str, data: bytes, show_progress: bool | None
) -> tuple[list[SignatureRow], list[FileProblem]]:
    """Read a signature file with a progress bar over its lines after the header (CSV: its
    physical lines; blank lines and values over several lines leave the bar short)."""
    xlsx = file_name.lower().endswith(".xlsx")
    total = None if xlsx else max(data.count(b"\n") - data.endswith(b"\n"), 0)
    with progress(_("Reading signature lines"), total, enabled=show_progress) as advance:
        return signature_file_read(data, xlsx=xlsx, advance=advance)


def _collecting_locked(nomination: Nomination, what: str) -> Nomination:
    """Lock the nomination; refuse ``what`` unless the nominee is collecting signatures."""
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if locked.status != NominationStatus.ELIGIBLE or locked.collection_opens is None:
        raise state_refused(locked, what)
    return locked


def _lines_verified(
    locked: Nomination,
    rows: list[SignatureRow],
    keys: list[uuid.UUID | None],
    facts: dict[uuid.UUID, RegisterFacts],
) -> list[list[Reason]]:
    """Return every reason each line is invalid (none: valid), against the register's
    facts, the collection window (or the cure window while open), the nominee's stored
    lines and the profile's patterns."""
    return line_reasons(
        rows,
        keys,
        facts,
        window=signing_window(nomination=locked, today=election_today(election=locked.election)),
        earlier_signers=_earlier_signers(locked, [k for k in keys if k is not None]),
        patterns=pattern_rules(candidate_profile(locked.election)),
    )


def _register_facts(
    election: Election, rows: list[SignatureRow], show_progress: bool | None
) -> tuple[list[uuid.UUID | None], dict[uuid.UUID, RegisterFacts]]:
    """Return each row's keyed IIN value (None: the IIN is invalid) and what the register
    says of every signer found in it (name, birth date, unit, eligible on voting day)."""
    geography_id = election.geography_id
    keys = signer_keys(geography_id=geography_id, iins=[r.iin for r in rows])
    with progress(
        _("Looking the signers up in the register"), len(keys), enabled=show_progress
    ) as advance:
        # One join of every key against the register, planned by the database as a whole
        # (40 queries of 5,000 keys were a third of a 200,000-line import's time).
        found = signers_by_key(geography_id=geography_id, keys=[k for k in keys if k is not None])
        advance(len(keys))
    voter_rules = eligibility_rules(election)
    facts = {
        k: RegisterFacts(
            surname=v.surname,
            given_name=v.given_name,
            birth_date=v.birth_date,
            unit=v.region_code,
            eligible=not ineligibility(
                rules=voter_rules,
                birth_date=v.birth_date,
                election_day=election.date,
                incapacitated=v.incapacitated,
                prisoner=v.prisoner,
            ),
        )
        for k, v in found.items()
    }
    return keys, facts


LINE_COLUMNS = (
    "nomination",
    "batch",
    "sheet",
    "line",
    "unit_code",
    "signer",
    "reasons",
    "masked_name",
)


def _line_values(
    nomination_pk: int,
    batch_pk: int,
    rows: list[SignatureRow],
    keys: list[uuid.UUID | None],
    reasons: list[list[Reason]],
) -> Iterable[tuple[Any, ...]]:
    """Yield each checked line as ``_rows_insert`` stores it (``LINE_COLUMNS``, the signer's
    key as the database takes it); a rejected line keeps its signer's masked name, a valid
    line none."""
    signer = SignatureLine._meta.get_field("signer")
    assert isinstance(signer, Field)
    for r, k, found_reasons in zip(rows, keys, reasons, strict=True):
        yield (
            nomination_pk,
            batch_pk,
            r.sheet,
            r.line,
            r.unit,
            signer.get_db_prep_value(k, connection),
            ",".join(found_reasons),
            name_masked(r.surname, r.given_name) if found_reasons else "",
        )


def _lines_insert(rows: Iterable[tuple[Any, ...]], total: int, show_progress: bool | None) -> None:
    """Insert checked lines (``_line_values``) with a progress bar."""
    with progress(_("Storing checked lines"), total, enabled=show_progress) as advance:
        _rows_insert(SignatureLine, LINE_COLUMNS, rows, advance)


def _rows_insert(
    model: type[Model],
    names: tuple[str, ...],
    rows: Iterable[tuple[Any, ...]],
    advance: Callable[[int], None] = lambda _n: None,
) -> None:
    """Insert rows of the fields ``names`` (values as the database takes them), telling
    ``advance`` of every 10,000.

    On PostgreSQL through COPY (``executemany`` spent most of a 200,000-line import
    quoting parameters), elsewhere one prepared statement with ``executemany`` in batches;
    a model instance per line or sheet was most of the import's time before
    (docs/benchmarks.md).
    """
    meta = model._meta
    fields = [f for n in names if isinstance(f := meta.get_field(n), Field)]
    quote = connection.ops.quote_name
    # Identifiers come from the model's metadata, values are parameters or COPY data.
    table, columns = quote(meta.db_table), ", ".join(quote(str(f.column)) for f in fields)
    done = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    done += 1
                    if not done % 10_000:
                        advance(10_000)
            advance(done % 10_000)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 10_000:
                cursor.executemany(sql, batch)
                advance(len(batch))
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            advance(len(batch))


def _earlier_signers(nomination: Nomination, keys: list[uuid.UUID]) -> set[uuid.UUID]:
    """Return the keys among ``keys`` already on this nominee's stored lines."""
    earlier: set[uuid.UUID] = set()
    if not SignatureLine.objects.filter(nomination=nomination).exists():
        return earlier  # a first file: nothing to look for, key by key
    for start in range(0, len(keys), 5000):
        earlier.update(
            k
            for k in SignatureLine.objects.filter(
                nomination=nomination, signer__in=keys[start : start + 5000]
            ).values_list("signer", flat=True)
            if k is not None
        )
    return earlier


def _tallies_add(
    nomination: Nomination,
    rows: list[SignatureRow],
    checked: list[SignatureRow],
    reasons: list[list[Reason]],
) -> None:
    """Add an import's lines to each unit's verification protocol.

    ``rows`` are the lines collected (none when a sample's remaining lines are checked:
    they were counted as collected by the sample's import), ``checked`` those verified.
    """
    collected: Counter[str] = Counter(r.unit for r in rows)
    checked_by: Counter[str] = Counter(r.unit for r in checked)
    valid_by: Counter[str] = Counter(
        r.unit for r, found in zip(checked, reasons, strict=True) if not found
    )
    by_reason: dict[str, Counter[str]] = defaultdict(Counter)
    for r, found in zip(checked, reasons, strict=True):
        by_reason[r.unit].update(x.value for x in found)
    existing = {
        t.unit_code: t
        for t in SignatureTally.objects.filter(
            nomination=nomination, unit_code__in=list(collected | checked_by)
        )
    }
    for unit in sorted(collected | checked_by):
        tally = existing.get(unit)
        if tally is None:
            SignatureTally.objects.create(
                nomination=nomination,
                unit_code=unit,
                collected=collected[unit],
                checked=checked_by[unit],
                valid=valid_by[unit],
                reasons=dict(sorted(by_reason[unit].items())),
            )
            continue
        merged = Counter(tally.reasons)
        merged.update(by_reason[unit])
        SignatureTally.objects.filter(pk=tally.pk).update(
            collected=F("collected") + collected[unit],
            checked=F("checked") + checked_by[unit],
            valid=F("valid") + valid_by[unit],
            reasons=dict(sorted(merged.items())),
        )
