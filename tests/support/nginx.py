"""Debian's nginx on loopback with the shipped snapshot configuration, for tests and benchmarks.

``nginx_start`` runs ``deploy/nginx/psephos-snapshot.conf`` itself, with its root,
listening address and application address replaced, in the foreground under a
private prefix (pid file, logs, temporary folders), and ``NginxServer.stop`` ends it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx" / "psephos-snapshot.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    """Return a loopback port that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def nginx_config(
    *, snapshot: Path, listen: int, app: int, work: Path, extra_server: str = ""
) -> Path:
    """Write a main nginx.conf in ``work`` that includes the shipped server with these addresses.

    ``extra_server`` is added to the http block as it is (a benchmark's baseline server).
    """
    server = CONF.read_text()
    for old, new in (
        ("root /srv/psephos/snapshot;", f"root {snapshot};"),
        ("listen 80;", f"listen 127.0.0.1:{listen};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app};"),
    ):
        assert server.count(old) == 1, old
        server = server.replace(old, new)
    (work / "psephos-snapshot.conf").write_text(server)
    temps = "\n".join(
        f"  {name}_temp_path {work / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = work / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {work / 'nginx.pid'};\n"
        + f"error_log {work / 'error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
        + "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        + f"  access_log off;\n{temps}\n  include {work / 'psephos-snapshot.conf'};\n"
        + f"{extra_server}\n}}\n"
    )
    return main


@dataclass
class NginxServer:
    process: subprocess.Popen[bytes]
    port: int

    def stop(self) -> None:
        """End nginx (its master and workers) and wait for it."""
        self.process.terminate()
        self.process.wait(timeout=20)


def nginx_start(
    *, snapshot: Path, app: int, work: Path, extra_server: str = "", port: int | None = None
) -> NginxServer:
    """Start nginx serving ``snapshot`` (application on port ``app``); wait until it listens."""
    port = port or free_port()
    work.mkdir(parents=True, exist_ok=True)
    conf = nginx_config(
        snapshot=snapshot, listen=port, app=app, work=work, extra_server=extra_server
    )
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(work)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return NginxServer(proc, port)
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"nginx did not start: {err}") from None
            time.sleep(0.05)
