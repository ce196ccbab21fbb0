"""The client address every rate limit keys on: trusted proxies, spoofing, IPv6 by /64."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from psephos.core.client import client_address

PROXIES = ["10.0.0.0/8", "2001:db8:ffff::/48"]


def address(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # No proxy trusted: the header is ignored, whatever it says.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # A request from a trusted proxy: the address the proxy appended.
        ("10.2.3.4", "198.51.100.1", "198.51.100.1"),
        # The client's own entries at the left are never believed.
        ("10.2.3.4", "192.0.2.1, 198.51.100.1", "198.51.100.1"),
        # Two trusted proxies in a row: the first untrusted hop from the right.
        ("10.2.3.4", "192.0.2.1, 198.51.100.1, 10.9.9.9", "198.51.100.1"),
        # A trusted proxy without the header: the proxy itself.
        ("10.2.3.4", None, "10.2.3.4"),
        # A malformed hop: stop at the last trusted one rather than guess.
        ("10.2.3.4", "198.51.100.1, not-an-ip", "10.2.3.4"),
        # Ports and brackets as some proxies write them.
        ("10.2.3.4", "198.51.100.1:51234", "198.51.100.1"),
        ("10.2.3.4", "[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"),
        # IPv6 keyed by /64: two addresses of one subscriber share a budget.
        ("2001:db8:1:2::1", None, "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", None, "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", None, "2001:db8:1:3::/64"),
        # An IPv6 proxy in the trusted list; an IPv4-mapped address is IPv4.
        ("2001:db8:ffff:1::9", "::ffff:198.51.100.1", "198.51.100.1"),
        # An unreadable REMOTE_ADDR.
        ("", None, "unknown"),
    ],
)
def test_client_address(remote: str, forwarded: str | None, expected: str) -> None:
    trusted = [] if remote == "203.0.113.7" else PROXIES
    with override_settings(PSEPHOS_TRUSTED_PROXIES=trusted):
        assert address(remote, forwarded) == expected
