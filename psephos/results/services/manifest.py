"""The signed pre-election manifest: a commitment to the election before any count.

``manifest_create`` computes the canonical JSON of the election definition (kind,
date, map, profile, contests and options), the list of polling stations with their
TEC and region, and the zero totals every tally starts from; its SHA-256; and an
Ed25519 signature by the ledger's key over a context-tagged message (so the
signature cannot be replayed as a bundle or tree-head signature). It stores the
manifest and records ledger event ``election.manifest`` with the digest and
signature. Once any protocol of the election exists, the manifest is frozen.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.accounts.access import access_election_certify
from psephos.core import clock
from psephos.core.errors import Conflict
from psephos.elections.models import Election
from psephos.ledger.actors import actor_user
from psephos.ledger.rules.hashing import canonical_json
from psephos.ledger.rules.signing import key_id, public_key_base64, sign
from psephos.ledger.services.events import event_record
from psephos.ledger.services.keys import signing_key_load
from psephos.results.models import Manifest, Protocol, ProtocolRefusal
from psephos.results.selectors.manifest import manifest_body

if TYPE_CHECKING:
    from psephos.accounts.models import User

CONTEXT = "psephos election manifest v1"


class ManifestFrozen(Conflict):
    code = "manifest_frozen"


def manifest_message(body: dict[str, Any]) -> bytes:
    """The bytes the manifest's signature covers."""
    return canonical_json({"context": CONTEXT, "manifest": body})


def manifest_create(*, user: User, election: Election) -> Manifest:
    """Compute, sign, store and log the election's manifest; return it.

    Preconditions: ``user`` is a central-commission operator; no protocol (nor a
    refused attempt) exists for the election. An earlier manifest is replaced (the
    ledger keeps both digests). Side effects: the ``Manifest`` row; ledger event
    ``election.manifest`` with the SHA-256, signature and key id.

    Raises ``PermissionDenied`` or ``ManifestFrozen``; nothing is written then.
    """
    access_election_certify(user)
    with transaction.atomic():
        Election.objects.select_for_update().filter(pk=election.pk).first()
        if (
            Protocol.objects.filter(election=election).exists()
            or ProtocolRefusal.objects.filter(election=election).exists()
        ):
            raise ManifestFrozen(
                _(
                    "Protocols of “%(election)s” have been submitted; its manifest can no "
                    "longer be created or replaced."
                )
                % {"election": election.key},
                data={"election": election.key},
            )
        body = manifest_body(election=election)
        sha = hashlib.sha256(canonical_json(body)).hexdigest()
        key = signing_key_load()
        public = public_key_base64(key)
        signature = sign(key, manifest_message(body))
        previous = Manifest.objects.filter(election=election).first()
        payload = {
            "election": election.key,
            "sha256": sha,
            "signature": signature,
            "key_id": key_id(public),
            "stations": len(body["stations"]),
            "replaces": previous.sha256 if previous else None,
        }
        event = event_record(
            actor=actor_user(user),
            role=user.role,
            action="election.manifest",
            object_key=election.key,
            payload=payload,
        )
        fields = {
            "body": body,
            "sha256": sha,
            "signature": signature,
            "key_id": key_id(public),
            "public_key": public,
            "created_at": clock.now(),
            "event_seq": event.seq,
        }
        manifest, _created = Manifest.objects.update_or_create(election=election, defaults=fields)
    return manifest
