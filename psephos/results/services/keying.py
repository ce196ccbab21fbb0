"""Double entry of paper protocols at the territorial commission, and protocol images.

When a PEC's protocol reaches the TEC on paper, two different operators of the TEC
directly above the station key its figures independently. Matching entries submit
the protocol (version source ``tec``) through the same rules and the same write as a
PEC's own submission (``_version_submit`` and ``_refusal_record`` in ``protocols``):
control relations are checked, a breach is stored as a refusal with its ledger event,
and the round starts again. On a mismatch the differing lines are
listed and a third operator's resolution entry decides (results-transparency.md §9).
The same operator never keys one protocol twice in a round.

The signed paper protocol's image or PDF can be attached; its type is sniffed from
the bytes, its size limited, and its SHA-256 recorded in the ledger and shown publicly.
The bytes go to the default storage (the file system, or object storage in
production), content-addressed, never into a database row.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from typing import Protocol as Protocol_

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.accounts.access import access_protocol_decide
from psephos.commissions.models import Commission
from psephos.core import clock
from psephos.core.errors import Conflict, PermissionDenied, ValidationFailed
from psephos.elections.selectors import election_options
from psephos.results.enums import ProtocolStatus, VersionSource
from psephos.results.errors import ProtocolAlreadySubmitted
from psephos.results.models import KeyedEntry, Protocol, ProtocolAttachment
from psephos.results.rules.lines import ProtocolLines
from psephos.results.selectors.keying import KeyingOutcome, _figures, _round, differences
from psephos.results.selectors.protocols import station_pec_get
from psephos.results.services.tabulation import _ancestor_ids
from psephos.results.services.versions import (
    _OPEN_FOR_SUBMISSION,
    _breaches,
    _protocol_event,
    _refusal_record,
    _refuse_if_certified,
    _version_submit,
)

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
)


class SameOperator(Conflict):
    """The operator already keyed this protocol in the current round."""

    code = "keying_same_operator"


class AttachmentRefused(ValidationFailed):
    code = "attachment_refused"


def _already_keyed(station_code: str, status: str) -> ProtocolAlreadySubmitted:
    return ProtocolAlreadySubmitted(
        _("The protocol of station “%(station)s” is already %(status)s.")
        % {"station": station_code, "status": status},
        data={"station": station_code, "status": status},
    )


def protocol_key(
    *, user: User, election: Election, station_code: str, lines: ProtocolLines
) -> KeyingOutcome:
    """Record one operator's keying of the station's paper protocol; return what happened.

    Preconditions: ``user`` operates the TEC directly above the station; the
    election is not certified; the protocol is new or returned; ``user`` has not
    keyed it already in this round (a third entry must come from a third operator).

    Side effects: a ``KeyedEntry``; on the second matching entry or a resolution, the
    protocol is submitted (version source ``tec``, ledger event ``protocol.submit``);
    if those figures break a control relation, a ``ProtocolRefusal`` and its ledger
    event ``protocol.refuse`` are stored, the round's entries are closed as refused
    and ``ProtocolBreaksRelations`` is raised. A mismatch records ``protocol.key``
    events naming the differing lines (not the figures).

    Raises ``StationNotFound``, ``PermissionDenied``, ``ElectionCertified``,
    ``ProtocolAlreadySubmitted``, ``SameOperator`` or ``ProtocolBreaksRelations``.
    """
    pec = station_pec_get(election=election, station_code=station_code)
    access_protocol_decide(user, pec)
    _refuse_if_certified(election)
    options = election_options(election=election)
    figures = {**lines.as_dict(), "votes": dict(lines.votes)}
    try:
        with transaction.atomic():
            Commission.objects.select_for_update().filter(pk=pec.pk).first()
            status = (
                Protocol.objects.filter(election=election, commission=pec)
                .values_list("status", flat=True)
                .first()
            )
            if status is not None and status not in _OPEN_FOR_SUBMISSION:
                raise _already_keyed(station_code, status)
            pending = list(_round(election, pec).order_by("pk"))
            if any(e.operator_id == user.pk for e in pending):
                raise SameOperator(
                    _(
                        "You already keyed the protocol of station “%(station)s”; "
                        "another operator of the commission must key it."
                    )
                    % {"station": station_code},
                    data={"station": station_code},
                )
            kind = KeyedEntry.Kind.RESOLUTION if len(pending) >= 2 else KeyedEntry.Kind.ENTRY
            KeyedEntry.objects.create(
                election=election,
                commission=pec,
                operator=user,
                kind=kind,
                votes=dict(lines.votes),
                created_at=clock.now(),
                **lines.as_dict(),
            )
            entries = len(pending) + 1
            if not pending:
                return KeyingOutcome("awaiting_second", station_code, entries)
            diff = differences(_figures(pending[0]), figures) if len(pending) == 1 else []
            if diff:
                _protocol_event(
                    user=user,
                    election=election,
                    station_code=station_code,
                    action="protocol.key.mismatch",
                    lines=diff,
                )
                return KeyingOutcome("mismatch", station_code, entries, differences=diff)
            breaches = _breaches(election, lines, [o.key for o in options])
            if not breaches:
                protocol = _version_submit(
                    user=user,
                    election=election,
                    commission=pec,
                    ancestor_ids=_ancestor_ids(pec),
                    lines=lines,
                    options=options,
                    source=VersionSource.TEC_ENTRY,
                    note="double entry",
                    already=_already_keyed,
                )
                version = protocol.current
                assert version is not None
                _round(election, pec).update(version=version)
                return KeyingOutcome("submitted", station_code, entries, version=version.number)
            refused = _refusal_record(
                user=user,
                election=election,
                station_code=station_code,
                lines=lines,
                breaches=breaches,
                source=VersionSource.TEC_ENTRY,
            )
            _round(election, pec).update(refused=True)
    except IntegrityError:
        # A concurrent first submission of the same station (the PEC's own, or another
        # round) won the unique constraint; nothing of this round was kept.
        raise _already_keyed(station_code, ProtocolStatus.SUBMITTED) from None
    raise refused


def sniff(content: bytes) -> str | None:
    """The content type of a PNG, JPEG or PDF from its first bytes, else None."""
    for magic, content_type in SIGNATURES:
        if content.startswith(magic):
            return content_type
    return None


def attachment_limit() -> int:
    """The largest attachment accepted, in bytes."""
    return int(getattr(settings, "PSEPHOS_ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES))


class Upload(Protocol_):
    """What ``attachment_read`` needs of an uploaded file (Django's ``UploadedFile``)."""

    @property
    def size(self) -> int | None: ...

    def read(self, size: int = -1, /) -> bytes: ...


def attachment_read(upload: Upload, *, station_code: str) -> bytes:
    """Return an uploaded protocol image's bytes, refusing it before it is read whole.

    A file whose size (counted by Django as it arrived) is above the limit is refused
    unread; then its first bytes are read and one that is not a PNG, JPEG or PDF is
    refused; only then is the rest read (never more than the limit and one byte).
    Raises ``AttachmentRefused``; ``protocol_attach`` checks the bytes again.
    """
    limit = attachment_limit()
    if upload.size is not None and upload.size > limit:
        raise _too_large(station_code, upload.size, limit)
    head = upload.read(max(len(m) for m, _t in SIGNATURES))
    if sniff(head) is None:
        raise _not_image(station_code)
    return head + upload.read(limit + 1 - len(head))


def _too_large(station_code: str, size: int, limit: int) -> AttachmentRefused:
    return AttachmentRefused(
        _("The file has %(size)d bytes; at most %(limit)d are accepted.")
        % {"size": size, "limit": limit},
        data={"station": station_code, "size": size, "limit": limit},
    )


def _not_image(station_code: str) -> AttachmentRefused:
    return AttachmentRefused(
        _("The file is not a PNG, JPEG or PDF."),
        data={"station": station_code},
    )


def attachment_storage_name(sha256: str) -> str:
    """Return where an attachment with this digest is stored (one copy per content)."""
    return f"protocols/{sha256[:2]}/{sha256}"


ATTACHMENTS_PER_STATION = 10
# Any number not used by another advisory lock of psephos: the first key of the
# per-station attachment lock on PostgreSQL.
_ATTACH_LOCK_CLASS = 0x5053_4154  # "PSAT"


def attachments_per_station() -> int:
    """The most attachments one station's protocol may have in an election."""
    return int(getattr(settings, "PSEPHOS_ATTACHMENTS_PER_STATION", ATTACHMENTS_PER_STATION))


def _attachments_lock(commission_id: int) -> None:
    """Serialise attachments to one station, so that counting them and adding one is atomic.

    SQLite's write transactions already run one at a time (BEGIN IMMEDIATE); on
    PostgreSQL a transaction-scoped advisory lock on the station does the same.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_ATTACH_LOCK_CLASS, commission_id]
            )


def protocol_attach(
    *, user: User, election: Election, station_code: str, content: bytes
) -> ProtocolAttachment:
    """Store the image or PDF of the station's signed paper protocol; record its SHA-256.

    Preconditions: ``user`` is the station's own PEC or the TEC directly above it;
    the content is a PNG, JPEG or PDF (sniffed from its bytes, whatever the client
    claims) of at most ``PSEPHOS_ATTACHMENT_MAX_BYTES`` (10 MiB by default); the
    station has fewer than ``PSEPHOS_ATTACHMENTS_PER_STATION`` (10) attachments.

    Side effects: the bytes in the default storage; a ``ProtocolAttachment``; ledger event ``protocol.attach`` with the
    digest, type and size. Raises ``StationNotFound``, ``PermissionDenied`` or
    ``AttachmentRefused``; nothing is written then.
    """
    pec = station_pec_get(election=election, station_code=station_code)
    if not (
        user.is_authenticated
        and user.commission_id is not None
        and user.commission_id in (pec.pk, pec.parent_id)
    ):
        raise PermissionDenied(
            _(
                "Only the station's precinct commission or the territorial commission above it "
                "can attach its protocol."
            ),
            data={"station": station_code},
        )
    limit = attachment_limit()
    if len(content) > limit:
        raise _too_large(station_code, len(content), limit)
    content_type = sniff(content)
    if content_type is None:
        raise _not_image(station_code)
    sha = hashlib.sha256(content).hexdigest()
    # Written before the transaction: a committed row never names a missing file (a
    # refused or rolled-back attachment can leave an unreferenced copy, never a dangling
    # reference).
    name = attachment_storage_name(sha)
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    with transaction.atomic():
        _attachments_lock(pec.pk)
        cap = attachments_per_station()
        held = ProtocolAttachment.objects.filter(election=election, commission=pec).count()
        if held >= cap:
            raise AttachmentRefused(
                _(
                    "Station “%(station)s” already has %(count)d attachments, the most "
                    "accepted; ask the territorial commission to review them."
                )
                % {"station": station_code, "count": held},
                data={"station": station_code, "attachments": held, "limit": cap},
            )
        attachment = ProtocolAttachment.objects.create(
            election=election,
            commission=pec,
            content_type=content_type,
            size=len(content),
            sha256=sha,
            storage_name=name,
            uploaded_by=user,
            created_at=clock.now(),
        )
        _protocol_event(
            user=user,
            election=election,
            station_code=station_code,
            action="protocol.attach",
            sha256=sha,
            content_type=content_type,
            size=len(content),
        )
    return attachment
