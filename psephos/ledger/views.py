"""Public ledger pages: the latest events, the signed tree heads, the public key."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from psephos.ledger import selectors

PAGE_SIZE = 50


def _int_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


def ledger_page(request: HttpRequest) -> HttpResponse:
    """List events newest first (``?before=N`` pages back), the tree heads and the key."""
    object_key = request.GET.get("object", "").strip()[:200]
    if object_key:
        return render(
            request,
            "ledger/object.html",
            {
                "object_key": object_key,
                "events": selectors.events_for_object(object_key=object_key),
            },
        )
    total = selectors.events_count()
    before = _int_param(request, "before")
    top = min(before - 1, total) if before else total
    events = list(selectors.events_list(after=max(0, top - PAGE_SIZE), limit=PAGE_SIZE))
    events = [e for e in events if e.seq <= top]
    events.reverse()
    public, kid = selectors.public_key()
    context = {
        "events": events,
        "total": total,
        "older": events[-1].seq if events and events[-1].seq > 1 else None,
        "newer": top + PAGE_SIZE + 1 if top < total else None,
        "tree_heads": selectors.tree_heads_list(limit=20),
        "public_key": public,
        "key_id": kid,
    }
    return render(request, "ledger/index.html", context)


def event_page(request: HttpRequest, seq: int) -> HttpResponse:
    """Show one event in full, with its audit path in the latest signed tree if it is covered."""
    event = selectors.event_get(seq=seq)
    if event is None:
        raise Http404(_("There is no event %(seq)d in the ledger.") % {"seq": seq})
    latest = selectors.tree_head_latest()
    proof = None
    if latest is not None and seq <= latest.tree_size:
        proof = selectors.inclusion_proof_get(seq=seq, tree_size=latest.tree_size)
    return render(
        request,
        "ledger/event.html",
        {"event": event, "leaf_hash": selectors.leaf_hash_of(event), "proof": proof, "sth": latest},
    )
