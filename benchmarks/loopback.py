"""A server on loopback for the benchmarks: a free port, and waiting until it answers."""

from __future__ import annotations

import http.client
import socket
import time


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that the OS says is free."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(port: int, path: str = "/api/v1/elections", tries: int = 300) -> bool:
    """Return True once ``GET path`` on the port answers (every 0.2 s), False after ``tries``."""
    for _ in range(tries):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            c.getresponse().read()
            c.close()
            return True
        except OSError:
            time.sleep(0.2)
    return False
