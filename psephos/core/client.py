"""The client address every rate limit counts against.

Behind a reverse proxy every request comes from the proxy's address: a limit keyed on
``REMOTE_ADDR`` would give all citizens one budget. The address is taken from
``X-Forwarded-For`` only when the request came from a proxy listed in
``settings.PSEPHOS_TRUSTED_PROXIES``, reading the header from the right (the entries
the trusted proxies appended) to the first address that is not a trusted proxy; what
the client itself wrote at the left is never believed. An IPv6 client is keyed by its
/64 network, which one subscriber usually holds whole.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPV6_PREFIX = 64
UNKNOWN = "unknown"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(text: str) -> IPAddress | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def rate_key(address: IPAddress) -> str:
    """Return the key a rate limit counts this address under (IPv6 by its /64)."""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address)


def client_address(request: HttpRequest) -> str:
    """Return the rate-limit key of the request's client (``"unknown"`` if unreadable)."""
    trusted = _networks(tuple(getattr(settings, "PSEPHOS_TRUSTED_PROXIES", ())))
    address = _parse(str(request.META.get("REMOTE_ADDR", "")))
    if address is None:
        return UNKNOWN

    def is_trusted(a: IPAddress) -> bool:
        return any(a.version == n.version and a in n for n in trusted)

    if is_trusted(address):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(hops):
            parsed = _parse(hop)
            if parsed is None:
                break  # a malformed entry: stop at the last proxy that can be trusted
            address = parsed
            if not is_trusted(parsed):
                break
    return rate_key(address)
